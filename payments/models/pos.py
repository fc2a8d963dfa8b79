"""PT Pos cash payout: where and when a village collects, which channel a user acts for, the
cash handed over at the counter (at most once per payment, in the database), and the offline
packages a counter without a connection takes away and brings back."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .accounts import PaymentChannel
from .cycles import PaymentCycle
from .payments import Payment, PaymentAttempt


class ChannelAccess(models.Model):
    """The one channel a user acts for: a Pos counter officer, or the system account of a bank
    or of PT Pos pushing statuses through the API. Its tokens are scoped to this channel."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="payment_channel_access")
    channel = models.ForeignKey(PaymentChannel, on_delete=models.PROTECT, related_name="+")
    office = models.CharField(_("office"), max_length=80, blank=True,
                              help_text=_("The Pos office (kantor pos) of a counter officer."))

    class Meta:
        verbose_name = _("Channel access")
        verbose_name_plural = _("Channel access")

    def __str__(self) -> str:
        return f"{self.user} → {self.channel_id}"


class PayoutSchedule(models.Model):
    """Where and when the KPM of a region (a code prefix, the longest wins) collect a cycle's
    cash: printed on the invitation letters."""

    cycle = models.ForeignKey(PaymentCycle, on_delete=models.CASCADE, related_name="schedules")
    region_prefix = models.CharField(_("region"), max_length=13)
    place = models.CharField(_("payout place"), max_length=120)
    address = models.CharField(_("address"), max_length=200, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))

    class Meta:
        verbose_name = _("Payout schedule")
        verbose_name_plural = _("Payout schedules")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "region_prefix"], name="payout_schedule_once"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="payout_schedule_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.region_prefix}: {self.place}"


class CounterPackage(models.Model):
    """An offline package of the payouts a counter expects (one cycle, one region), signed;
    the file of recorded payouts that comes back names it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cycle = models.ForeignKey(PaymentCycle, on_delete=models.PROTECT, related_name="+")
    channel = models.ForeignKey(PaymentChannel, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=13)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    payouts = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Counter package")
        verbose_name_plural = _("Counter packages")

    def __str__(self) -> str:
        return str(self.pk)


class CounterUpload(models.Model):
    """A file of payouts recorded offline, imported once (unique checksum per package)."""

    package = models.ForeignKey(CounterPackage, on_delete=models.PROTECT, related_name="uploads")
    sha256 = models.CharField(max_length=64)
    file_name = models.CharField(max_length=200)
    rows = models.PositiveIntegerField(default=0)
    recorded = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["package", "sha256"],
                                               name="counter_upload_once")]

    def __str__(self) -> str:
        return self.file_name


class CashPayout(models.Model):
    """Cash handed to the KPM named on the invitation, after the officer checked the KTP.
    At most one per attempt and one per payment: a second recording cannot be stored."""

    class Source(models.TextChoices):
        COUNTER = "counter", _("Pos counter")
        OFFLINE = "offline", _("Offline counter file")

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="cash_payout")
    attempt = models.OneToOneField(PaymentAttempt, on_delete=models.PROTECT, related_name="+")
    channel = models.ForeignKey(PaymentChannel, on_delete=models.PROTECT, related_name="+")
    village_code = models.CharField(max_length=13, db_index=True)
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    paid_at = models.DateTimeField(_("paid at"))
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    office = models.CharField(max_length=80, blank=True)
    ktp_checked = models.BooleanField(_("NIK on the KTP checked"))
    home_delivery = models.BooleanField(_("delivered at home"), default=False)
    receipt = models.CharField(_("receipt photo"), max_length=200)
    source = models.CharField(max_length=8, choices=Source.choices)
    upload = models.ForeignKey(CounterUpload, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="payouts")

    class Meta:
        verbose_name = _("Cash payout")
        verbose_name_plural = _("Cash payouts")
        constraints = [
            models.CheckConstraint(condition=models.Q(ktp_checked=True),
                                   name="cash_payout_ktp_checked"),
            models.CheckConstraint(condition=~models.Q(receipt=""),
                                   name="cash_payout_has_receipt"),
            models.CheckConstraint(condition=models.Q(source__in=["counter", "offline"]),
                                   name="cash_payout_source"),
        ]

    def __str__(self) -> str:
        return f"payout #{self.pk}"
