"""Monthly reports up the hierarchy: a kabupaten/kota's report, signed off by its head of
service, consolidated by the province and then by the ministry (issue 16)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonthlyReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "monthly_reports"
    verbose_name = _("Monthly reports")
