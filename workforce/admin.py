from django.contrib import admin

from .models import Assignment, Certificate, Worker


class CertificateInline(admin.TabularInline):
    model = Certificate
    extra = 0


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    raw_id_fields = ["provider", "region"]


@admin.register(Worker)
class WorkerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "user", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "region__code"]
    raw_id_fields = ["region", "user"]
    inlines = [CertificateInline, AssignmentInline]
