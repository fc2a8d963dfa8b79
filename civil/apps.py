from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CivilConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "civil"
    verbose_name = _("Civil registry (Dukcapil)")
