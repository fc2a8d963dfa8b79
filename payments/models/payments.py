"""Payments and their attempts, the files that carry them, the answers that come back and the
returns to the treasury.

At most once, in the database: one Payment per (program, period, stage, household), and at most
one attempt of a payment that is not failed (a partial unique index). A failed attempt may be
followed by a new one in a later batch; two live attempts of one payment cannot be stored."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .accounts import PaymentChannel
from .cycles import PaymentCycle


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a batch")
    SENT = "sent", _("Sent to the channel")
    CREDITED = "credited", _("Credited (sudah salur)")
    FAILED = "failed", _("Failed")
    TRANSACTED = "transacted", _("Withdrawn or spent")
    NOT_TRANSACTED = "not_transacted", _("Not transacted")
    RETURNED = "returned", _("Returned to the treasury")
    DELIVERED = "delivered", _("Delivered in kind")
    CANCELLED = "cancelled", _("Cancelled")


class AttemptStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    CREDITED = "credited", _("Credited")
    FAILED = "failed", _("Failed")
    TRANSACTED = "transacted", _("Transacted")
    NOT_TRANSACTED = "not_transacted", _("Not transacted")
    RETURNED = "returned", _("Returned")


class Payment(models.Model):
    """What one KPM is owed in one cycle. Program, period and stage are copied from the cycle
    so the database can hold the at-most-once rule."""

    cycle = models.ForeignKey(PaymentCycle, on_delete=models.PROTECT, related_name="payments")
    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=16)
    stage = models.PositiveSmallIntegerField()
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT,
                                  related_name="+")
    member = models.ForeignKey("registry.Member", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    enrollment = models.ForeignKey("programs.Enrollment", on_delete=models.PROTECT,
                                   related_name="+")
    village_code = models.CharField(max_length=13, db_index=True)
    recipient_name = models.CharField(max_length=100)
    nik = models.CharField(max_length=16, blank=True)
    channel = models.ForeignKey(PaymentChannel, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    components = models.CharField(max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=PaymentStatus.choices,
                              default=PaymentStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    failure_code = models.CharField(max_length=16, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)
    # For the PT Pos counter and home delivery (sick, elderly, disabled) and in-kind proof.
    home_delivery = models.BooleanField(default=False)
    proof = models.CharField(max_length=200, blank=True)
    treasury_return = models.ForeignKey("TreasuryReturn", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="payments")

    class Meta:
        verbose_name = _("Payment")
        verbose_name_plural = _("Payments")
        indexes = [models.Index(fields=["cycle", "channel", "status"]),
                   models.Index(fields=["household", "program"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=PaymentStatus.values),
                                   name="payment_status"),
            models.UniqueConstraint(fields=["program", "period", "stage", "household"],
                                    name="payment_once_per_stage"),
            models.CheckConstraint(condition=~models.Q(status="returned") | models.Q(
                treasury_return__isnull=False), name="payment_returned_has_return"),
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.period} t{self.stage} household {self.household_id}"


class FileLayout(models.Model):
    """A channel's file layout as data. `spec` holds {"format": "csv"|"fixed"|"xlsx",
    "delimiter", "fields": [{"name", "width", "align", "pad"}], "header": [...],
    "trailer": [...]} (see payments/layouts.py)."""

    class Purpose(models.TextChoices):
        DISBURSEMENT = "disbursement", _("Disbursement file")
        RESPONSE = "response", _("Response file")
        BUREKOL_REQUEST = "burekol_request", _("Account-opening request")
        BUREKOL_ANSWER = "burekol_answer", _("Account-opening answer")

    channel = models.ForeignKey(PaymentChannel, on_delete=models.CASCADE, related_name="layouts")
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    version = models.PositiveSmallIntegerField(default=1)
    spec = models.JSONField()

    class Meta:
        verbose_name = _("File layout")
        verbose_name_plural = _("File layouts")
        constraints = [models.UniqueConstraint(fields=["channel", "purpose", "version"],
                                               name="file_layout_version")]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.purpose} v{self.version}"


class DisbursementBatch(models.Model):
    """One file to one channel for a cycle: the first batch, then repayment batches of fixed
    failures. The file exists once `sha256` is set (written by a job, renamed when complete)."""

    cycle = models.ForeignKey(PaymentCycle, on_delete=models.PROTECT, related_name="batches")
    channel = models.ForeignKey(PaymentChannel, on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveSmallIntegerField()
    layout = models.ForeignKey(FileLayout, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.PROTECT, related_name="+")
    record_count = models.PositiveIntegerField(default=0)
    total_amount = models.PositiveBigIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")

    class Meta:
        verbose_name = _("Disbursement batch")
        verbose_name_plural = _("Disbursement batches")
        ordering = ["cycle", "channel", "sequence"]
        constraints = [models.UniqueConstraint(fields=["cycle", "channel", "sequence"],
                                               name="batch_sequence_once")]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"C{self.cycle_id:06d}-{self.channel_id.upper()}-{self.sequence:03d}"


class PaymentAttempt(models.Model):
    """One line of one disbursement file: a unique payment reference and the amount sent."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="attempt_set")
    batch = models.ForeignKey(DisbursementBatch, on_delete=models.PROTECT,
                              related_name="attempts")
    number = models.PositiveSmallIntegerField()
    reference = models.CharField(max_length=32, unique=True)
    account_number = models.CharField(max_length=34, blank=True)
    amount = models.PositiveBigIntegerField()
    status = models.CharField(max_length=16, choices=AttemptStatus.choices,
                              default=AttemptStatus.SENT)
    reason_code = models.CharField(max_length=16, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=AttemptStatus.values),
                                   name="attempt_status"),
            models.UniqueConstraint(fields=["payment", "number"], name="attempt_number_once"),
            # Never paid twice: at most one attempt of a payment that has not failed.
            models.UniqueConstraint(fields=["payment"], condition=~models.Q(status="failed"),
                                    name="attempt_one_live_per_payment"),
        ]

    def __str__(self) -> str:
        return self.reference


