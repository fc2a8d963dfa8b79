from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LansiaConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lansia"
    verbose_name = _("Posyandu Lansia")
