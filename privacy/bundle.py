"""The subject-access bundle: everything Kesos holds about the person with one NIK, where it came
from, every read and change of it in the audit log, and the programs' decisions with their
explanations (UU 27/2022: the data and its processing trail, within 3x24 hours).

Plain functions, one per section, reading the other apps through their selectors and public
functions with the officer as the user (the officer's scope is national). Other people's data
stays out: the other members of a household appear without name or NIK, Dukcapil candidates as a
count, ATENSI cases only as their existence and provider (the case file stays with the provider).
The reads are recorded in the audit log by the caller (`build` hands them over)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from atensi.models import Case, Client
from audit.models import Event
from base.i18n import content_language
from civil import selectors as civil_selectors
from civil.models import MatchStatus
from programs import selectors as program_selectors
from programs.compile import ELIGIBLE
from programs.explain import clause_lines, explain_household
from programs.lists import lists_in_force
from programs.models import Enrollment, ListEntry
from programs.services import current_rule_set
from ranking import selectors as ranking_selectors
from registration import selectors as registration_selectors
from registration.models import Kind, Proposal
from registry import selectors as registry_selectors
from registry.instrument import answer_label, member_label, questions, shipped_definition
from registry.models import Household, InactiveReason, Member, Sex, Status
from wilayah import selectors as regions

from .models import RequestKind, SubjectRequest

FORMAT = "kesos.subject-access/1"

DECISION_LABELS = {
    "eligible": gettext_lazy("Eligible"),
    "not_eligible": gettext_lazy("Not eligible"),
    "not_assessed": gettext_lazy("Not yet assessed"),
}
MEMBER_FIELDS = {
    "nik": "NIK",
    "name": gettext_lazy("Name"),
    "sex": gettext_lazy("Sex"),
    "birth_place": gettext_lazy("Birth place"),
    "birth_date": gettext_lazy("Birth date"),
    "relation_to_household_head": gettext_lazy("Relationship to the household head"),
    "relation_to_family_head": gettext_lazy("Relationship to the family head"),
    "family_order": gettext_lazy("Order in the family"),
    "marital_status": gettext_lazy("Marital status"),
    "pregnant": gettext_lazy("Pregnant"),
    "disability": gettext_lazy("Disability"),
    "chronic_illness": gettext_lazy("Chronic illness"),
    "school_participation": gettext_lazy("School participation"),
    "education": gettext_lazy("Highest education"),
    "work_sector": gettext_lazy("Sector of work"),
    "employment_status": gettext_lazy("Employment status"),
}
VERBS = {
    "read": gettext_lazy("Opened"),
    "read_outside_scope": gettext_lazy("Opened from outside its scope, with a reason"),
    "create": gettext_lazy("Created"),
    "update": gettext_lazy("Changed"),
    "status": gettext_lazy("Status changed"),
    "move": gettext_lazy("Moved"),
    "propose": gettext_lazy("Proposed"),
    "revise": gettext_lazy("Proposal changed"),
    "link_member": gettext_lazy("Linked to the DTKS member"),
    "anonymise": gettext_lazy("Anonymised (retention)"),
    "produce": gettext_lazy("Copy of the data produced"),
    "download": gettext_lazy("Copy of the data downloaded"),
    "receive": gettext_lazy("Request received"),
}


@dataclass
class Read:
    """What producing the bundle opened: to be recorded as reads in the audit log."""

    members: list[Member] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _row(key: str, label: Any, value: Any, text: Any = None) -> dict:
    """One field as JSON carries it: the stored value and the value in words."""
    shown = text if text is not None else ("" if value in (None, "") else value)
    return {"field": key, "label": str(label), "value": _plain(value), "text": str(_plain(shown))}


def _region(code: str) -> str:
    return regions.label(code) or code if code else ""


def _choice(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else (value or "")


def _member_fields(member: Member, definition: dict, lang: str) -> list[dict]:
    rows = []
    for key, label in MEMBER_FIELDS.items():
        value = getattr(member, key)
        if key == "sex":
            text = _choice(Sex, value)
        elif key == "pregnant":
            text = _("Yes") if value else _("No")
        elif key in definition["member_fields"]:
            text = member_label(definition, key, value, lang)
        else:
            text = None
        rows.append(_row(key, label, value, text))
    rows.append(_row("status", _("Status"), member.status, _choice(Status, member.status)))
    if member.inactive_reason:
        rows.append(_row("inactive_reason", _("Reason"), member.inactive_reason,
                         _choice(InactiveReason, member.inactive_reason)))
    return rows


def _answers(definition: dict, answers: dict, lang: str) -> list[dict]:
    labels = questions(definition)
    return [{"block": b["title"][lang],
             "question": labels[q["key"]]["label"][lang], "key": q["key"],
             "value": answers[q["key"]], "text": answer_label(definition, q["key"],
                                                              answers[q["key"]], lang)}
            for b in definition["blocks"] for q in b["questions"] if q["key"] in answers]


def _household(household: Household, member: Member, definition: dict, lang: str) -> dict:
    others = [m for m in registry_selectors.household_members(household) if m.pk != member.pk]
    return {
        "id": household.pk,
        "village": _region(household.village_id),
        "village_code": household.village_id,
        "address": household.address, "rt": household.rt, "rw": household.rw,
        "coordinates": ([str(household.latitude), str(household.longitude)]
                        if household.latitude is not None else None),
        "status": _choice(Status, household.status),
        "inactive_reason": _choice(InactiveReason, household.inactive_reason),
        "kk_number": member.family.kk_number,
        "instrument": str(household.instrument) if household.instrument else "",
        "answers": _answers(definition, household.answers or {}, lang),
        # Other people's own data goes to them on their own request.
        "other_members": [{
            "relation": member_label(definition, "relation_to_household_head",
                                     m.relation_to_household_head, lang),
            "sex": _choice(Sex, m.sex),
            "birth_year": m.birth_date.year if m.birth_date else None,
        } for m in others],
    }


def _status_history(record: Household | Member) -> list[dict]:
    return [{"at": _plain(c.at), "status": _choice(Status, c.status),
             "reason": _choice(InactiveReason, c.inactive_reason), "note": c.note,
             "source": c.source_ref}
            for c in registry_selectors.status_history(record)]


def _civil(member: Member) -> dict | None:
    found = civil_selectors.for_member(member.pk)
    if found is None:
        return None
    match = found["match"]
    return {
        "status": match.status, "status_label": _choice(MatchStatus, match.status),
        "differs": [str(MEMBER_FIELDS.get(f, _("KK number"))) for f in match.differing_fields],
        "deceased": match.deceased, "death_date": _plain(match.death_date),
        "moved": match.moved, "civil_village": found["civil_village_label"],
        "matched_at": _plain(match.matched_at), "run": match.run_ref,
        # Dukcapil records of other people proposed as possible matches: a count only.
        "candidates": len(found["candidates"]),
        "source": _("Civil registry (Dukcapil) extract, matched in run %(run)s")
        % {"run": match.run_ref},
    }


def _ranking(household: Household) -> dict | None:
    score = ranking_selectors.for_household(household.pk)
    if score is None:
        return None
    return {"desil_national": score.desil_national, "desil_province": score.desil_province,
            "score": round(score.score, 4), "model": str(score.model),
            "scored_at": _plain(score.scored_at), "run": score.run_ref,
            "explanation": _("A proxy-means test estimates the household's consumption from "
                             "the instrument's answers (model %(model)s); desil 1 is the "
                             "poorest tenth.") % {"model": str(score.model)}}


def program_decisions(member: Member, lang: str) -> list[dict]:
    """Each active program's automated decision for the member (the household's decision for
    household programs, the member's own for person programs), explained clause by clause."""
    out = []
    for item in explain_household(member.household):
        person = item.program.unit == "person"
        unit = next((u for u in item.units if not person or u.member_id == member.pk), None)
        if unit is None:
            continue
        d = unit.decision
        rule_set = current_rule_set(item.program)
        words = program_selectors.run_words(rule_set.definition if rule_set else {}, lang)
        clauses = [clause_lines(r, lang) for r in d.clauses]
        enrollment = item.in_force_for(unit)
        eligible = d.decision == ELIGIBLE
        out.append({
            "program": item.program.code,
            "program_id": item.program.pk,
            "name": item.program.name_en if lang == "en" and item.program.name_en
            else item.program.name,
            "unit": item.program.unit, "rule_version": item.rule_version,
            "decision": d.decision, "decision_label": str(DECISION_LABELS[d.decision]),
            "reason": words.reason(d.reason) if d.reason else "",
            "segment": words.segment(d.segment) if eligible else "",
            "amount": d.amount if eligible else 0,
            "clauses": [c["sentence"] for c in clauses],
            "in_force": _enrollment(enrollment) if enrollment else None,
        })
    return out


