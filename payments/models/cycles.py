"""Payment cycles (tahap): one program, period and stage paid from one frozen KPM list, with the
payment order (SPM) and the treasury's answers (SP2D per channel), prepared and approved by two
different officers; and the budget ceilings the cycles are held against."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .accounts import PaymentChannel


class CycleStatus(models.TextChoices):
    PREPARED = "prepared", _("Prepared")
    APPROVED = "approved", _("Approved")
    DISBURSING = "disbursing", _("Disbursing")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# The explicit state machine: (from, to) -> the policy action that takes it.
TRANSITIONS: dict[tuple[str, str], str] = {
    (CycleStatus.PREPARED, CycleStatus.APPROVED): "payments.approve",
    (CycleStatus.PREPARED, CycleStatus.CANCELLED): "payments.prepare",
    (CycleStatus.APPROVED, CycleStatus.DISBURSING): "payments.disburse",
    (CycleStatus.DISBURSING, CycleStatus.CLOSED): "payments.reconcile",
}


class PaymentCycle(models.Model):
    """A cycle of one program's period and stage (PKH: stage 1-4 of a year, period = the year;
    monthly programs: period = the month, stage 1). Money is integer rupiah."""

    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey("programs.EligibilityRun", on_delete=models.PROTECT,
                            related_name="+", help_text=_("The frozen KPM list paid."))
    period = models.CharField(_("period"), max_length=16)
    stage = models.PositiveSmallIntegerField(_("stage"), default=1)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    in_kind = models.BooleanField(_("in kind"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=CycleStatus.choices,
                              default=CycleStatus.PREPARED)
    kpm_count = models.PositiveIntegerField(_("KPM"), default=0)
    total_amount = models.PositiveBigIntegerField(_("total (Rp)"), default=0)
    return_after_days = models.PositiveSmallIntegerField(
        _("days before undistributed funds are returned"), default=30)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    prepared_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    spm_number = models.CharField(_("SPM number"), max_length=40, blank=True)
    spm_date = models.DateField(_("SPM date"), null=True, blank=True)
    spm_amount = models.PositiveBigIntegerField(_("SPM amount (Rp)"), null=True, blank=True)

    class Meta:
        verbose_name = _("Payment cycle")
        verbose_name_plural = _("Payment cycles")
        ordering = ["-year", "-month", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=CycleStatus.values),
                                   name="cycle_status"),
            models.CheckConstraint(condition=models.Q(stage__gte=1, stage__lte=12),
                                   name="cycle_stage_range"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12),
                                   name="cycle_month_range"),
            # Four eyes: nobody approves their own cycle, and no approved cycle lacks approver.
            models.CheckConstraint(condition=models.Q(approved_by__isnull=True) | ~models.Q(
                approved_by=models.F("prepared_by")), name="cycle_four_eyes"),
            models.CheckConstraint(condition=models.Q(status__in=["prepared", "cancelled"])
                                   | models.Q(approved_by__isnull=False),
                                   name="cycle_approved_has_approver"),
            models.UniqueConstraint(fields=["program", "period", "stage"],
                                    condition=~models.Q(status="cancelled"),
                                    name="cycle_once_per_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.program.code} {self.period} tahap {self.stage}"


class CycleApproval(models.Model):
    """The append-only log of a cycle's transitions: who moved it, from what, to what, why."""

    cycle = models.ForeignKey(PaymentCycle, on_delete=models.PROTECT, related_name="approvals")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.cycle_id}: {self.from_status} -> {self.to_status}"


class Sp2d(models.Model):
    """The treasury's disbursement order (SP2D) for a cycle's channel: its total must equal
    what the cycle pays through that channel."""

    cycle = models.ForeignKey(PaymentCycle, on_delete=models.PROTECT, related_name="sp2d")
    channel = models.ForeignKey(PaymentChannel, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("SP2D number"), max_length=40)
    date = models.DateField(_("SP2D date"))
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))

    class Meta:
        verbose_name = "SP2D"
        verbose_name_plural = "SP2D"
        constraints = [
            models.UniqueConstraint(fields=["cycle", "channel"], name="sp2d_once_per_channel"),
            models.UniqueConstraint(fields=["number"], name="sp2d_number_unique"),
        ]

    def __str__(self) -> str:
        return f"SP2D {self.number}"


class BudgetCeiling(models.Model):
    """A program's ceiling (pagu) for a year in a region ('' = national). Without a row the
    program's own yearly ceiling applies nationally."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    region_code = models.CharField(_("region"), max_length=13, blank=True)
    amount = models.PositiveBigIntegerField(_("ceiling (Rp)"))

    class Meta:
        verbose_name = _("Budget ceiling")
        verbose_name_plural = _("Budget ceilings")
        constraints = [models.UniqueConstraint(fields=["program", "year", "region_code"],
                                               name="budget_ceiling_once")]

    def __str__(self) -> str:
        return f"{self.program_id} {self.year} {self.region_code or 'national'}"
