from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkageConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "linkage"
    verbose_name = _("Data quality")

    def ready(self) -> None:
        # The member's possible duplicates on the member page (registry/hooks.py).
        from registry.hooks import register_member_block

        from .blocks import member_block

        register_member_block(member_block)
