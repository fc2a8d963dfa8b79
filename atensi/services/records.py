"""What each stage records (articles 21-26), conferences and duration (article 27) and
referrals."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from providers.models import Provider, ServiceBase, ServiceForm

from .. import access
from ..models import (
    Case,
    Conference,
    ConferenceKind,
    Domain,
    DomainScore,
    DurationBasis,
    FollowUp,
    FormEntry,
    Indicator,
    IndicatorLevel,
    PlanGoal,
    Referral,
    ResidentialStay,
    Section,
    Service,
    TerminationReason,
)
from .common import (
    Refused,
    add_entry,
    check_form_stage,
    plain,
    record_event,
    require_recorder,
    stage_of,
)

# --- stage forms (articles 21-26) ---------------------------------------------------------

GENERIC_FORMS = {"initial_assessment", "initial_agreement", "resource_mapping", "joint_agreement"}


@transaction.atomic
def record_form(ctx: audit.Context, case: Case, form: str, data: dict[str, Any]) -> FormEntry:
    """Record one of the free-form stage forms (initial assessment, initial agreement and
    consent, resource mapping, joint agreement)."""
    require_recorder(ctx, case)
    if form not in GENERIC_FORMS:
        raise Refused(_("Unknown form."))
    if form in ("initial_agreement", "joint_agreement") and not data.get("consent"):
        raise ValidationError(
            {"consent": _("The agreement needs the consent of the client or their family.")}
        )
    if form == "resource_mapping":
        ids = [int(i) for i in data.get("providers", [])]
        names = list(Provider.objects.filter(pk__in=ids).values_list("name", flat=True))
        if not ids or len(names) != len(set(ids)):
            raise ValidationError({"providers": _("Choose the providers of the directory.")})
        data = {**data, "providers": ids, "names": ", ".join(names)}
    return add_entry(ctx, case, form, plain(data))


@transaction.atomic
def respond_to_emergency(
    ctx: audit.Context, case: Case, actions: str, responded_at: datetime | None = None
) -> FormEntry:
    """Article 11(5): the case response in an emergency, recorded with what was done."""
    require_recorder(ctx, case)
    if not case.emergency:
        raise Refused(_("This case is not an emergency."))
    if not actions.strip():
        raise ValidationError({"actions": _("This field is required.")})
    case.responded_at = responded_at or timezone.now()
    case.save(update_fields=["responded_at"])
    late = bool(case.response_due_at and case.responded_at > case.response_due_at)
    return add_entry(
        ctx,
        case,
        "case_response",
        {"actions": actions, "late": late, "responded_at": case.responded_at.isoformat()},
    )


@transaction.atomic
def score_domain(
    ctx: audit.Context,
    case: Case,
    domain: str,
    score: int,
    findings: str = "",
    assessed_on: date | None = None,
) -> DomainScore:
    """Article 22: one domain of the comprehensive (and continuous) assessment, scored 1-5."""
    require_recorder(ctx, case)
    if domain not in Domain.values:
        raise ValidationError({"domain": _("Choose a domain of article 22.")})
    if not 1 <= int(score) <= 5:
        raise ValidationError({"score": _("The score runs from 1 to 5.")})
    check_form_stage(case, "domain_assessment")
    row = DomainScore.objects.create(
        case=case,
        domain=domain,
        score=int(score),
        findings=findings,
        assessed_on=assessed_on or timezone.localdate(),
        assessed_by=ctx.actor,
    )
    add_entry(ctx, case, "domain_assessment", {"domain": domain, "score": int(score), "id": row.pk})
    return row


@transaction.atomic
def add_goal(
    ctx: audit.Context,
    case: Case,
    domain: str,
    goal: str,
    activities: str = "",
    service_form: str = "",
    resource: Provider | None = None,
    target_date: date | None = None,
) -> PlanGoal:
    """Article 23: a goal of the service plan in one domain, with the resource to use."""
    require_recorder(ctx, case)
    if domain not in Domain.values:
        raise ValidationError({"domain": _("Choose a domain of article 22.")})
    if service_form and service_form not in ServiceForm.values:
        raise ValidationError({"service_form": _("Choose a form of article 11.")})
    if not goal.strip():
        raise ValidationError({"goal": _("This field is required.")})
    check_form_stage(case, "plan_goal")
    row = PlanGoal.objects.create(
        case=case,
        domain=domain,
        goal=goal,
        activities=activities,
        service_form=service_form,
        resource=resource,
        target_date=target_date,
    )
    add_entry(ctx, case, "plan_goal", {"domain": domain, "id": row.pk})
    return row


@transaction.atomic
def record_service(
    ctx: audit.Context,
    case: Case,
    form: str,
    basis: str,
    description: str,
    delivered_on: date | None = None,
    amount_rupiah: int | None = None,
    provider: Provider | None = None,
) -> Service:
    """Article 24 and 11(1): one service delivered; cash or goods assistance carries its value
    in integer rupiah. The first service sets the case's service basis."""
    require_recorder(ctx, case)
    check_service(form, basis, description, amount_rupiah)
    check_form_stage(case, "service")
    return save_service(
        ctx, case, form, basis, description, delivered_on, amount_rupiah, provider or case.provider
    )


