"""Purchases at an e-warong and what identifies the KPM: the KKS card with its PIN (limited
tries, then locked) or a signed, short-lived, single-use QR code."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CardPin(models.Model):
    card = models.OneToOneField("payments.Card", on_delete=models.CASCADE, related_name="+")
    pin_hash = models.CharField(max_length=128)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"PIN of card {self.card_id}"


class UsedQrCode(models.Model):
    """A QR code's nonce once it paid: a replay is refused by the primary key."""

    nonce = models.CharField(max_length=32, primary_key=True)
    used_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.nonce


class Method(models.TextChoices):
    CARD = "card", _("KKS card and PIN")
    QR = "qr", _("QR code (card-less)")


class PurchaseStatus(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    REFUNDED = "refunded", _("Refunded")


class Purchase(models.Model):
    """One basket paid from a wallet. (merchant, idempotency_key) is unique: a request retried
    after a timeout finds the first purchase instead of charging twice."""

    merchant = models.ForeignKey("ewarong.Merchant", on_delete=models.PROTECT,
                                 related_name="purchases")
    wallet = models.ForeignKey("ewarong.LedgerAccount", on_delete=models.PROTECT,
                               related_name="purchases")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT,
                                  related_name="+")
    method = models.CharField(_("method"), max_length=4, choices=Method.choices)
    card = models.ForeignKey("payments.Card", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    idempotency_key = models.CharField(max_length=64)
    request_hash = models.CharField(max_length=64)
    receipt_number = models.CharField(_("receipt number"), max_length=24, unique=True)
    total = models.PositiveBigIntegerField(_("total (Rp)"))
    balance_after = models.BigIntegerField(_("balance after (Rp)"))
    status = models.CharField(_("status"), max_length=10, choices=PurchaseStatus.choices,
                              default=PurchaseStatus.COMPLETED)
    village_code = models.CharField(max_length=13, db_index=True)
    at = models.DateTimeField(_("time"))
    cashier = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                related_name="+")
    transaction = models.OneToOneField("ewarong.LedgerTransaction", on_delete=models.PROTECT,
                                       related_name="purchase")
    refund = models.OneToOneField("ewarong.LedgerTransaction", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="refunded_purchase")
    refunded_at = models.DateTimeField(null=True, blank=True)
    refund_reason = models.CharField(_("refund reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Purchase")
        verbose_name_plural = _("Purchases")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["merchant", "at"]), models.Index(fields=["household"])]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "idempotency_key"],
                                    name="purchase_once_per_key"),
            models.CheckConstraint(condition=models.Q(total__gt=0), name="purchase_total_positive"),
            models.CheckConstraint(condition=models.Q(status__in=PurchaseStatus.values),
                                   name="purchase_status"),
            models.CheckConstraint(condition=~models.Q(status="refunded") | models.Q(
                refund__isnull=False), name="purchase_refunded_has_reversal"),
        ]

    def __str__(self) -> str:
        return self.receipt_number


class PurchaseLine(models.Model):
    purchase = models.ForeignKey(Purchase, on_delete=models.CASCADE, related_name="lines")
    commodity = models.ForeignKey("ewarong.Commodity", on_delete=models.PROTECT,
                                  related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=9, decimal_places=3)
    unit_price = models.PositiveIntegerField(_("unit price (Rp)"))
    het_price = models.PositiveIntegerField(_("HET (Rp)"))
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0),
                                   name="line_quantity_positive"),
            # Above the HET "nggak akan keluar" (seed 003): the database holds it too.
            models.CheckConstraint(condition=models.Q(unit_price__lte=models.F("het_price")),
                                   name="line_within_het"),
        ]

    def __str__(self) -> str:
        return f"{self.commodity_id} x {self.quantity}"