def _enrollment(e: Enrollment) -> dict:
    return {"program": e.run.program.code, "period": e.run.period, "run": e.run_id,
            "frozen": e.run.state == e.run.State.FROZEN, "status": e.get_status_display(),
            "change": e.get_change_display(), "rank": e.rank, "amount": e.amount,
            "reason": e.reason}


def _enrollments(member: Member) -> list[dict]:
    rows = (Enrollment.objects.filter(household=member.household_id)
            .filter(Q(member__isnull=True) | Q(member=member))
            .select_related("run", "run__program").order_by("run__created_at", "id"))
    return [_enrollment(e) for e in rows]


def _sources(member: Member, proposals: list[Proposal]) -> list[dict]:
    """How the record came into the registry: its creation and the proposals applied to it."""
    created = Event.objects.filter(
        Q(object_type="registry.household", object_id=str(member.household_id))
        | Q(object_type="registry.member", object_id=str(member.pk)),
        action__endswith=".create").order_by("at", "id")
    rows = [{"what": _("Household entered in the registry") if e.object_type.endswith(
                "household") else _("Member added to the registry"),
             "at": _plain(e.at), "via": e.get_source_display(), "ref": e.source_ref}
            for e in created]
    applied = [p for p in proposals if p.applied_at and (
        p.applied_member_id == member.pk or p.applied_household_id == member.household_id)]
    rows += [{"what": _("Proposal #%(number)s (%(kind)s) applied at penetapan")
              % {"number": p.pk, "kind": p.get_kind_display()},
              "at": _plain(p.applied_at), "via": p.get_source_display(),
              "ref": str(p.period) if p.period_id else ""} for p in applied]
    return sorted(rows, key=lambda r: r["at"] or "")


