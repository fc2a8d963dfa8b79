"""REST endpoints of the registry: NIK/KK validation, household lists, full household and member
records. Reads go through the selectors (the user's scope) and full records are audited reads,
exactly like the web pages; a record outside the scope is a plain 404."""

from datetime import date, datetime
from typing import Literal

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from accounts.models import User
from audit.models import Source
from audit.services import Context
from base.api_contract import MAX_ID, MAX_OFFSET, MAX_TEXT, PLAIN_TEXT, errors
from base.i18n import content_language
from wilayah.api import REGION_CODE_OR_EMPTY
from wilayah.selectors import district_exists, within_scope

from . import identity, selectors, services
from .instrument import answer_label, member_label, questions
from .models import Household, Member, Sex

identity_router = Router(tags=["identity"])
router = Router(tags=["registry"])

MAX_PAGE = 100
HEAD_OF_HOUSEHOLD = 1  # code of relation_to_household_head


def audit_context(request: HttpRequest) -> Context:
    token = getattr(request, "api_token", None)
    return Context(
        actor=request.user, source=Source.API, source_ref=f"api-token:{token.pk}" if token else ""
    )


# --- identity ---------------------------------------------------------------------------------


class NikIn(Schema):
    nik: str = Field(..., max_length=64, examples=["3201011208850003"])


class KkIn(Schema):
    kk: str = Field(..., max_length=64, examples=["3201010101200001"])


class ProblemOut(Schema):
    code: str
    severity: Literal["error", "warning"]
    message: str


class NikOut(Schema):
    ok: bool
    nik: str = Field(..., description="The number without spaces, dots or dashes")
    district_code: str = Field(..., description="'PP.KK.DD' of first issue; empty if unreadable")
    birth_date: date | None
    sex: Literal["L", "P"] | None
    problems: list[ProblemOut]


class KkOut(Schema):
    ok: bool
    kk: str
    district_code: str
    problems: list[ProblemOut]


def _problems(parsed: identity.ParsedNik | identity.ParsedKk, lang: str) -> list[dict]:
    return [
        {"code": p.code, "severity": p.severity, "message": identity.message(p, lang)}
        for p in parsed.problems
    ]


@identity_router.post("/nik/validate", response={200: NikOut, **errors(400, 401, 403, 422)})
def validate_nik(request: HttpRequest, payload: NikIn):
    """Check a NIK's structure and decode its district, birth date and sex. Messages follow the
    Accept-Language header ('en' English, otherwise Indonesian). Reads no personal record."""
    parsed = identity.parse_nik(payload.nik, known_district=district_exists)
    return {
        "ok": parsed.ok,
        "nik": parsed.value,
        "district_code": parsed.district_code,
        "birth_date": parsed.birth_date,
        "sex": parsed.sex,
        "problems": _problems(parsed, content_language()),
    }


@identity_router.post("/kk/validate", response={200: KkOut, **errors(400, 401, 403, 422)})
def validate_kk(request: HttpRequest, payload: KkIn):
    """Check a KK number's structure and decode its issuing district."""
    parsed = identity.parse_kk(payload.kk, known_district=district_exists)
    return {
        "ok": parsed.ok,
        "kk": parsed.value,
        "district_code": parsed.district_code,
        "problems": _problems(parsed, content_language()),
    }


# --- household list ---------------------------------------------------------------------------


