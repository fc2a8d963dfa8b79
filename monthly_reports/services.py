"""The moves of a monthly report: prepare (a draft with its notes), submit (its numbers are
frozen into lines), sign (the head of service sends it up), return for correction. Each runs in
one transaction and writes an audit event.

Every move is one conditional UPDATE (`... WHERE status = <from>`): PostgreSQL re-evaluates the
condition on the locked row, so of two officers submitting or signing at the same moment the
second finds the report already moved and is refused; nothing is frozen or signed twice. The
lines of a submission are written after that UPDATE, inside the same transaction."""

from dataclasses import replace

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from reports.selectors import last_refresh

from . import rules, sections, selectors
from .models import MonthlyReport, ReportLine, ReportSource, Status


class ReportError(Exception):
    """A refusal a user can act on; the message is already in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _not_over(period: str) -> ReportError:
    return ReportError(_("The month %(period)s is not over yet: its report can be submitted "
                         "from the first day of the next month.") % {"period": period})


def _already(status: str) -> ReportError:
    if status == Status.SIGNED:
        return ReportError(_("This report is already signed and sent up; its numbers are "
                             "frozen."))
    if status == Status.SUBMITTED:
        return ReportError(_("This report is already submitted; its numbers are frozen. The "
                             "head of service may return it for correction."))
    return ReportError(_("This report is a draft: it must be submitted first."))


@transaction.atomic
def prepare(ctx: audit.Context, period: str, region_code: str, notes: str = "") -> MonthlyReport:
    """Start the region's report for `period`, or change the notes of its draft."""
    actor = ctx.actor
    if not rules.may_prepare(actor, region_code) or not selectors.region_exists(region_code):
        raise PermissionDenied("monthly_reports.prepare")
    if not rules.PERIOD.match(period):
        raise ReportError(_("%(period)s is not a month (YYYY-MM).") % {"period": period})
    if not rules.period_ended(period, rules.local_date(region_code)):
        raise _not_over(period)
    now, notes = timezone.now(), notes.strip()
    report = MonthlyReport.objects.filter(period=period, region_code=region_code).first()
    if report is None:
        try:
            with transaction.atomic():
                report = MonthlyReport.objects.create(
                    period=period, region_code=region_code, level=rules.level_of(region_code),
                    notes=notes, prepared_by=actor, prepared_at=now)
        except IntegrityError:  # started by another officer at the same moment
            report = MonthlyReport.objects.get(period=period, region_code=region_code)
        else:
            audit.record(ctx, "monthly_reports.prepare", report, {"status": [None, "draft"]},
                         region_code=region_code)
            return report
    before = report.notes
    if not MonthlyReport.objects.filter(pk=report.pk, status=Status.DRAFT).update(
            notes=notes, prepared_by=actor, prepared_at=now):
        raise _already(MonthlyReport.objects.get(pk=report.pk).status)
    report.refresh_from_db()
    audit.record(ctx, "monthly_reports.prepare", report, audit.diff({"notes": before},
                                                                      {"notes": notes}),
                 region_code=region_code)
    return report


@transaction.atomic
def submit(ctx: audit.Context, report: MonthlyReport) -> MonthlyReport:
    """Freeze the report's numbers: a kabupaten/kota's from the summary tables as they are now,
    a province's or the nation's as the sums of the signed reports one level down (the regions
    without one are kept as missing). From here on the report reads only these lines."""
    actor, code, period = ctx.actor, report.region_code, report.period
    if not rules.may_prepare(actor, code):
        raise PermissionDenied("monthly_reports.submit")
    if not rules.period_ended(period, rules.local_date(code)):
        raise _not_over(period)
    refresh = last_refresh()
    if not MonthlyReport.objects.filter(pk=report.pk, status=Status.DRAFT).update(
            status=Status.SUBMITTED, submitted_by=actor, submitted_at=timezone.now(),
            data_as_of=refresh.finished_at if refresh else None):
        raise _already(MonthlyReport.objects.get(pk=report.pk).status)
    sources: list[selectors.Source] = []
    if report.level == rules.KABUPATEN:
        values, stock_period = sections.live(period, code)
    else:
        (sources, values), stock_period = selectors.consolidation(period, code), ""
    MonthlyReport.objects.filter(pk=report.pk).update(stock_period=stock_period)
    ReportLine.objects.bulk_create([
        ReportLine(report_id=report.pk, section=sections.SECTION_OF[metric], metric=metric,
                   program=program, value=value)
        for (metric, program), value in sorted(values.items())])
    ReportSource.objects.bulk_create([
        ReportSource(report_id=report.pk, region_code=s.region_code, child=s.child,
                     signed_late=s.signed_late) for s in sources])
    report.refresh_from_db()
    changes = {"status": ["draft", "submitted"], "lines": len(values),
               "stock_period": stock_period}
    if report.level < rules.KABUPATEN:
        changes |= {"included": [s.region_code for s in sources if s.child],
                    "missing": [s.region_code for s in sources if not s.child]}
    audit.record(ctx, "monthly_reports.submit", report, changes, region_code=code)
    return report


@transaction.atomic
def sign(ctx: audit.Context, report: MonthlyReport) -> MonthlyReport:
    """The region's head of service signs the submitted report: it is sent up, for good. Never
    the officer who prepared or submitted it."""
    actor = ctx.actor
    if not rules.may_sign(actor, report.region_code):
        raise PermissionDenied("monthly_reports.sign")
    moved = (MonthlyReport.objects.filter(pk=report.pk, status=Status.SUBMITTED)
             .exclude(Q(prepared_by=actor) | Q(submitted_by=actor))
             .update(status=Status.SIGNED, signed_by=actor, signed_at=timezone.now()))
    if not moved:
        current = MonthlyReport.objects.get(pk=report.pk)
        if current.status != Status.SUBMITTED:
            raise _already(current.status)
        raise ReportError(_("You prepared or submitted this report: another officer, the head "
                            "of service, signs it."))
    report.refresh_from_db()
    audit.record(ctx, "monthly_reports.sign", report, {"status": ["submitted", "signed"]},
                 region_code=report.region_code)
    return report


@transaction.atomic
def return_for_correction(ctx: audit.Context, report: MonthlyReport, reason: str
                          ) -> MonthlyReport:
    """The head of service sends a submitted report back to its draft, saying why; its frozen
    lines go (the next submission freezes the numbers again)."""
    actor, reason = ctx.actor, reason.strip()
    if not rules.may_sign(actor, report.region_code):
        raise PermissionDenied("monthly_reports.return")
    if not reason:
        raise ReportError(_("Say why the report is returned."))
    if not MonthlyReport.objects.filter(pk=report.pk, status=Status.SUBMITTED).update(
            status=Status.DRAFT, submitted_by=None, submitted_at=None, stock_period="",
            data_as_of=None, returned_by=actor, returned_at=timezone.now(),
            return_reason=reason):
        raise _already(MonthlyReport.objects.get(pk=report.pk).status)
    lines = ReportLine.objects.filter(report_id=report.pk).delete()[0]
    ReportSource.objects.filter(report_id=report.pk).delete()
    report.refresh_from_db()
    audit.record(replace(ctx, reason=reason), "monthly_reports.return", report,
                 {"status": ["submitted", "draft"], "lines": lines},
                 region_code=report.region_code)
    return report