def _record(member: Member, proposals: list[Proposal], lang: str) -> dict:
    household = member.household
    definition = household.instrument.definition if household.instrument else shipped_definition()
    return {
        "member_id": member.pk,
        "member": _member_fields(member, definition, lang),
        "household": _household(household, member, definition, lang),
        "sources": _sources(member, proposals),
        "status_history": _status_history(member) + _status_history(household),
        "civil_registry": _civil(member),
        "welfare_ranking": _ranking(household),
        "program_decisions": program_decisions(member, lang),
        "enrollments": _enrollments(member),
        "not_considered": [m.text(lang, with_name=False)
                           for m in program_selectors.not_considered(household)
                           if m.member_id == member.pk],
    }


def _lists(nik: str) -> list[dict]:
    in_force = {r.pk for r in lists_in_force().values()}
    rows = ListEntry.objects.filter(nik=nik).select_related("reference_list")
    return [{"list": e.reference_list.get_kind_display(), "kind": e.reference_list.kind,
             "file": e.reference_list.source_name,
             "imported_at": _plain(e.reference_list.imported_at),
             "in_force": e.reference_list_id in in_force, "name": e.name, "detail": e.detail,
             "monthly_income": e.monthly_income}
            for e in rows.order_by("reference_list__kind", "-reference_list__imported_at")]


def _proposals(user: User, nik: str, members: list[Member]) -> list[Proposal]:
    ids = [m.pk for m in members]
    households = [m.household_id for m in members]
    about = (Q(niks__nik=nik) | Q(member__in=ids) | Q(applied_member__in=ids)
             | Q(household__in=households, member__isnull=True)
             | Q(applied_household__in=households, kind=Kind.NEW_HOUSEHOLD))
    return list(registration_selectors.proposals_for(user).filter(about).distinct()
                .order_by("created_at", "id"))


def _proposal(p: Proposal, member_ids: set[int]) -> dict:
    own = p.member_id in member_ids or p.applied_member_id in member_ids
    changes = (p.payload.get("changes") if p.kind == Kind.CORRECT_DATA and own else None)
    return {"id": p.pk, "kind": p.get_kind_display(), "source": p.get_source_display(),
            "status": p.get_status_display(), "about": _("this person") if own
            else _("the household"), "village": _region(p.village_id),
            "created_at": _plain(p.created_at), "period": p.period_id and str(p.period),
            "applied_at": _plain(p.applied_at), "status_reason": p.status_reason,
            "changes": changes}


