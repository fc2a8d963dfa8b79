from django.contrib import admin

from .models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: events are never added, edited or deleted through the application."""

    list_display = ["at", "actor", "action", "object_type", "object_id", "source", "source_ref"]
    list_filter = ["action", "source"]
    search_fields = ["object_id", "source_ref"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
