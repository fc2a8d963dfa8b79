"""PKH reference data in the Django admin: the rule versions (read-only; a new version is
published through services.publish_rules, which checks it)."""

from django.contrib import admin

from .models import RuleVersion


@admin.register(RuleVersion)
class RuleVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "created_at", "created_by", "note"]
    readonly_fields = ["version", "definition", "note", "created_at", "created_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
