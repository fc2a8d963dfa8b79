"""Changes to the registry. Each function checks the access policy for the record's region,
writes the change and its audit event in one transaction, and refuses a stale update."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts import policy
from audit import services as audit
from base.i18n import content_language
from wilayah.models import Level, Region

from . import identity
from .instrument import indexed_values, validate_answers
from .models import (
    Family,
    Household,
    InactiveReason,
    InstrumentVersion,
    Member,
    Status,
    StatusChange,
)
from .names import name_key

HOUSEHOLD_FIELDS = ["address", "rt", "rw", "latitude", "longitude"]


class StaleRecord(Exception):
    """The record changed since the user read it; reload and apply the change again."""


@dataclass
class MemberData:
    nik: str
    name: str
    sex: str
    birth_date: date | None
    relation_to_household_head: int
    relation_to_family_head: int
    family_order: int
    marital_status: int
    birth_place: str = ""
    pregnant: bool = False
    attributes: dict[str, int] = field(default_factory=dict)  # disability, education, ...


@dataclass
class FamilyData:
    kk_number: str
    members: list[MemberData]


def current_instrument() -> InstrumentVersion:
    return InstrumentVersion.objects.order_by("-version").get(code="dtks")


def _answer_errors(instrument: InstrumentVersion, answers: dict) -> dict[str, str]:
    return {
        e.key: e.message(content_language())
        for e in validate_answers(instrument.definition, answers)
    }


def _identity_errors(families: list[FamilyData]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for f_index, fam in enumerate(families, start=1):
        kk = identity.parse_kk(fam.kk_number)
        if not kk.ok:
            errors[f"families[{f_index}].kk_number"] = identity.message(
                kk.errors[0], content_language()
            )
        for m_index, m in enumerate(fam.members, start=1):
            if m.nik:
                nik = identity.parse_nik(m.nik)
                if not nik.ok:
                    key = f"families[{f_index}].members[{m_index}].nik"
                    errors[key] = identity.message(nik.errors[0], content_language())
    return errors


def _new_member(household: Household, family: Family, data: MemberData) -> Member:
    """An unsaved Member of `family` in `household` from validated data."""
    return Member(
        household=household,
        family=family,
        village_id=household.village_id,
        nik=identity.normalize_digits(data.nik),
        name=data.name.strip(),
        name_key=name_key(data.name),
        birth_place=data.birth_place,
        birth_date=data.birth_date,
        sex=data.sex,
        relation_to_household_head=data.relation_to_household_head,
        relation_to_family_head=data.relation_to_family_head,
        family_order=data.family_order,
        marital_status=data.marital_status,
        pregnant=data.pregnant,
        **data.attributes,
    )


@transaction.atomic
def create_household(
    ctx: audit.Context,
    village_code: str,
    address: str,
    families: list[FamilyData],
    answers: dict[str, Any],
    rt: str = "",
    rw: str = "",
) -> Household:
    """Add a household with its families and members (validated NIK/KK and answers)."""
    policy.require(ctx.actor, policy.CHANGE_REGISTRY, village_code)
    village = Region.objects.get(code=village_code, level=Level.VILLAGE)
    instrument = current_instrument()
    errors = _answer_errors(instrument, answers) | _identity_errors(families)
    if errors:
        raise ValidationError(errors)
    household = Household.objects.create(
        village=village,
        address=address,
        rt=rt,
        rw=rw,
        instrument=instrument,
        answers=answers,
        **indexed_values(instrument.definition, answers),
    )
    for fam in families:
        family = Family.objects.create(
            household=household, kk_number=identity.normalize_digits(fam.kk_number)
        )
        for m in fam.members:
            _new_member(household, family, m).save()
    audit.record(
        ctx,
        "registry.household.create",
        household,
        {"village": [None, village_code]},
        region_code=village_code,
    )
    return household


@transaction.atomic
def update_household(
    ctx: audit.Context, household_id: int, revision: int, changes: dict[str, Any]
) -> Household:
    """Change address fields and/or instrument answers (`changes["answers"]` replaces them).

    `revision` is the one the user read; if someone saved in between, StaleRecord is raised
    and nothing is written.
    """
    household = Household.objects.select_for_update().get(pk=household_id)
    policy.require(ctx.actor, policy.CHANGE_REGISTRY, household.village_id)
    if household.revision != revision:
        raise StaleRecord(household_id)
    before = {f: getattr(household, f) for f in HOUSEHOLD_FIELDS} | {"answers": household.answers}
    after = dict(before)
    after.update({k: v for k, v in changes.items() if k in before})
    if "answers" in changes:
        errors = _answer_errors(household.instrument or current_instrument(), changes["answers"])
        if errors:
            raise ValidationError(errors)
    delta = audit.diff(before, after)
    if not delta:
        return household
    for key, value in after.items():
        setattr(household, key, value)
    if "answers" in delta:
        definition = (household.instrument or current_instrument()).definition
        for key, value in indexed_values(definition, household.answers).items():
            setattr(household, key, value)
    household.revision = F("revision") + 1
    household.save()
    household.refresh_from_db()
    audit.record(
        ctx, "registry.household.update", household, delta, region_code=household.village_id
    )
    return household


@transaction.atomic
def change_status(
    ctx: audit.Context,
    record: Household | Member,
    status: str,
    reason: str = "",
    note: str = "",
    with_household: bool = False,
) -> StatusChange:
    """Activate or deactivate a household or member; deactivating needs one of the reasons.

    Deactivating a household deactivates its active members with the same reason; activating
    it again brings back the members that went with it (not those deactivated on their own)."""
    policy.require(ctx.actor, policy.CHANGE_REGISTRY, record.village_id)
    if status == Status.INACTIVE and reason not in InactiveReason.values:
        raise ValidationError({"inactive_reason": _("Choose the reason for deactivation.")})
    reason = reason if status == Status.INACTIVE else ""
    is_household = isinstance(record, Household)
    kind = StatusChange.Kind.HOUSEHOLD if is_household else StatusChange.Kind.MEMBER
    before = {"status": record.status, "inactive_reason": record.inactive_reason}
    type(record).objects.filter(pk=record.pk).update(
        status=status, inactive_reason=reason, revision=F("revision") + 1
    )
    record.refresh_from_db()
    actor = ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None
    change = StatusChange.objects.create(
        kind=kind,
        record_id=record.pk,
        status=status,
        inactive_reason=reason,
        note=note,
        actor=actor,
        source_ref=ctx.source_ref,
        with_household=with_household,
    )
    after = {"status": status, "inactive_reason": reason}
    audit.record(
        ctx,
        f"registry.{kind}.status",
        record,
        audit.diff(before, after),
        region_code=record.village_id,
    )
    if is_household:
        followers = (
            record.members.filter(status=Status.ACTIVE)
            if status == Status.INACTIVE
            else _members_deactivated_with(record)
        )
        for member in followers:
            change_status(ctx, member, status, reason, note, with_household=True)
    return change


def _members_deactivated_with(household: Household) -> list[Member]:
    """Inactive members whose latest status change followed the household's deactivation."""
    inactive = {m.pk: m for m in household.members.filter(status=Status.INACTIVE)}
    latest: dict[int, StatusChange] = {}
    changes = StatusChange.objects.filter(
        kind=StatusChange.Kind.MEMBER, record_id__in=list(inactive)
    ).order_by("at", "id")
    for change in changes:
        latest[change.record_id] = change
    return [m for pk, m in inactive.items() if pk in latest and latest[pk].with_household]