class HouseholdFilters(Schema):
    q: str = Field("", max_length=MAX_TEXT, pattern=PLAIN_TEXT,
                   description="Name prefix, NIK or KK number of a member")
    village: str = Field("", pattern=REGION_CODE_OR_EMPTY,
                         description="Region code; households in it (any level)")
    status: Literal["active", "inactive"] | None = None
    limit: int = Field(50, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class HouseholdItem(Schema):
    id: int
    village: str
    address: str
    rt: str
    rw: str
    status: str
    member_count: int
    head_name: str | None = Field(None, description="Name of the head of household")


class HouseholdPage(Schema):
    items: list[HouseholdItem]
    next_offset: int | None = Field(..., description="Offset of the next page; null at the end")


def _household_list(user: User, filters: HouseholdFilters) -> QuerySet[Household]:
    qs = selectors.households_for(user)
    if filters.village:
        qs = qs.filter(within_scope(filters.village, "village__code"))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.q.strip():
        found = selectors.search_members(user, filters.q)
        qs = qs.filter(pk__in=found.order_by().values("household_id"))
    return qs.order_by("id")


def _with_head_and_size(households: QuerySet[Household]) -> QuerySet[Household]:
    """Annotate the head's name and the member count with correlated subqueries (no N+1)."""
    members = Member.objects.filter(household=OuterRef("pk")).order_by()
    head = members.filter(relation_to_household_head=HEAD_OF_HOUSEHOLD).order_by("id")
    count = members.values("household").annotate(n=Count("id")).values("n")
    return households.annotate(
        head_name=Subquery(head.values("name")[:1]),
        member_count=Coalesce(Subquery(count, output_field=IntegerField()), 0),
    )


@router.get("/households", response={200: HouseholdPage, **errors(401, 403, 422)})
def list_households(request: HttpRequest, filters: Query[HouseholdFilters]):
    """Households in the caller's scope, ordered by id. Pages never count the whole table:
    fetch the next page with `offset=next_offset` until it is null."""
    start = filters.offset
    # Ids first (an index scan, cheap even far into the table), then details for the page only:
    # otherwise the database would evaluate the subqueries for every skipped row too.
    ids = list(
        _household_list(request.user, filters).values_list("id", flat=True)[
            start : start + filters.limit + 1
        ]
    )
    page = ids[: filters.limit]
    rows = _with_head_and_size(Household.objects.filter(pk__in=page)).order_by("id")
    items = [
        {
            "id": h.pk,
            "village": h.village_id,
            "address": h.address,
            "rt": h.rt,
            "rw": h.rw,
            "status": h.status,
            "member_count": h.member_count,
            "head_name": h.head_name,
        }
        for h in rows
    ]
    return {"items": items, "next_offset": start + filters.limit if len(ids) > len(page) else None}


# --- full records -------------------------------------------------------------------------------


class Coded(Schema):
    code: int | str
    label: str


class MemberOut(Schema):
    id: int
    household_id: int
    family_id: int
    kk_number: str
    village: str
    nik: str
    name: str
    birth_place: str
    birth_date: date | None
    sex: Coded
    relation_to_household_head: Coded
    relation_to_family_head: Coded
    family_order: int
    marital_status: Coded
    pregnant: bool
    disability: Coded
    chronic_illness: Coded
    school_participation: Coded
    education: Coded
    work_sector: Coded
    employment_status: Coded
    status: str
    inactive_reason: str
    revision: int


class FamilyOut(Schema):
    id: int
    kk_number: str
    members: list[MemberOut]


class AnswerOut(Schema):
    key: str
    question: str
    value: bool | int | None
    label: str


class HouseholdOut(Schema):
    id: int
    village: str
    village_name: str
    address: str
    rt: str
    rw: str
    latitude: float | None
    longitude: float | None
    status: str
    inactive_reason: str
    revision: int
    instrument: str = Field(..., description="Instrument code and version, e.g. dtks-1")
    answers: list[AnswerOut]
    families: list[FamilyOut]
    created_at: datetime
    updated_at: datetime


def _definition(household: Household) -> dict:
    return (household.instrument or services.current_instrument()).definition


def _member(member: Member, definition: dict, lang: str) -> dict:
    coded = {
        field: {
            "code": getattr(member, field),
            "label": member_label(definition, field, getattr(member, field), lang),
        }
        for field in definition["member_fields"]
    }
    with translation.override(lang):
        sex_label = str(Sex(member.sex).label) if member.sex in Sex.values else member.sex
    return coded | {
        "id": member.pk,
        "household_id": member.household_id,
        "family_id": member.family_id,
        "kk_number": member.family.kk_number,
        "village": member.village_id,
        "nik": member.nik,
        "name": member.name,
        "birth_place": member.birth_place,
        "birth_date": member.birth_date,
        "sex": {"code": member.sex, "label": sex_label},
        "family_order": member.family_order,
        "pregnant": member.pregnant,
        "status": member.status,
        "inactive_reason": member.inactive_reason,
        "revision": member.revision,
    }


def _answers(definition: dict, answers: dict, lang: str) -> list[dict]:
    qs = questions(definition)
    return [
        {
            "key": key,
            "question": q["label"].get(lang, key),
            "value": answers[key],
            "label": answer_label(definition, key, answers[key], lang),
        }
        for key, q in qs.items()
        if key in answers
    ]


def _household(household: Household, lang: str) -> dict:
    definition = _definition(household)
    families = {
        f.pk: {"id": f.pk, "kk_number": f.kk_number, "members": []}
        for f in household.families.order_by("kk_number", "id")
    }
    for member in selectors.household_members(household):
        families[member.family_id]["members"].append(_member(member, definition, lang))
    instrument = household.instrument
    return {
        "id": household.pk,
        "village": household.village_id,
        "village_name": household.village.name,
        "address": household.address,
        "rt": household.rt,
        "rw": household.rw,
        "latitude": household.latitude,
        "longitude": household.longitude,
        "status": household.status,
        "inactive_reason": household.inactive_reason,
        "revision": household.revision,
        "instrument": f"{instrument.code}-{instrument.version}" if instrument else "",
        "answers": _answers(definition, household.answers or {}, lang),
        "families": list(families.values()),
        "created_at": household.created_at,
        "updated_at": household.updated_at,
    }


@router.get("/households/{household_id}",
            response={200: HouseholdOut, **errors(401, 403, 404, 422)})
def get_household(request: HttpRequest, household_id: int = Path(..., ge=1, le=MAX_ID)):
    """The full household: answers with labels, families (KK) and members. Opening it is
    recorded in the audit log (source 'api')."""
    try:
        household = selectors.household_for(request.user, household_id)
    except Household.DoesNotExist:
        raise Http404(_("Household not found.")) from None
    services.open_household(audit_context(request), household)
    return _household(household, content_language())


@router.get("/members/{member_id}", response={200: MemberOut, **errors(401, 403, 404, 422)})
def get_member(request: HttpRequest, member_id: int = Path(..., ge=1, le=MAX_ID)):
    """One member's full record, coded attributes with labels; an audited read."""
    try:
        member = selectors.member_for(request.user, member_id)
    except Member.DoesNotExist:
        raise Http404(_("Member not found.")) from None
    services.open_member(audit_context(request), member)
    household = member.household
    definition = _definition(household)
    return _member(member, definition, content_language())
