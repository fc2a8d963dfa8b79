"""REST endpoint for other agencies: which programs a NIK is in, and why.

The member is looked up within the token user's region (a NIK elsewhere answers 404, with no
hint it exists); the lookup is an audited read (source 'api'). The answer carries the masked
NIK, the household id and region, never the name: per program the decision by the current
data (on the first day of the period of its KPM list in force) with its clauses (id, words and
outcome label in Indonesian and English, values named as in the rule language), the row in the
KPM list in force, and the members no program considered (deceased, inactive). A malformed NIK
is a 422 naming the field."""

from dataclasses import replace
from datetime import date
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from pydantic import WithJsonSchema

from audit import services as audit
from base.api_contract import errors, invalid
from base.i18n import content_language
from registry import identity
from registry import selectors as registry_selectors
from registry.api import audit_context
from registry.models import Member

from . import selectors
from .compile import ClauseResult
from .explain import clause_lines, explain_household
from .models import Enrollment

router = Router(tags=["programs"])
LOOKUP_REASON = "programs: NIK lookup"
SHAPE_PROBLEMS = ("non_digit", "length")
# What the lookup accepts: 16 digits, with the spaces, dots and dashes a clerk may type. The
# document states it; the view checks it itself, to name the problem in the NIK's own words.
NIK_PATH = WithJsonSchema({"type": "string", "pattern": r"^[ .-]*([0-9][ .-]*){16}$",
                           "example": "3201011208850003",
                           "description": "16 digits; spaces, dots and dashes are ignored"})


class TextOut(Schema):
    id: str = Field(..., description="Bahasa Indonesia")
    en: str = Field(..., description="English")


class ClauseOut(Schema):
    id: str
    kind: Literal["require", "exclude"]
    text: TextOut
    outcome: Literal["for", "against", "unknown"] = Field(
        ..., description="for: the clause lets the unit in; against: it keeps it out; "
                         "unknown: a value it needs is missing")
    label: TextOut = Field(
        ..., description="The outcome in words: Terpenuhi / Tidak terpenuhi / Dikecualikan / "
                         "Tidak berlaku / Belum dapat dinilai")
    values: dict[str, Any] = Field(
        ..., description="The values the clause read, named as in the rule language, e.g. "
                         "{\"desil\": 3, \"on_list('asn')\": false}")


class EnrollmentOut(Schema):
    status: Literal["enrolled", "waiting", "exited"]
    period: str
    run_id: int
    rank: int | None = Field(None, description="Rank on the waiting list")
    amount: int = Field(..., description="Integer rupiah per period")
    components: str
    reason: str = Field(..., description="Exit reason (a clause id, 'quota', ...)")


class ProgramOut(Schema):
    code: str
    name: str
    unit: Literal["household", "person"]
    rule_version: int
    as_of: date = Field(
        ..., description="The day decided for (ages, KPM lists read): the first day of the "
                         "period of the program's KPM list in force, or today without one")
    decision: Literal["eligible", "not_eligible", "not_assessed"]
    reason: ClauseOut | None = Field(None, description="The clause that decided against")
    segment: int | None
    amount: int = Field(..., description="Integer rupiah per period if eligible, else 0")
    clauses: list[ClauseOut]
    enrollment: EnrollmentOut | None = Field(
        None, description="The unit's row in the program's KPM list in force (frozen)")


class PersonOut(Schema):
    nik: str = Field(..., description="Masked NIK, e.g. 3201********0003")
    member_id: int
    household_id: int
    village: str = Field(..., description="Region code of the village")
    status: str


class NotConsideredOut(Schema):
    member_id: int
    nik: str = Field(..., description="Masked NIK ('' when the member has none)")
    is_head: bool
    reason: Literal["deceased", "inactive"]
    text: TextOut = Field(..., description="Why, in words (no name)")


