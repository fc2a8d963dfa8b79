from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "payments"
    verbose_name = _("Payments (penyaluran)")

    def ready(self) -> None:
        # The household page shows each payment's status (registry/hooks.py); the Pos
        # invitation letters are a job kind declared outside tasks.py.
        from registry.hooks import register_household_block

        from . import pos_letters  # noqa: F401
        from .status import household_block

        register_household_block(household_block)