class ResponseImport(models.Model):
    """An imported answer of a channel for a batch (credit file, transaction file or MT940
    statement). The same file twice is the same import (unique checksum per batch)."""

    class Kind(models.TextChoices):
        CREDIT = "credit", _("Credit result")
        TRANSACTION = "transaction", _("Withdrawals and spending")
        MT940 = "mt940", _("MT940 statement")

    batch = models.ForeignKey(DisbursementBatch, on_delete=models.PROTECT,
                              related_name="responses")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["batch", "sha256"],
                                               name="response_once_per_file")]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"


class PaymentEvent(models.Model):
    """The status history of a payment, with where the change came from (a file, an API call,
    the Pos counter, a form)."""

    class Source(models.TextChoices):
        FILE = "file", _("File")
        API = "api", _("API call")
        COUNTER = "counter", _("Pos counter")
        FORM = "form", _("Form")
        BATCH = "batch", _("Batch")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="events")
    attempt = models.ForeignKey(PaymentAttempt, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    reason_code = models.CharField(max_length=16, blank=True)
    at = models.DateTimeField()
    source = models.CharField(max_length=8, choices=Source.choices)
    source_ref = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["payment", "at"])]

    def __str__(self) -> str:
        return f"{self.payment_id}: {self.from_status} -> {self.to_status}"


class TreasuryReturn(models.Model):
    """Funds not distributed (tidak salur) returned to the state treasury for a cycle's
    channel: the amount, the date and the deposit reference (e.g. the NTPN)."""

    cycle = models.ForeignKey(PaymentCycle, on_delete=models.PROTECT, related_name="returns")
    channel = models.ForeignKey(PaymentChannel, null=True, on_delete=models.PROTECT,
                                related_name="+")
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    payments_count = models.PositiveIntegerField(default=0)
    date = models.DateField(_("return date"))
    reference = models.CharField(_("deposit reference"), max_length=60, unique=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("Return to the treasury")
        verbose_name_plural = _("Returns to the treasury")

    def __str__(self) -> str:
        return f"retur {self.reference}"
