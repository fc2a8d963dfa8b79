"""Helpers shared by the ATENSI use cases: audit, access and stage checks."""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from audit import services as audit

from .. import access
from ..models import Case, CaseStatus, FormEntry
from ..stages import Stage, config

# Forms that may be recorded in any stage from the first: an emergency is answered at once
# (article 11(5)) and the duration may be reset whenever a conference decides it.
ANYTIME_FORMS = {"case_response", "duration"}


class Refused(Exception):
    """The action does not fit the case's state (message in the user's language)."""


def record_event(ctx: audit.Context, action: str, obj, case: Case, changes: dict | None = None):
    audit.record(ctx, f"atensi.{action}", obj, changes or {}, region_code=case.region_id)


def require_recorder(ctx: audit.Context, case: Case) -> None:
    if not access.may_record(ctx.actor, case):
        raise PermissionDenied("atensi.record")
    if case.status != CaseStatus.OPEN:
        raise Refused(_("The case is terminated; nothing more can be recorded."))


def stage_of(form: str) -> Stage:
    for stage in config().stages:
        if form in stage.forms:
            return stage
    raise KeyError(form)


def check_form_stage(case: Case, form: str) -> None:
    if form in ANYTIME_FORMS:
        return
    if stage_of(form).order > config().get(case.stage).order:
        raise Refused(
            _("This form belongs to the stage “%(stage)s”, which the case has not reached.")
            % {"stage": stage_of(form).name}
        )


def add_entry(ctx: audit.Context, case: Case, form: str, data: dict[str, Any]) -> FormEntry:
    check_form_stage(case, form)
    entry = FormEntry.objects.create(
        case=case, stage=stage_of(form).code, form=form, data=data, recorded_by=ctx.actor
    )
    record_event(ctx, f"form.{form}", case, case, {"form": [None, form], "entry": [None, entry.pk]})
    return entry


def plain(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}


def due_date(start: date, stage: Stage, emergency: bool) -> date:
    return start + timedelta(days=stage.due_in(emergency))
