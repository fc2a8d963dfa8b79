from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EwarongConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ewarong"
    verbose_name = _("E-warong (Program Sembako shops)")

    def ready(self) -> None:
        # The household page shows the family's Sembako balance (registry/hooks.py); the
        # wallets' job kinds live beside tasks.py.
        from registry.hooks import register_household_block

        from . import wallet_jobs  # noqa: F401
        from .wallet_pages import household_block

        register_household_block(household_block)
