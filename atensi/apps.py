from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AtensiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "atensi"
    verbose_name = _("ATENSI")
