"""E-warong: the shops where Program Sembako's KPM spend their balance, registered at the
village, approved by the Dinas Sosial, and sanctioned up to losing the EDC terminal (FACTS:
"e-warong may not sell fixed bundles or force purchases; sanctions up to losing the EDC
terminal")."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MerchantStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered, waiting for approval")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")
    REJECTED = "rejected", _("Rejected")


class Merchant(models.Model):
    """One e-warong: its owner, place in the region tree, paying bank and terminal or QRIS."""

    name = models.CharField(_("shop name"), max_length=120)
    owner_name = models.CharField(_("owner"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    village_code = models.CharField(_("village"), max_length=13, db_index=True)
    address = models.CharField(_("address"), max_length=200)
    channel = models.ForeignKey("payments.PaymentChannel", verbose_name=_("paying bank"),
                                on_delete=models.PROTECT, related_name="+")
    terminal_id = models.CharField(_("EDC terminal id"), max_length=32, blank=True)
    qris_id = models.CharField(_("QRIS id"), max_length=64, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=80, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=MerchantStatus.choices,
                              default=MerchantStatus.REGISTERED)
    registered_at = models.DateTimeField(auto_now_add=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                      on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("E-warong")
        verbose_name_plural = _("E-warong")
        ordering = ["village_code", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=MerchantStatus.values),
                                   name="merchant_status"),
            models.UniqueConstraint(fields=["terminal_id"], condition=~models.Q(terminal_id=""),
                                    name="merchant_terminal_unique"),
            models.UniqueConstraint(fields=["qris_id"], condition=~models.Q(qris_id=""),
                                    name="merchant_qris_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class MerchantStaff(models.Model):
    """A user account (role `ewarong`) that sells at one merchant."""

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="staff")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="ewarong_staff")

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.merchant_id}"


class MerchantEventKind(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WARNING = "warning", _("Warning")
    SUSPENSION = "suspension", _("Suspension")
    REINSTATED = "reinstated", _("Reinstated")
    TERMINATION = "termination", _("Termination")
    TERMINAL_WITHDRAWN = "terminal_withdrawn", _("EDC terminal withdrawn")


class MerchantEvent(models.Model):
    """The merchant's history: each status change and each sanction, with its reason."""

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=MerchantEventKind.choices)
    status = models.CharField(_("status after"), max_length=12, choices=MerchantStatus.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                           related_name="+")

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=MerchantEventKind.values),
                                   name="merchant_event_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id}: {self.kind}"
