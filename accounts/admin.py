from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from . import policy
from .models import ApiToken, User


class ScopedUserForm(forms.ModelForm):
    """A role must be bound to a region of its level (a village operator to a village...)."""

    def clean(self):
        cleaned = super().clean()
        region = cleaned.get("region")
        problem = policy.scope_problem(cleaned.get("role", ""), region.code if region else "")
        if problem:
            raise forms.ValidationError(problem)
        return cleaned


@admin.register(User)
class KesosUserAdmin(UserAdmin):
    form = type("UserChangeForm", (ScopedUserForm, UserAdmin.form), {})
    list_display = ["username", "role", "region", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["region"]
    fieldsets = [
        *UserAdmin.fieldsets,
        ("Kesos", {"fields": ["role", "region"]}),
    ]
    add_fieldsets = [
        *UserAdmin.add_fieldsets,
        ("Kesos", {"fields": ["role", "region"]}),
    ]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_hash", "prefix", "created_at", "last_used_at"]
