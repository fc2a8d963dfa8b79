from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programs"
    verbose_name = _("Programs and targeting")

    def ready(self) -> None:
        # Each program's decision on the household page (registry/hooks.py).
        from registry.hooks import register_household_block

        from .views.enrollment import household_block

        register_household_block(household_block)