def check_service(form: str, basis: str, description: str, amount_rupiah: int | None) -> None:
    found = {}
    if form not in ServiceForm.values:
        found["form"] = _("Choose a form of article 11.")
    if basis not in ServiceBase.values:
        found["basis"] = _("Choose family, community or residential.")
    if amount_rupiah is not None and (int(amount_rupiah) != amount_rupiah or amount_rupiah < 0):
        found["amount_rupiah"] = _("The amount is a whole number of rupiah, not negative.")
    if not description.strip():
        found["description"] = _("This field is required.")
    if found:
        raise ValidationError(found)


def save_service(
    ctx: audit.Context,
    case: Case,
    form: str,
    basis: str,
    description: str,
    delivered_on: date | None,
    amount_rupiah: int | None,
    provider: Provider,
) -> Service:
    """Write a checked service row and its form entry (the caller checked the actor)."""
    row = Service.objects.create(
        case=case,
        form=form,
        basis=basis,
        delivered_on=delivered_on or timezone.localdate(),
        description=description,
        amount_rupiah=amount_rupiah,
        provider=provider,
        recorded_by=ctx.actor,
    )
    if not case.service_basis:
        case.service_basis = basis
        case.save(update_fields=["service_basis"])
    data = {"form": form, "basis": basis, "amount_rupiah": amount_rupiah, "id": row.pk}
    if provider.pk != case.provider_id:
        data["provider"] = provider.name
    # A referred provider may serve before the case reaches implementation: no stage check.
    entry = FormEntry.objects.create(
        case=case, stage=stage_of("service").code, form="service", data=data, recorded_by=ctx.actor
    )
    changes = {"form": [None, "service"], "entry": [None, entry.pk]}
    record_event(ctx, "form.service", case, case, changes)
    return row


@transaction.atomic
def admit(
    ctx: audit.Context, case: Case, admitted_on: date, provider: Provider | None = None
) -> ResidentialStay:
    """Admission to residential care (article 24); one open stay at a time."""
    require_recorder(ctx, case)
    provider = provider or case.provider
    if not provider.residential:
        raise ValidationError({"provider": _("This provider has no residential care.")})
    if case.stays.filter(discharged_on__isnull=True).exists():
        raise Refused(_("The client is already admitted; record the discharge first."))
    check_form_stage(case, "residential_stay")
    stay = ResidentialStay.objects.create(case=case, provider=provider, admitted_on=admitted_on)
    add_entry(
        ctx, case, "residential_stay", {"admitted_on": admitted_on.isoformat(), "id": stay.pk}
    )
    return stay