def open_member(ctx: audit.Context, member: Member) -> Member:
    """Record that the actor opened a member's full record (personal data)."""
    audit.record_read(ctx, member, region_code=member.village_id)
    return member


def open_household(ctx: audit.Context, household: Household) -> Household:
    audit.record_read(ctx, household, region_code=household.village_id)
    return household


MEMBER_CORRECTABLE = {
    "nik",
    "name",
    "sex",
    "birth_date",
    "birth_place",
    "relation_to_household_head",
    "relation_to_family_head",
    "family_order",
    "marital_status",
    "pregnant",
    "disability",
    "chronic_illness",
    "school_participation",
    "education",
    "work_sector",
    "employment_status",
}


@transaction.atomic
def add_member(
    ctx: audit.Context, household: Household, kk_number: str, data: MemberData
) -> Member:
    """Add a person to a household, on its family with `kk_number` (a new family if none)."""
    policy.require(ctx.actor, policy.CHANGE_REGISTRY, household.village_id)
    errors = _identity_errors([FamilyData(kk_number=kk_number, members=[data])])
    if errors:
        raise ValidationError(errors)
    kk = identity.normalize_digits(kk_number)
    family = household.families.filter(kk_number=kk).first()
    if family is None:
        family = Family.objects.create(household=household, kk_number=kk)
    member = _new_member(household, family, data)
    member.save()
    audit.record(
        ctx,
        "registry.member.create",
        member,
        {"household": [None, household.pk], "family": [None, family.pk]},
        region_code=household.village_id,
    )
    return member


