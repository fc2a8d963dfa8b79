"""PKH commitments, verification per stage, P2K2, consequences and graduation (issue 15)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PkhConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pkh"
    verbose_name = _("PKH conditionality")

    def ready(self) -> None:
        from programs import exits
        from registry.hooks import register_household_block

        from . import tasks  # noqa: F401  (the job kinds)
        from .blocks import household_block
        from .selectors import PKH_CODE, graduated_on, graduation_words

        register_household_block(household_block)
        # A graduation ends the family's PKH enrollment: the next KPM list has it exited.
        exits.register(PKH_CODE, graduated_on, graduation_words())
