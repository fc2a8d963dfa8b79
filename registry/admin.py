from django.contrib import admin

from .models import InstrumentVersion


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(admin.ModelAdmin):
    """Instrument versions are reference data; a published version is never edited."""

    list_display = ["code", "version", "title", "published_at"]

    def get_readonly_fields(self, request, obj=None):
        return ["code", "version", "definition"] if obj else []
