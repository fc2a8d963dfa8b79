"""The monthly report of a region and period, and the numbers frozen into it.

A kabupaten/kota report (level 2) reads its numbers from the summary tables (reports app); a
province report (level 1) and the ministry's report (level 0, region '') consolidate the signed
reports one level down. While a report is a draft its page shows the numbers of the moment;
on submission they are written into ReportLine rows and the report reads only those from then
on. The states and who moves a report between them are in rules.py; the moves are conditional
UPDATEs in services.py, so two officers cannot both submit or both sign."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting signature")
    SIGNED = "signed", _("Signed and sent up")


class MonthlyReport(models.Model):
    """One region's report for one month ('YYYY-MM'). `region_code` is a kabupaten/kota
    (level 2), a province (level 1) or '' for the nation (level 0)."""

    region_code = models.CharField(_("region"), max_length=13, blank=True)
    level = models.PositiveSmallIntegerField(_("level"))
    period = models.CharField(_("period"), max_length=7)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.DRAFT)
    notes = models.TextField(_("notes"), blank=True)
    # Written at submission: the month the registry and caseload stocks were taken from (the
    # last refresh at or before the period) and when the summary tables were last refreshed.
    stock_period = models.CharField(max_length=7, blank=True)
    data_as_of = models.DateTimeField(null=True, blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True)
    prepared_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    # The last return for correction (the history of every return is in the audit log).
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Monthly report")
        verbose_name_plural = _("Monthly reports")
        ordering = ["-period", "level", "region_code"]
        constraints = [
            models.UniqueConstraint(fields=["region_code", "period"],
                                    name="monthly_report_once_per_period"),
            models.CheckConstraint(condition=Q(status__in=Status.values),
                                   name="monthly_report_status"),
            models.CheckConstraint(condition=Q(level__gte=0, level__lte=2),
                                   name="monthly_report_level"),
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT)
                | Q(submitted_by__isnull=False, submitted_at__isnull=False),
                name="monthly_report_submitted_names_who"),
            models.CheckConstraint(
                condition=~Q(status=Status.SIGNED)
                | Q(signed_by__isnull=False, signed_at__isnull=False),
                name="monthly_report_signed_names_who"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.region_code or 'nasional'} {self.status}"

    @property
    def frozen(self) -> bool:
        return self.status != Status.DRAFT


class ReportLine(models.Model):
    """One frozen number of a submitted report: a metric of the summary tables (reports.metrics)
    and its program ('' when the metric is not a program's), in one section of the report."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="lines")
    section = models.CharField(max_length=20)
    metric = models.CharField(max_length=40)
    program = models.CharField(max_length=20, blank=True)
    value = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "metric", "program"],
                                    name="report_line_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.program} {self.value}"


class ReportSource(models.Model):
    """A region one level down, as a consolidated report found it at submission: its signed
    report (whose lines were summed), or none when the region's report had not been signed."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="sources")
    region_code = models.CharField(max_length=13)
    child = models.ForeignKey(MonthlyReport, on_delete=models.PROTECT, related_name="+",
                              null=True, blank=True)
    signed_late = models.BooleanField(default=False)

    class Meta:
        ordering = ["region_code"]
        constraints = [
            models.UniqueConstraint(fields=["report", "region_code"],
                                    name="report_source_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {'included' if self.child_id else 'missing'}"
