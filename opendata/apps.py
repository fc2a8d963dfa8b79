"""Open data: aggregate tables for the public per kabupaten/kota and program, read from the
summary tables, with small cells suppressed (issue 16)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "opendata"
    verbose_name = _("Open data")
