from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CivilConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "civil"
    verbose_name = _("Civil registry (Dukcapil)")

    def ready(self) -> None:
        # The member's match with the civil registry on the member page (registry/hooks.py).
        from registry.hooks import register_member_block

        from .blocks import member_block

        register_member_block(member_block)
