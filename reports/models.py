"""The summary tables: one row per (period, region, metric, program). The batch engine writes
them (reports/summaries.py); every dashboard, open-data table and monthly report reads them,
so no page counts live over the registry or the payments."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionFigure(models.Model):
    """One number: `metric` (and `program`, '' when the metric is not a program's) for a region
    at one level and a period ('YYYY-MM'). The nation is region_code '' at level 0; a region's
    children are the rows whose parent_code is its code."""

    period = models.CharField(_("period"), max_length=7)
    region_code = models.CharField(_("region"), max_length=13, blank=True)
    level = models.PositiveSmallIntegerField(_("level"))
    parent_code = models.CharField(max_length=13, blank=True)
    metric = models.CharField(_("metric"), max_length=40)
    program = models.CharField(_("program"), max_length=20, blank=True)
    value = models.BigIntegerField(_("value"))

    class Meta:
        verbose_name = _("Summary figure")
        verbose_name_plural = _("Summary figures")
        constraints = [
            models.UniqueConstraint(fields=["period", "region_code", "metric", "program"],
                                    name="region_figure_unique"),
            models.CheckConstraint(condition=models.Q(level__gte=0, level__lte=4),
                                   name="region_figure_level"),
        ]
        indexes = [
            models.Index(fields=["region_code", "period"], name="region_figure_region"),
            models.Index(fields=["parent_code", "period", "metric"], name="region_figure_children"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.region_code or 'nasional'} {self.metric} {self.value}"


class SummaryRefresh(models.Model):
    """One refresh of the summary tables: why it ran, when the data it read was taken, how long
    it took and how many rows it wrote. Dashboards show the last one as "data as of"."""

    class Reason(models.TextChoices):
        PIPELINE = "pipeline", _("Pipeline run")
        ELIGIBILITY = "eligibility", _("Eligibility run")
        PAYMENT_CYCLE = "payment_cycle", _("Payment cycle")
        RECONCILIATION = "reconciliation", _("Reconciliation")
        NIGHTLY = "nightly", _("Nightly")
        MANUAL = "manual", _("Started by an officer")

    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    rows = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("Summary refresh")
        verbose_name_plural = _("Summary refreshes")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.reason} {self.started_at:%Y-%m-%d %H:%M}"
