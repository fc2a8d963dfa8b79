from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RankingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ranking"
    verbose_name = _("Welfare ranking")

    def ready(self) -> None:
        # The welfare ranking on the household page (registry/hooks.py).
        from registry.hooks import register_household_block

        from .blocks import household_block

        register_household_block(household_block)
