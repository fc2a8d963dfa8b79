from django.contrib import admin

from .models import CivilExtract


@admin.register(CivilExtract)
class CivilExtractAdmin(admin.ModelAdmin):
    """Read-only: extracts come in through `kesos civil import` and never change."""

    list_display = ("name", "source_name", "rows", "imported_at")
    readonly_fields = ("name", "source_name", "rows", "checksum", "imported_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
