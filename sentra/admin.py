from django.contrib import admin

from .models import Facility, Partner, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "provider", "region", "active")
    search_fields = ("name",)


admin.site.register(Facility)
admin.site.register(Partner)
