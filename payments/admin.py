"""Reference data of payments in the Django admin: channels, channel rules, file layouts and
budget ceilings. Cycles, payments and files change only through the services."""

from django.contrib import admin

from .models import BudgetCeiling, ChannelRule, FileLayout, PaymentChannel


@admin.register(PaymentChannel)
class PaymentChannelAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind"]


@admin.register(ChannelRule)
class ChannelRuleAdmin(admin.ModelAdmin):
    list_display = ["region_prefix", "program", "channel"]
    list_filter = ["channel"]


@admin.register(FileLayout)
class FileLayoutAdmin(admin.ModelAdmin):
    list_display = ["channel", "purpose", "version"]
    list_filter = ["channel", "purpose"]


@admin.register(BudgetCeiling)
class BudgetCeilingAdmin(admin.ModelAdmin):
    list_display = ["program", "year", "region_code", "amount"]
    list_filter = ["program", "year"]
