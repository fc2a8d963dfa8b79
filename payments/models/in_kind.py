"""In-kind aid (rice): one delivery of a cycle's package to a KPM, with its proof (a photo or a
signed receipt kept under KESOS_VAR_DIR), the day and who delivered it. One per payment."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InKindDelivery(models.Model):
    """The delivery that turned an in-kind payment into "delivered" (at most one per payment,
    in the database as well as in the conditional update of the service)."""

    payment = models.OneToOneField("payments.Payment", on_delete=models.PROTECT,
                                   related_name="delivery")
    delivered_on = models.DateField(_("delivery date"))
    delivered_by = models.CharField(_("delivered by"), max_length=100)
    received_by = models.CharField(_("received by"), max_length=100, blank=True)
    proof_file = models.CharField(max_length=200)  # relative to VAR_DIR
    proof_name = models.CharField(max_length=200)
    proof_sha256 = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("In-kind delivery")
        verbose_name_plural = _("In-kind deliveries")

    def __str__(self) -> str:
        return f"delivery of payment {self.payment_id}"
