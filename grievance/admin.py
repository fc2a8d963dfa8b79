"""Routing rules and SLAs are data: the administrator edits them here."""

from django.contrib import admin

from .models import RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "region_prefix", "unit", "sla_hours"]
    list_filter = ["category", "unit"]
    search_fields = ["region_prefix"]