@transaction.atomic
def correct_member(ctx: audit.Context, member_id: int, changes: dict[str, Any]) -> Member:
    """Correct a member's identity or coded attributes (a validated NIK, a name with its
    search key, a birth date as date or 'YYYY-MM-DD')."""
    member = Member.objects.select_for_update().get(pk=member_id)
    policy.require(ctx.actor, policy.CHANGE_REGISTRY, member.village_id)
    unknown = sorted(set(changes) - MEMBER_CORRECTABLE)
    if unknown:
        raise ValidationError({k: _("This field cannot be corrected.") for k in unknown})
    values = dict(changes)
    if "nik" in values:
        values["nik"] = identity.normalize_digits(str(values["nik"]))
        nik = identity.parse_nik(values["nik"])
        if not nik.ok:
            raise ValidationError({"nik": identity.message(nik.errors[0], content_language())})
    if isinstance(values.get("birth_date"), str):
        values["birth_date"] = date.fromisoformat(values["birth_date"])
    if "name" in values:
        values["name"] = str(values["name"]).strip()
        values["name_key"] = name_key(values["name"])
    delta = audit.diff({k: getattr(member, k) for k in values}, values)
    if not delta:
        return member
    for key, value in values.items():
        setattr(member, key, value)
    member.revision = F("revision") + 1
    member.save()
    member.refresh_from_db()
    audit.record(ctx, "registry.member.update", member, delta, region_code=member.village_id)
    return member


@transaction.atomic
def move_household(
    ctx: audit.Context,
    household_id: int,
    village_code: str,
    address: str,
    rt: str = "",
    rw: str = "",
) -> Household:
    """Move a household to another village: the same record (its members, NIKs and history
    stay), with the members' village copy moved along."""
    household = Household.objects.select_for_update().get(pk=household_id)
    policy.require(ctx.actor, policy.CHANGE_REGISTRY, household.village_id)
    policy.require(ctx.actor, policy.CHANGE_REGISTRY, village_code)
    Region.objects.get(code=village_code, level=Level.VILLAGE)
    before = {f: getattr(household, f) for f in ("village_id", "address", "rt", "rw")}
    after = {"village_id": village_code, "address": address, "rt": rt, "rw": rw}
    for key, value in after.items():
        setattr(household, key, value)
    household.revision = F("revision") + 1
    household.save()
    household.refresh_from_db()
    household.members.update(village_id=village_code)
    audit.record(
        ctx,
        "registry.household.move",
        household,
        audit.diff(before, after),
        region_code=village_code,
    )
    return household