def _atensi(nik: str, members: list[Member]) -> tuple[list[dict], list[Case]]:
    """ATENSI: the client record and, per case, only that it exists and who holds it."""
    clients = list(Client.objects.filter(Q(nik=nik) | Q(member__in=members)).distinct())
    cases = list(Case.objects.filter(client__in=clients)
                 .select_related("provider", "client").order_by("opened_at", "id"))
    out = [{"client": {"name": c.name, "nik": c.nik, "birth_date": _plain(c.birth_date),
                       "address": c.address, "region": _region(c.region_id),
                       "in_dtks": c.in_dtks},
            "cases": [{"case": k.number, "provider": k.provider.name,
                       "provider_kind": k.provider.get_kind_display(),
                       "provider_region": _region(k.provider.region_id),
                       "status": k.get_status_display(), "opened_at": _plain(k.opened_at),
                       "closed_at": _plain(k.closed_at)}
                      for k in cases if k.client_id == c.pk]}
           for c in clients]
    return out, cases


def _requests(nik: str) -> list[dict]:
    rows = SubjectRequest.objects.filter(nik=nik).select_related("objection").order_by("id")
    out = []
    for r in rows:
        objection = getattr(r, "objection", None)
        out.append({"number": r.number, "kind": r.get_kind_display(),
                    "received_at": _plain(r.received_at), "due_at": _plain(r.due_at),
                    "status": r.get_status_display(), "answered_at": _plain(r.fulfilled_at),
                    "answer": r.outcome,
                    "objection": {"status": objection.get_status_display(),
                                  "answer": objection.answer} if objection else None})
    return out


def trail_keys(nik: str, members: list[Member], proposals: list[Proposal],
               cases: list[Case]) -> Q:
    """The audit log's events about this person's records."""
    keys = {
        "registry.member": [m.pk for m in members],
        "registry.household": [m.household_id for m in members],
        "registration.proposal": [p.pk for p in proposals],
        "atensi.case": [c.pk for c in cases],
        "atensi.client": sorted({c.client_id for c in cases}),
        "privacy.subjectrequest": list(SubjectRequest.objects.filter(nik=nik)
                                       .values_list("pk", flat=True)),
    }
    q = Q(pk__in=[])
    for object_type, ids in keys.items():
        if ids:
            q |= Q(object_type=object_type, object_id__in=[str(i) for i in ids])
    return q


def _actor(event: Event) -> dict:
    user = event.actor
    if user is None:
        return {"role": _("System"), "unit": ""}
    return {"role": user.get_role_display() or _("No role"),
            "unit": user.region.name if user.region_id else _("National")}


def _verb(action: str) -> str:
    last = action.rsplit(".", 1)[-1]
    return str(VERBS.get(last, action))


def trail(keys: Q) -> list[dict]:
    events = Event.objects.filter(keys).select_related("actor", "actor__region").order_by("at",
                                                                                        "id")
    return [{"at": _plain(e.at), "action": e.action, "what": _verb(e.action),
             "record": f"{e.object_type} #{e.object_id}", "by": _actor(e),
             "source": e.get_source_display(), "source_ref": e.source_ref, "reason": e.reason,
             "changes": e.changes}
            for e in events]


def build(request: SubjectRequest, officer: User,
          record_reads: Callable[[Read], None]) -> dict:
    """The bundle of `request`'s NIK as JSON-able data in the active language. What it opens
    is passed to `record_reads` before the audit trail is read, so the trail shows this
    production's own reads."""
    if request.kind != RequestKind.ACCESS:
        raise ValueError("only an access request has a bundle")
    lang = content_language()
    members = list(registry_selectors.members_for(officer).filter(nik=request.nik)
                   .select_related("household", "household__village", "household__instrument",
                                   "family", "village").order_by("status", "id"))
    proposals = _proposals(officer, request.nik, members)
    member_ids = {m.pk for m in members}
    atensi, cases = _atensi(request.nik, members)
    households = list({m.household_id: m.household for m in members}.values())
    record_reads(Read(members=members, households=households, cases=cases))
    return {
        "format": FORMAT,
        "language": lang,
        "request": {"number": request.number, "received_at": _plain(request.received_at),
                    "due_at": _plain(request.due_at),
                    "requester_relation": request.get_requester_relation_display()},
        "produced_at": _plain(timezone.now()),
        "produced_by": {"role": officer.get_role_display(),
                        "name": officer.get_full_name() or officer.username},
        "nik": request.nik,
        "records": [_record(m, proposals, lang) for m in members],
        "reference_lists": _lists(request.nik),
        "proposals": [_proposal(p, member_ids) for p in proposals],
        "atensi": atensi,
        "requests": _requests(request.nik),
        "processing_trail": trail(trail_keys(request.nik, members, proposals, cases)),
    }
