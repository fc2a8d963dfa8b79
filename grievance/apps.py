from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrievanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "grievance"
    verbose_name = _("Complaints (pengaduan)")
