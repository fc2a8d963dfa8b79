from django.contrib import admin

from .models import Provider, ProviderCluster, ProviderService


class ServiceInline(admin.TabularInline):
    model = ProviderService
    extra = 0


class ClusterInline(admin.TabularInline):
    model = ProviderCluster
    extra = 0


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    """Reference data of the directory; day-to-day edits go through the directory pages, which
    check the region scope and write audit events."""

    list_display = [
        "name",
        "kind",
        "region",
        "accreditation_grade",
        "accreditation_valid_until",
        "active",
    ]
    list_filter = ["kind", "accreditation_grade", "active", "residential"]
    search_fields = ["name", "region__code", "region__name"]
    raw_id_fields = ["region", "supervisor"]
    inlines = [ServiceInline, ClusterInline]