class NikProgramsOut(Schema):
    person: PersonOut
    programs: list[ProgramOut]
    not_considered: list[NotConsideredOut] = Field(
        ..., description="Members of the household no program decides for: recorded deceased "
                         "by the civil-registry match, or inactive in DTKS")


def _clause(result: ClauseResult) -> dict:
    line_id, line_en = clause_lines(result, "id"), clause_lines(result, "en")
    return {"id": line_id["id"], "kind": line_id["kind"],
            "text": {"id": line_id["text"], "en": line_en["text"]},
            "outcome": line_id["outcome"],
            "label": {"id": line_id["label"], "en": line_en["label"]},
            "values": line_id["values"]}


def _not_considered(member: Member) -> list[dict]:
    return [{"member_id": m.member_id, "nik": identity.mask_nik(m.nik) if m.nik else "",
             "is_head": m.is_head, "reason": m.reason,
             "text": {"id": m.text("id", with_name=False), "en": m.text("en", with_name=False)}}
            for m in selectors.not_considered(member.household)]


def _shape_errors(nik: str, lang: str) -> list[dict]:
    """A NIK that is not 16 digits, as a validation error naming the field."""
    problems = identity.parse_nik(nik).problems
    return [{"loc": ["path", "nik"], "msg": identity.message(p, lang), "type": f"nik_{p.code}"}
            for p in problems if p.code in SHAPE_PROBLEMS]


def _enrollment(e: Enrollment | None) -> dict | None:
    if e is None:
        return None
    return {"status": e.status, "period": e.run.period, "run_id": e.run_id, "rank": e.rank,
            "amount": e.amount if e.status != Enrollment.Status.EXITED else 0,
            "components": e.components, "reason": e.reason}


def _programs(member: Member) -> list[dict]:
    out = []
    for item in explain_household(member.household):
        person = item.program.unit == "person"
        unit = next((u for u in item.units if not person or u.member_id == member.pk), None)
        if unit is None:  # e.g. a deceased or inactive member of a person program
            continue
        d = unit.decision
        against = next((r for r in d.clauses if r.clause.id == d.reason), None)
        out.append({
            "code": item.program.code, "name": item.program.name, "unit": item.program.unit,
            "rule_version": item.rule_version, "as_of": item.as_of, "decision": d.decision,
            "reason": _clause(against) if against else None,
            "segment": d.segment if d.decision == "eligible" else None,
            "amount": d.amount if d.decision == "eligible" else 0,
            "clauses": [_clause(r) for r in d.clauses],
            "enrollment": _enrollment(item.in_force_for(unit)),
        })
    return out


@router.get("/programs/nik/{nik}", response={200: NikProgramsOut, **errors(401, 403, 404, 422)})
def programs_of_nik(request: HttpRequest, nik: Annotated[str, Path(...), NIK_PATH]):
    """Which programs the person with this NIK is in, and why: each active program's decision
    by the current data on `as_of`, clause by clause, the row in its KPM list in force, and
    the household's members no program considered (deceased, inactive). A NIK that is not 16
    digits answers 422 naming the field (messages follow Accept-Language); the person must
    live in the token user's region (else 404). The lookup is recorded in the audit log
    (source 'api')."""
    problems = _shape_errors(nik, content_language())
    if problems:
        return Status(422, invalid(problems))
    digits = identity.normalize_digits(nik)
    member = (registry_selectors.members_for(request.user).filter(nik=digits)
              .select_related("household", "household__village")
              .order_by("status", "id").first())
    if member is None:
        raise Http404(_("No member with this NIK in your region."))
    ctx = replace(audit_context(request), reason=LOOKUP_REASON)
    audit.record_read(ctx, member, region_code=member.village_id)
    return {
        "person": {"nik": identity.mask_nik(member.nik), "member_id": member.pk,
                   "household_id": member.household_id, "village": member.village_id,
                   "status": member.status},
        "programs": _programs(member),
        "not_considered": _not_considered(member),
    }
