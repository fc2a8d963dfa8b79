"""Privacy's long work in the job worker: applying the retention policy, which anonymises or
deletes every record past its period (millions of rows at national scale) in one transaction."""

from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from accounts import policy
from jobs.kinds import JobRefused, in_both, job_kind

from . import retention


class PolicyLabel:
    """A step of the job is a record kind of the policy, named as the policy file names it."""

    def __init__(self, kind: str):
        self.kind = kind

    def __str__(self) -> str:
        rule = next((r for r in retention.load_policy().rules if r.kind == self.kind), None)
        if rule is None:
            return self.kind
        return rule.label.get((get_language() or "id")[:2]) or rule.label.get("id") or self.kind


RETENTION_STEPS = {kind: PolicyLabel(kind) for kind in retention.KINDS}


def confirmed_report(as_of_text: str, checksum: str) -> dict:
    """The report the officer saw, made again for the moment it was made at."""
    as_of = parse_datetime(as_of_text or "")
    if not isinstance(as_of, datetime):
        raise retention.PolicyError(gettext("The report cannot be read: make it again."))
    report = retention.retention_report(as_of=as_of)
    if report["policy_checksum"] != checksum:
        raise retention.PolicyError(gettext(
            "The retention policy changed since this report: make the report again."))
    return report


def _refused(error: retention.PolicyError) -> JobRefused:
    return JobRefused(str(error), str(error))


@job_kind("retention_report", label=_("Retention report"), action=policy.MANAGE_PRIVACY,
          steps=RETENTION_STEPS)
def retention_report(job, progress) -> dict:
    """What is past retention now, per record kind: counted in the worker (a count over the
    registry takes minutes at national scale), shown on the retention page."""
    try:
        report = retention.retention_report(progress)
    except retention.PolicyError as error:
        raise _refused(error) from error
    see = in_both(lambda: gettext("See the report on the retention page"))
    return {"links": [{"url": reverse("privacy:retention"), **see}], "report": report,
            "message": in_both(lambda: gettext("%(total)s records are past retention.")
                               % {"total": report["total"]})}


@job_kind("retention_apply", label=_("Applying the retention policy"),
          action=policy.MANAGE_PRIVACY, steps=RETENTION_STEPS)
def retention_apply(job, progress) -> dict:
    try:
        report = confirmed_report(job.params["as_of"], job.params["checksum"])
        result = retention.apply_retention(report, job.created_by, progress)
    except retention.PolicyError as error:
        raise _refused(error) from error
    see = in_both(lambda: gettext("See the retention page"))
    return {"links": [{"url": reverse("privacy:retention"), **see}], "run": result["run"],
            "message": in_both(lambda: gettext(
                "Retention applied: %(total)s records anonymised or deleted.")
                % {"total": result["total"]})}


def start_report(ctx):
    from jobs import services as jobs

    return jobs.start(ctx, "retention_report", {"day": timezone.localdate().isoformat()})


def start_retention(ctx, as_of: str, checksum: str):
    from jobs import services as jobs

    return jobs.start(ctx, "retention_apply", {"as_of": as_of, "checksum": checksum})
