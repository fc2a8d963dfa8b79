"""Post-payment verification: a seeded random sample of the KPM paid in a cycle, per region;
each asked (visit, phone or an imported answer sheet) whether the aid arrived, how much, and
whether anyone took a cut. A "not received", a shortfall or a cut opens a VerificationFlag, the
complaint record the grievance app takes over once it exists."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .accounts import PaymentChannel
from .cycles import PaymentCycle
from .payments import Payment


class VerificationSample(models.Model):
    """One cycle's sample: `per_region` KPM of each region (`region_length` characters of the
    village code), chosen by `seed` so that the same seed always draws the same KPM."""

    cycle = models.OneToOneField(PaymentCycle, on_delete=models.PROTECT,
                                 related_name="verification_sample")
    seed = models.PositiveBigIntegerField(_("seed"))
    per_region = models.PositiveIntegerField(_("KPM per region"))
    region_length = models.PositiveSmallIntegerField(default=5)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = _("Verification sample")
        verbose_name_plural = _("Verification samples")

    def __str__(self) -> str:
        return f"sample of cycle {self.cycle_id}"


class VerificationMethod(models.TextChoices):
    VISIT = "visit", _("Pendamping visit")
    PHONE = "phone", _("Phone")
    SHEET = "sheet", _("Imported answer sheet")


class VerificationCase(models.Model):
    """A sampled KPM and, once asked, the answers."""

    sample = models.ForeignKey(VerificationSample, on_delete=models.PROTECT, related_name="cases")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=13, db_index=True)
    village_code = models.CharField(max_length=13, db_index=True)
    channel = models.ForeignKey(PaymentChannel, null=True, on_delete=models.PROTECT,
                                related_name="+")
    amount_paid = models.PositiveBigIntegerField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=8, choices=VerificationMethod.choices, blank=True)
    received = models.BooleanField(_("received"), null=True)
    amount_received = models.PositiveBigIntegerField(_("amount received (Rp)"), null=True,
                                                     blank=True)
    deduction = models.BooleanField(_("someone took a cut"), null=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    source_ref = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("Verification case")
        verbose_name_plural = _("Verification cases")
        ordering = ["region_code", "village_code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "payment"], name="verification_case_once"),
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True) | (
                    models.Q(received__isnull=False) & ~models.Q(method="")),
                name="verification_answer_complete"),
        ]

    def __str__(self) -> str:
        return f"case #{self.pk}"


class VerificationFlag(models.Model):
    """A complaint opened by a verification answer (not received, less received than paid, or a
    cut taken). Kept until the grievance app exists and takes these records over."""

    class Kind(models.TextChoices):
        NOT_RECEIVED = "not_received", _("Not received")
        SHORTFALL = "shortfall", _("Less received than paid")
        DEDUCTION = "deduction", _("A cut (potongan) was taken")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        HANDED_OVER = "handed_over", _("Handed to the grievance service")
        CLOSED = "closed", _("Closed")

    case = models.OneToOneField(VerificationCase, on_delete=models.PROTECT, related_name="flag")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.OPEN)
    region_code = models.CharField(max_length=13, db_index=True)
    channel = models.ForeignKey(PaymentChannel, null=True, on_delete=models.PROTECT,
                                related_name="+")
    amount_missing = models.PositiveBigIntegerField(default=0)
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Verification flag (complaint)")
        verbose_name_plural = _("Verification flags (complaints)")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=["not_received", "shortfall",
                                                                "deduction"]),
                                   name="verification_flag_kind"),
            models.CheckConstraint(condition=models.Q(status__in=["open", "handed_over",
                                                                  "closed"]),
                                   name="verification_flag_status"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
