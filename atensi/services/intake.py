"""Intake (article 20), opening a case, and the report of a client outside DTKS to the
Dinas Sosial (article 43)."""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import policy
from accounts.models import User
from audit import services as audit
from providers.models import Cluster, Provider
from registry import identity
from registry.models import Family, Member
from registry.names import name_key
from wilayah.models import Region

from .. import access
from ..models import (
    Case,
    CaseCluster,
    Client,
    DtksReport,
    DtksReportStatus,
    Intake,
    IntakeSource,
    PasGroup,
)
from ..stages import config
from .common import (
    add_entry,
    due_date,
    record_event,
)

# --- intake (article 20) ------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """Who the intake is about. NIK and KK are optional: a street child or a trafficking
    victim often has neither when first met."""

    name: str
    sex: str
    region_code: str
    nik: str = ""
    kk_number: str = ""
    birth_date: date | None = None
    address: str = ""
    marital_status: int | None = None  # needed only for the DTKS usulan (article 43)


def _person_errors(person: Person) -> dict[str, str]:
    found = {}
    if not person.name.strip():
        found["name"] = _("This field is required.")
    if person.sex not in ("L", "P"):
        found["sex"] = _("Sex must be L or P.")
    if not Region.objects.filter(code=person.region_code).exists():
        found["region"] = _("Choose the region where the person lives or was found.")
    if person.nik:
        parsed = identity.parse_nik(person.nik)
        if not parsed.ok:
            found["nik"] = identity.message(parsed.errors[0], _lang())
    if person.kk_number:
        parsed_kk = identity.parse_kk(person.kk_number)
        if not parsed_kk.ok:
            found["kk_number"] = identity.message(parsed_kk.errors[0], _lang())
    return found


def _lang() -> str:
    from base.i18n import content_language

    return content_language()


def find_or_create_client(ctx: audit.Context, person: Person) -> Client:
    """The client with this NIK, else the one with the same name, birth date and region, else a
    new one; linked to the active registry member with the NIK when DTKS has one."""
    person = replace(
        person,
        nik=identity.normalize_digits(person.nik),
        kk_number=identity.normalize_digits(person.kk_number),
    )
    found = _person_errors(person)
    if found:
        raise ValidationError(found)
    key = name_key(person.name)
    client = None
    if person.nik:
        client = Client.objects.filter(nik=person.nik).first()
    elif person.birth_date:
        client = Client.objects.filter(
            nik="", name_key=key, birth_date=person.birth_date, region_id=person.region_code
        ).first()
    if client is None:
        client = Client.objects.create(
            nik=person.nik,
            kk_number=person.kk_number,
            name=person.name.strip(),
            name_key=key,
            birth_date=person.birth_date,
            sex=person.sex,
            address=person.address,
            region_id=person.region_code,
        )
        _record_client(ctx, client, "atensi.client.create")
    if client.member_id is None and client.nik:
        member = Member.objects.filter(nik=client.nik, status="active").first()
        if member is not None:
            client.member = member
            client.save(update_fields=["member"])
            _record_client(ctx, client, "atensi.client.link_member")
    return client


def _record_client(ctx: audit.Context, client: Client, action: str) -> None:
    audit.record(
        ctx, action, client, {"member": [None, client.member_id]}, region_code=client.region_id
    )


@transaction.atomic
def receive_intake(
    ctx: audit.Context,
    provider: Provider,
    source: str,
    person: Person,
    problem: str,
    *,
    emergency: bool = False,
    referrer: str = "",
    referrer_contact: str = "",
    referred_from: Provider | None = None,
    location: str = "",
    received_at: datetime | None = None,
) -> Intake:
    """Record the first contact at `provider` (article 20: referral, complaint report or
    outreach) and find or create the person. No case yet: `open_case` makes one."""
    if not access.providers_for_intake(ctx.actor).filter(pk=provider.pk).exists():
        raise PermissionDenied("atensi.intake")
    found = {}
    if source not in IntakeSource.values:
        found["source"] = _("Choose where the case comes from.")
    if not problem.strip():
        found["problem"] = _("This field is required.")
    if source == IntakeSource.REFERRAL and not (referrer.strip() or referred_from):
        found["referrer"] = _("Name who referred the person.")
    # Outreach may meet a person somewhere in a kecamatan; otherwise the region is where the
    # client lives, down to the desa/kelurahan (the DTKS usulan and the case need the village).
    if (
        source != IntakeSource.OUTREACH
        and Region.objects.filter(code=person.region_code, level__lt=4).exists()
    ):
        found["region"] = _(
            "Choose the desa/kelurahan where the person lives (a kecamatan is enough only for "
            "outreach, where the person was found)."
        )
    if found:
        raise ValidationError(found)
    client = find_or_create_client(ctx, person)
    intake = Intake.objects.create(
        source=source,
        received_at=received_at or timezone.now(),
        provider=provider,
        received_by=ctx.actor,
        client=client,
        referrer=referrer,
        referrer_contact=referrer_contact,
        referred_from=referred_from,
        location=location,
        problem=problem,
        emergency=emergency,
    )
    audit.record(
        ctx,
        "atensi.intake.receive",
        intake,
        {"source": [None, source], "emergency": [None, emergency]},
        region_code=client.region_id,
    )
    return intake


CHILD_UNDER = 18  # UU 35/2014 Perlindungan Anak art. 1(1): a child is under 18 years
ELDERLY_FROM = 60  # UU 13/1998 Kesejahteraan Lansia art. 1(2): lansia are 60 and over
CHILD_PAS = {PasGroup.VULNERABLE_CHILDREN}
ELDERLY_PAS = {PasGroup.NEGLECTED_ELDERLY}


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_errors(
    birth: date | None, client: Client, pas_group: str, clusters: list[str]
) -> dict[str, str]:
    """The children's cluster/PAS group only under 18, the elderly ones only from 60 (when
    the birth date is known)."""
    birth = birth or client.birth_date
    if birth is None:
        return {}
    age = age_on(birth, timezone.localdate())
    found = {}
    if age >= CHILD_UNDER:
        adult = _("A person aged 18 or more is not a child (UU 35/2014 Perlindungan Anak).")
        if Cluster.CHILDREN in clusters:
            found["clusters"] = adult
        if pas_group in CHILD_PAS:
            found["pas_group"] = adult
    if age < ELDERLY_FROM:
        elderly = _("The elderly cluster and group are for persons aged 60 or more (UU 13/1998).")
        if Cluster.ELDERLY in clusters:
            found["clusters"] = elderly
        if pas_group in ELDERLY_PAS:
            found["pas_group"] = elderly
    return found


@transaction.atomic
def open_case(
    ctx: audit.Context,
    intake: Intake,
    worker: User,
    supervisor: User,
    pas_group: str,
    clusters: list[str],
    person: Person | None = None,
) -> Case:
    """Open the case of an intake in stage (a) access facilitation, with its supervisor.
    An emergency case runs on the faster due days and must be answered within the configured
    hours (article 11(5)). A client outside DTKS is reported to the Dinas Sosial at once
    (article 43(2)); `person` carries the details the usulan needs (marital status)."""
    if not access.providers_for_intake(ctx.actor).filter(pk=intake.provider_id).exists():
        raise PermissionDenied("atensi.open_case")
    found = {}
    if pas_group not in PasGroup.values:
        found["pas_group"] = _("Choose the PAS group.")
    if not clusters or set(clusters) - set(Cluster.values):
        found["clusters"] = _("Choose at least one cluster.")
    if not policy.role_allows(worker, policy.ATENSI_CASEWORK):
        found["worker"] = _("The case worker must be a pekerja sosial or pendamping.")
    if supervisor.pk == worker.pk:
        found["supervisor"] = _("The supervisor cannot be the case worker.")
    elif not access.may_supervise(supervisor):
        found["supervisor"] = _(
            "The supervisor must be a pekerja sosial with a valid supervision competency "
            "certificate."
        )
    found |= age_errors(person.birth_date if person else None, intake.client, pas_group, clusters)
    if Case.objects.filter(intake=intake).exists():
        found["intake"] = _("This intake already has a case.")
    if found:
        raise ValidationError(found)
    now = timezone.now()
    first = config().first
    case = Case.objects.create(
        intake=intake,
        client=intake.client,
        provider=intake.provider,
        region=intake.client.region,
        worker=worker,
        supervisor=supervisor,
        pas_group=pas_group,
        stage=first.code,
        stage_started_at=now,
        stage_due=due_date(timezone.localdate(), first, intake.emergency),
        emergency=intake.emergency,
        response_due_at=(
            now + timedelta(hours=config().emergency_response_hours) if intake.emergency else None
        ),
        opened_at=now,
    )
    CaseCluster.objects.bulk_create(
        CaseCluster(case=case, cluster=c) for c in sorted(set(clusters))
    )
    record_event(
        ctx,
        "case.open",
        case,
        case,
        {"stage": [None, case.stage], "clusters": [None, sorted(set(clusters))]},
    )
    add_entry(
        ctx,
        case,
        "intake",
        {"intake": intake.pk, "source": intake.source, "emergency": intake.emergency},
    )
    if not intake.client.in_dtks:
        report_to_dtks(ctx, case, person)
    return case


# --- article 43 -----------------------------------------------------------------------------


# What a report to the Dinas Sosial may lack. Stored as these English msgids (not translated
# text) so that each reader sees them in their own language (atensi.selectors.problem_text).
PROBLEMS = {
    "nik": gettext_noop("The NIK is unknown; the Dinas Sosial must establish it."),
    "kk_number": gettext_noop("The KK number is unknown."),
    "birth_date": gettext_noop("The birth date is unknown."),
    "marital_status": gettext_noop("The marital status is unknown."),
    "region": gettext_noop("The village (desa/kelurahan) is unknown."),
    "usulan": gettext_noop("You may not propose in this village; the Dinas Sosial will."),
}


def _usulan(person: Person | None, client: Client) -> tuple[str, dict, Any, dict[str, str]]:
    """(kind, payload, household, missing) of the DTKS usulan for a client outside DTKS."""
    marital = person.marital_status if person else None
    lacking = {
        "nik": not client.nik,
        "kk_number": not client.kk_number,
        "birth_date": not client.birth_date,
        "marital_status": not marital,
        "region": not Region.objects.filter(code=client.region_id, level=4).exists(),
    }
    missing = {key: PROBLEMS[key] for key, lacks in lacking.items() if lacks}
    family = Family.objects.filter(kk_number=client.kk_number).select_related("household").first()
    if missing:
        return "", {}, None, missing
    member = {
        "nik": client.nik,
        "name": client.name,
        "sex": client.sex,
        "birth_date": client.birth_date.isoformat(),
        "marital_status": marital,
        "relation_to_household_head": 1 if family is None else 8,
        "relation_to_family_head": 1 if family is None else 11,
        "family_order": 1 if family is None else family.members.count() + 1,
    }
    if family is not None:
        return "add_member", {"kk_number": client.kk_number, "member": member}, family.household, {}
    payload = {
        "address": client.address or "-",
        "families": [{"kk_number": client.kk_number, "members": [member]}],
    }
    return "new_household", payload, None, {}


def report_to_dtks(ctx: audit.Context, case: Case, person: Person | None = None) -> DtksReport:
    """Article 43(2): the service goes ahead, and the client outside DTKS is reported to the
    Dinas Sosial to be proposed. An usulan (source ATENSI) is created and submitted when the
    details suffice and the actor may propose in the village; otherwise the report lists what
    the Dinas Sosial must complete."""
    from registration import services as registration
    from registration.models import ProposalSource

    client = case.client
    kind, payload, household, problems = _usulan(person, client)
    proposal = None
    if not problems:
        try:
            with transaction.atomic():
                proposal = registration.propose(
                    ctx, kind, ProposalSource.ATENSI, client.region_id, payload, household=household
                )
                registration.submit(ctx, proposal)
        except ValidationError as error:
            problems = {"usulan": " ".join(error.messages)}
        except PermissionDenied:
            problems = {"usulan": PROBLEMS["usulan"]}
    report = DtksReport.objects.create(
        case=case,
        region=client.region,
        status=DtksReportStatus.PROPOSED if proposal else DtksReportStatus.NEEDS_DATA,
        proposal=proposal,
        problems=problems,
    )
    record_event(ctx, "dtks_report", report, case, {"status": [None, report.status]})
    return report
