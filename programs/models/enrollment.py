from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .definitions import Program, RuleSet


class EligibilityRun(models.Model):
    """One evaluation of a program's rule set over a registry snapshot for a period. An
    enrollment run produces the KPM list (frozen before payment); a what-if run only counts."""

    class Kind(models.TextChoices):
        ENROLLMENT = "enrollment", _("Enrollment")
        WHAT_IF = "what_if", _("What-if")

    class State(models.TextChoices):
        DONE = "done", _("Done")
        FROZEN = "frozen", _("Frozen")
        FAILED = "failed", _("Failed")

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="runs")
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="runs")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    period = models.CharField(_("period"), max_length=16)  # 2021-03, 2021-T2, 2021
    snapshot = models.CharField(_("snapshot"), max_length=100)
    snapshot_checksum = models.CharField(max_length=64)
    counts = models.JSONField(_("counts"), default=dict)
    parameters = models.JSONField(default=dict, blank=True)  # what-if changes
    seconds = models.FloatField(default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("Eligibility run")
        verbose_name_plural = _("Eligibility runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=["enrollment", "what_if"]),
                                   name="run_kind"),
            models.CheckConstraint(condition=models.Q(state__in=["done", "frozen", "failed"]),
                                   name="run_state"),
            models.CheckConstraint(
                condition=~models.Q(state="frozen") | models.Q(kind="enrollment"),
                name="run_only_enrollment_frozen"),
            # One KPM list per program and period goes to payment.
            models.UniqueConstraint(fields=["program", "period"],
                                    condition=models.Q(state="frozen"),
                                    name="run_one_frozen_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.program.code} {self.period} #{self.pk}"


class Enrollment(models.Model):
    """A row of a run's KPM list: enrolled (within quota), waiting (eligible beyond quota, with
    rank), or exited since the previous frozen list (with the reason)."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled (KPM)")
        WAITING = "waiting", _("Waiting list")
        EXITED = "exited", _("Exited")

    class Change(models.TextChoices):
        NEW = "new", _("New")
        CONTINUING = "continuing", _("Continuing")
        EXITED = "exited", _("Exited")

    run = models.ForeignKey(EligibilityRun, on_delete=models.CASCADE, related_name="enrollments")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT,
                                  related_name="+")
    member = models.ForeignKey("registry.Member", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    village_code = models.CharField(max_length=13, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    change = models.CharField(_("change"), max_length=16, choices=Change.choices)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)  # within quota region
    segment = models.PositiveSmallIntegerField(_("segment"), null=True, blank=True)
    amount = models.PositiveBigIntegerField(_("amount (Rp per period)"), default=0)
    components = models.CharField(_("components"), max_length=200, blank=True)
    reason = models.CharField(_("exit reason"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("Enrollment")
        verbose_name_plural = _("Enrollments")
        indexes = [models.Index(fields=["run", "village_code", "status"]),
                   models.Index(fields=["household", "run"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["enrolled", "waiting", "exited"]),
                                   name="enrollment_status"),
            models.UniqueConstraint(fields=["run", "household", "member"],
                                    name="enrollment_once_per_run"),
            models.UniqueConstraint(fields=["run", "household"], condition=models.Q(
                member__isnull=True), name="enrollment_household_once_per_run"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}: household {self.household_id} {self.status}"
