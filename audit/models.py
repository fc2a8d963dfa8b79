from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    FORM = "form", _("Form")
    IMPORT = "import", _("Import")
    API = "api", _("API")
    BATCH = "batch", _("Batch run")
    SYSTEM = "system", _("System")


class Event(models.Model):
    """One entry of the append-only event log. The database refuses UPDATE and DELETE on this
    table (triggers in the migration), so no code path, admin included, can rewrite history."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    region_code = models.CharField(_("region code"), max_length=13, blank=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)  # {field: [before, after]}
    reason = models.TextField(_("reason"), blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.FORM
    )
    source_ref = models.CharField(
        _("source reference"), max_length=100, blank=True
    )  # import file / batch run id

    class Meta:
        verbose_name = _("Event")
        verbose_name_plural = _("Events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"
