"""Budgets: the ceiling (pagu, DIPA) per program and year with its revisions, allocations by
region, and realisation from the payments (issue 16)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "budgets"
    verbose_name = _("Budgets")