@transaction.atomic
def discharge(
    ctx: audit.Context, stay: ResidentialStay, discharged_on: date, note: str = ""
) -> ResidentialStay:
    case = stay.case
    require_recorder(ctx, case)
    if stay.discharged_on:
        raise Refused(_("Already discharged."))
    if discharged_on < stay.admitted_on:
        raise ValidationError({"discharged_on": _("Discharge cannot be before admission.")})
    stay.discharged_on, stay.discharge_note = discharged_on, note
    stay.save(update_fields=["discharged_on", "discharge_note"])
    add_entry(
        ctx, case, "residential_stay", {"discharged_on": discharged_on.isoformat(), "id": stay.pk}
    )
    return stay


@transaction.atomic
def add_indicator(
    ctx: audit.Context,
    case: Case,
    level: str,
    name: str,
    target: str = "",
    achieved: str = "",
    met: bool | None = None,
    measured_on: date | None = None,
) -> Indicator:
    """Article 25(3): an indicator at the level input, process, output, outcome or impact."""
    require_recorder(ctx, case)
    if level not in IndicatorLevel.values:
        raise ValidationError({"level": _("Choose input, process, output, outcome or impact.")})
    if not name.strip():
        raise ValidationError({"name": _("This field is required.")})
    check_form_stage(case, "indicator")
    row = Indicator.objects.create(
        case=case,
        level=level,
        name=name,
        target=target,
        achieved=achieved,
        met=met,
        measured_on=measured_on or timezone.localdate(),
    )
    add_entry(ctx, case, "indicator", {"level": level, "met": met, "id": row.pk})
    return row


@transaction.atomic
def schedule_follow_up(ctx: audit.Context, case: Case, due_on: date, purpose: str) -> FollowUp:
    """Article 26(1)-(3): an aftercare contact, scheduled on the pekerja sosial's assessment."""
    require_recorder(ctx, case)
    if not purpose.strip():
        raise ValidationError({"purpose": _("This field is required.")})
    check_form_stage(case, "follow_up")
    row = FollowUp.objects.create(case=case, due_on=due_on, purpose=purpose)
    add_entry(ctx, case, "follow_up", {"due_on": due_on.isoformat(), "id": row.pk})
    return row


@transaction.atomic
def complete_follow_up(
    ctx: audit.Context, follow_up: FollowUp, result: str, done_on: date | None = None
) -> FollowUp:
    case = follow_up.case
    require_recorder(ctx, case)
    follow_up.done_on, follow_up.result = done_on or timezone.localdate(), result
    follow_up.save(update_fields=["done_on", "result"])
    record_event(
        ctx, "follow_up.done", follow_up, case, {"done_on": [None, str(follow_up.done_on)]}
    )
    return follow_up


@transaction.atomic
def record_termination(ctx: audit.Context, case: Case, reason: str, note: str = "") -> FormEntry:
    """Article 26(4): the termination and its reason; the case ends when the supervisor
    approves the last stage."""
    require_recorder(ctx, case)
    if reason not in TerminationReason.values:
        raise ValidationError({"reason": _("Choose the reason for termination.")})
    return add_entry(ctx, case, "termination", {"reason": reason, "note": note})


# --- duration and conferences (article 27) --------------------------------------------------


@transaction.atomic
def record_conference(
    ctx: audit.Context,
    case: Case,
    kind: str,
    held_on: date,
    participants: list[dict[str, str]],
    findings: str,
    decisions: str,
    duration_days: int | None = None,
) -> Conference:
    """Article 27(2): a case conference with other professionals or a family conference;
    when it decides the duration, the case's duration is set from it."""
    require_recorder(ctx, case)
    found = {}
    if kind not in ConferenceKind.values:
        found["kind"] = _("Choose a case conference or a family conference.")
    people = [p for p in participants if str(p.get("name", "")).strip()]
    if len(people) < 2:
        found["participants"] = _("Name at least two participants.")
    if not findings.strip():
        found["findings"] = _("This field is required.")
    if not decisions.strip():
        found["decisions"] = _("This field is required.")
    if found:
        raise ValidationError(found)
    conference = Conference.objects.create(
        case=case,
        kind=kind,
        held_on=held_on,
        participants=people,
        findings=findings,
        decisions=decisions,
        duration_days=duration_days,
        recorded_by=ctx.actor,
    )
    record_event(ctx, "conference", conference, case, {"kind": [None, kind]})
    if duration_days:
        basis = (
            DurationBasis.CASE_CONFERENCE
            if kind == ConferenceKind.CASE
            else DurationBasis.FAMILY_CONFERENCE
        )
        set_duration(ctx, case, duration_days, basis)
    return conference


