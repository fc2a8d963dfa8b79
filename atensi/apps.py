from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AtensiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "atensi"
    verbose_name = _("ATENSI")

    def ready(self) -> None:
        from workforce.hooks import register_worker_block

        from .selectors import worker_block

        register_worker_block(worker_block)
