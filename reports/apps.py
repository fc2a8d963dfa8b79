"""Summary tables per region and period, dashboards, open data and the audit findings
(issue 16)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Reports and dashboards")
