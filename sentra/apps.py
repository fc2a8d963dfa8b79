from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SentraConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sentra"
    verbose_name = _("Sentra Kreasi ATENSI")
