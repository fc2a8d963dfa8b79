"""The refresh of the summary tables in the job worker, and its triggers: a pipeline run, an
enrollment run, a disbursement file and a response import that finish start one (through
jobs.kinds.after_done, registered in ReportsConfig.ready), and so do the nightly command and
an officer's button.

A trigger does not start the job at once: it enqueues a task due KESOS_SUMMARY_REFRESH_DELAY
seconds later (60 by default) that starts it, so a burst of imports ends in one refresh (the
job of an identical request already waiting is reused) and the job that triggered it is done
before the refresh reads its data."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from accounts import policy
from audit.services import Context
from jobs.files import write_output
from jobs.kinds import in_both, job_kind

from .models import SummaryRefresh

STEPS = {"read": _("Reading the source tables"), "aggregate": _("Adding up per region"),
         "write": _("Replacing the summary tables")}
# Job kind that finished -> the reason the refresh records.
TRIGGERS = {
    "pipeline_run": SummaryRefresh.Reason.PIPELINE,
    "eligibility_run": SummaryRefresh.Reason.ELIGIBILITY,
    "payments_disbursement": SummaryRefresh.Reason.PAYMENT_CYCLE,
    "payments_response": SummaryRefresh.Reason.RECONCILIATION,
}


@job_kind("reports_refresh", label=_("Refresh of the summary tables"),
          action=policy.REFRESH_SUMMARIES, steps=STEPS)
def reports_refresh(job, progress) -> dict:
    from .summaries import refresh

    reason = job.params.get("reason", SummaryRefresh.Reason.MANUAL)
    if reason not in SummaryRefresh.Reason.values:
        reason = SummaryRefresh.Reason.MANUAL
    done = refresh(reason, progress=lambda step, n, total: progress(step, n, total))
    message = in_both(lambda: gettext("%(rows)s figures written in %(seconds)s s.") % {
        "rows": done.rows, "seconds": done.seconds})
    return {"message": message, "summary": {"rows": done.rows, "seconds": done.seconds},
            "refresh": done.pk}


def start(ctx: Context, reason: str = SummaryRefresh.Reason.MANUAL):
    """The refresh job (the one already waiting or running for the same reason, if any)."""
    from jobs import services as jobs

    return jobs.start(ctx, "reports_refresh", {"reason": str(reason)})


@task()
def refresh_due(reason: str) -> int:
    """Start the refresh job a trigger asked for; the job's id."""
    return start(Context(None, source="system", reason=f"summary refresh after {reason}"),
                 reason).pk


def request_refresh(reason: str) -> None:
    """Ask for a refresh in KESOS_SUMMARY_REFRESH_DELAY seconds (a negative delay: never)."""
    delay = int(getattr(settings, "KESOS_SUMMARY_REFRESH_DELAY", 60))
    if delay < 0:
        return
    refresh_due.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(str(reason))


def after_job(job) -> None:
    """jobs.kinds.after_done callback: a finished job that changed what the figures count."""
    if job.kind == "eligibility_run" and job.params.get("kind", "enrollment") != "enrollment":
        return  # a what-if changes no KPM list
    request_refresh(TRIGGERS[job.kind])


# --- audit findings exports --------------------------------------------------------------------

EXPORT_STEPS = {"export": _("Writing the findings")}


@job_kind("reports_findings_export", label=_("Audit findings export"),
          action=policy.VIEW_FINDINGS, steps=EXPORT_STEPS)
def findings_export(job, progress) -> dict:
    """One check's payments in the region as XLSX, with the NIK as the asker may see it."""
    from urllib.parse import urlencode

    from django.utils import translation

    from audit import services as audit
    from programs.models import Program
    from programs.templatetags.rules_format import thousands

    from . import findings_export as export
    from .findings import Scope

    p, user = job.params, job.created_by
    scope = Scope(Program.objects.get(code=p["program"]), int(p["year"]), p["period"],
                  p["region"])
    full_nik = export.sees_full_nik(user)
    name = export.file_name(p["check"], scope)
    lang = p.get("language") or "id"
    counted: dict = {}
    with translation.override(lang):
        write_output(job, name, lambda path: counted.update(rows=export.write_xlsx(
            path, p["check"], scope, full_nik, lang,
            lambda done, total: progress("export", done, total))))
        audit.record(Context(user, reason=gettext("Audit findings: export"),
                             source_ref=f"job:{job.pk}"), export.EXPORT_ACTION, scope.program,
                     {"check": p["check"], "program": scope.program.code, "year": scope.year,
                      "period": scope.period, "region": scope.region, "rows": counted["rows"],
                      "format": "xlsx", "nik": "full" if full_nik else "masked"},
                     region_code=scope.region)
    query = urlencode({k: p[k] for k in ("program", "year", "period", "region") if p[k] != ""})
    back = in_both(lambda: gettext("Back to the findings"))
    return {"files": [name],
            "links": [{"url": reverse("reports:findings_check", args=[p["check"]]) + "?" + query,
                       **back}],
            "message": in_both(lambda: ngettext("%(n)s payment written.",
                                                "%(n)s payments written.", counted["rows"])
                               % {"n": thousands(counted["rows"])})}


def start_findings_export(ctx: Context, check: str, scope, language: str):
    """The export job of this user (the NIK it shows depends on who asks), or the one of the
    same request already waiting or running."""
    from jobs import services as jobs

    params = {"check": check, "program": scope.program.code, "year": scope.year,
              "period": scope.period, "region": scope.region, "language": language,
              "user": ctx.actor.pk}
    return jobs.start(ctx, "reports_findings_export", params, scope.region)