@transaction.atomic
def set_duration(ctx: audit.Context, case: Case, days: int, basis: str) -> Case:
    """Article 27: the duration of ATENSI, from the pekerja sosial's assessment or a case or
    family conference (which must have been recorded for the case)."""
    require_recorder(ctx, case)
    if basis not in DurationBasis.values:
        raise ValidationError({"basis": _("Choose what the duration is based on.")})
    if int(days) < 1:
        raise ValidationError({"days": _("The duration is at least one day.")})
    needed = {
        DurationBasis.CASE_CONFERENCE: ConferenceKind.CASE,
        DurationBasis.FAMILY_CONFERENCE: ConferenceKind.FAMILY,
    }.get(basis)
    if needed and not case.conferences.filter(kind=needed).exists():
        raise ValidationError({"basis": _("Record the conference first.")})
    before = {"duration_days": case.duration_days, "duration_basis": case.duration_basis}
    case.duration_days, case.duration_basis = int(days), basis
    case.save(update_fields=["duration_days", "duration_basis"])
    after = {"duration_days": case.duration_days, "duration_basis": basis}
    add_entry(ctx, case, "duration", {"days": int(days), "basis": basis})
    record_event(ctx, "case.duration", case, case, audit.diff(before, after))
    return case


# --- referral ------------------------------------------------------------------------------


@transaction.atomic
def refer(
    ctx: audit.Context,
    case: Case,
    to_provider: Provider,
    purpose: str,
    sections: list[str] | None = None,
) -> Referral:
    """Refer the case to another provider, sharing only `sections` (by default identity,
    assessment and plan); who reported the case and the supervision log are never shared."""
    require_recorder(ctx, case)
    chosen = list(sections) if sections is not None else [str(s) for s in access.REFERRAL_DEFAULT]
    found = {}
    if to_provider.pk == case.provider_id:
        found["to_provider"] = _("Choose another provider than the case's own.")
    if not purpose.strip():
        found["purpose"] = _("This field is required.")
    bad = set(chosen) - {str(s) for s in access.SHAREABLE}
    if bad or not chosen:
        found["sections"] = _("Choose the parts to share; the intake and supervision log stay.")
    if found:
        raise ValidationError(found)
    referral = Referral.objects.create(
        case=case,
        to_provider=to_provider,
        purpose=purpose,
        sections=sorted(set(chosen)),
        referred_by=ctx.actor,
    )
    record_event(
        ctx,
        "referral",
        referral,
        case,
        {"to_provider": [None, to_provider.pk], "sections": [None, referral.sections]},
    )
    return referral


@transaction.atomic
def end_referral(ctx: audit.Context, referral: Referral) -> Referral:
    require_recorder(ctx, referral.case)
    referral.ended_at = timezone.now()
    referral.save(update_fields=["ended_at"])
    record_event(ctx, "referral.end", referral, referral.case, {"ended": [False, True]})
    return referral


SECTION_OF_FORM = {
    "intake": Section.INTAKE,
    "initial_assessment": Section.ASSESSMENT,
    "case_response": Section.ASSESSMENT,
    "initial_agreement": Section.PLAN,
    "domain_assessment": Section.ASSESSMENT,
    "duration": Section.PLAN,
    "resource_mapping": Section.PLAN,
    "plan_goal": Section.PLAN,
    "joint_agreement": Section.PLAN,
    "service": Section.SERVICES,
    "residential_stay": Section.SERVICES,
    "indicator": Section.MONITORING,
    "follow_up": Section.AFTERCARE,
    "termination": Section.AFTERCARE,
}
