"""Why a household is (not) in each program: its rows read live from the database (registry,
Dukcapil match, welfare score, lists in force, UMK, KPM lists in force), decided clause by
clause through the single path, with the words of each clause in Indonesian and English.
Callers check that the user may see the household."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from civil.models import MemberMatch
from ranking.models import HouseholdScore
from registry.models import Household, Member

from . import wording
from .attributes import ATTRIBUTES, PROGRAM_FUNCTION, program_column
from .compile import ClauseResult
from .inputs import current_run_ids
from .lists import lists_in_force
from .models import EligibilityRun, Enrollment, ListEntry, ListKind, MinimumWage, Program
from .rules import LIST_FUNCTION
from .services import current_rule_set, period_start, rule_context, spec_of
from .single import UnitDecision, decide_units, tables_from_rows, view_rows

MEMBER_FIELDS = ("id", "household_id", "nik", "birth_date", "sex", "relation_to_household_head",
                 "pregnant", "disability", "school_participation", "education",
                 "employment_status", "status")


@dataclass
class ProgramExplanation:
    program: Program
    units: list[UnitDecision]
    # Rows of the program's KPM list in force: by member id (person programs) or None.
    in_force: dict[int | None, Enrollment]
    rule_version: int
    as_of: date  # the day ages count and the KPM lists in force are read
    list_in_force: EligibilityRun | None = None

    def in_force_for(self, unit: UnitDecision) -> Enrollment | None:
        return self.in_force.get(unit.member_id)


# Columns an explanation shows beside a clause that reads the first: the values it compares.
COMPARED = {"income_above_umk": ("max_income", "umk")}


def household_inputs(household: Household, as_of: date) -> dict[str, list[dict]]:
    """The seven targeting relations holding this household's rows only, as a run for the
    period starting `as_of` reads them (its year's UMK, the KPM lists in force then)."""
    return _household_rows(household) | _dated_rows(household, as_of)


def _household_rows(household: Household) -> dict[str, list[dict]]:
    """The relations that do not depend on the period: registry, match, score, lists."""
    members = list(Member.objects.filter(household=household).values(*MEMBER_FIELDS))
    for m in members:
        m["member_id"] = m.pop("id")
    ids = [m["member_id"] for m in members]
    niks = [m["nik"] for m in members if m["nik"]]
    return {
        "households": [{"household_id": household.pk, "village_code": household.village.code,
                        "status": household.status}],
        "members": members,
        "member_match": [
            {"member_id": m, "status": s, "deceased": d}
            for m, s, d in MemberMatch.objects.filter(member_id__in=ids)
            .values_list("member_id", "status", "deceased")],
        "household_score": [
            {"household_id": household.pk, "score": s.score, "desil_national": s.desil_national,
             "desil_province": s.desil_province}
            for s in HouseholdScore.objects.filter(household=household)],
        "list_entries": [
            {"kind": k, "nik": n, "monthly_income": i}
            for k, n, i in ListEntry.objects.filter(nik__in=niks,
                                                    reference_list__in=list(lists_in_force().values()))
            .values_list("reference_list__kind", "nik", "monthly_income")],
    }


def _dated_rows(household: Household, as_of: date) -> dict[str, list[dict]]:
    """The UMK of `as_of`'s year (the latest up to it) and the KPM lists in force on it."""
    regency = household.village.code[:5]
    umk_year = (MinimumWage.objects.filter(regency__code=regency, year__lte=as_of.year)
                .aggregate(y=Max("year"))["y"])
    return {
        "minimum_wages": [
            {"regency_code": regency, "amount": a}
            for a in MinimumWage.objects.filter(regency__code=regency, year=umk_year)
            .values_list("amount", flat=True)] if umk_year else [],
        "current_enrollment": [
            {"program_code": code, "household_id": household.pk}
            for code in frozen_programs_of(household, as_of)],
    }


def frozen_programs_of(household: Household, on: date | None = None) -> set[str]:
    """The programs whose KPM list in force (on `on`, see inputs.current_run_ids) enrolls the
    household."""
    return set(Enrollment.objects.filter(
        run__in=current_run_ids(on), household=household, status=Enrollment.Status.ENROLLED)
        .values_list("run__program__code", flat=True))


def decision_date(program: Program, list_in_force: EligibilityRun | None) -> date:
    """The day a household's decision is made for: the first day of the period of the
    program's KPM list in force, so that the explanation and the list agree; today when the
    program has no frozen list."""
    if list_in_force is None:
        return timezone.localdate()
    return period_start(program, list_in_force.period)


def explain_household(household: Household, as_of: date | None = None,
                      programs: list[Program] | None = None) -> list[ProgramExplanation]:
    """Each active program's decision for the household by the current data, on the first
    day of the period of its KPM list in force (decision_date), or on `as_of` for all."""
    programs = programs if programs is not None else list(Program.objects.filter(active=True))
    lists = {run.program_id: run for run in EligibilityRun.objects.filter(
        pk__in=current_run_ids())}
    in_force: dict[int, dict[int | None, Enrollment]] = {}
    for e in Enrollment.objects.filter(run__in=list(lists.values()),
                                       household=household).select_related("run"):
        in_force.setdefault(e.run.program_id, {})[e.member_id] = e
    base = _household_rows(household)
    codes = sorted(rule_context("household").program_codes)
    views: dict[date, tuple[list[dict], list[dict]]] = {}
    out = []
    for program in programs:
        rule_set = current_rule_set(program)
        if rule_set is None:
            continue
        day = as_of or decision_date(program, lists.get(program.pk))
        if day not in views:  # programs decided on the same day share the view rows
            tables = tables_from_rows(base | _dated_rows(household, day))
            views[day] = view_rows(tables, day, list(ListKind.values), codes)
        households, members = views[day]
        spec = spec_of(program, rule_set.definition)
        units = decide_units(spec, households[0] if households else None, members)
        out.append(ProgramExplanation(program, _with_compared(units),
                                      in_force.get(program.pk, {}), rule_set.version, day,
                                      lists.get(program.pk)))
    return out


def _with_compared(units: list[UnitDecision]) -> list[UnitDecision]:
    """Add to a clause's values the ones it compares (COMPARED: the wage and the UMK beside
    "earns more than the UMK"), read from the unit's row."""
    for unit in units:
        for result in unit.decision.clauses:
            for column in [c for c in COMPARED if c in result.values]:
                result.values |= {name: unit.row.get(name) for name in COMPARED[column]}
    return units


OUTCOME_MARKS = {"for": "✓", "against": "✗", "unknown": "?"}


def clause_lines(result: ClauseResult, lang: str = "id") -> dict:
    """A clause's outcome in words, through programs.wording: the mark, the outcome label
    ("Tidak terpenuhi"), the clause text and the values it read, named as the rule language
    names them (`values`, for the API) and as people read them (`read`: descriptions with
    values in words). `sentence` is the whole line: "✗ Tidak terpenuhi: Termasuk desil 1-5
    (Desil kesejahteraan nasional (1 = termiskin): 6)"."""
    clause = result.clause
    if result.value is None:
        outcome = "unknown"
    elif result.against:
        outcome = "against"
    else:
        outcome = "for"
    text = clause.reason.get(lang) or clause.reason.get("id") or clause.id
    label = wording.outcome_label(clause.kind, outcome, lang)
    read = "; ".join(f"{words}: {wording.value_text(value, lang, money=name in wording.MONEY)}"
                     for name, words, value in _described(result.values, lang))
    sentence = f"{OUTCOME_MARKS[outcome]} {label}: {text}"
    return {"id": clause.id, "kind": clause.kind, "text": text, "outcome": outcome,
            "mark": OUTCOME_MARKS[outcome], "label": label, "value": result.value,
            "values": _readable(result.values), "read": read,
            "sentence": f"{sentence} ({read})" if read else sentence, "source": clause.source}


def _readable(values: dict) -> dict:
    """Column names as the rule language writes them: on_list('asn'), in_program('pkh')."""
    shown = {}
    for name, value in values.items():
        if name.startswith("list_"):
            name = f"{LIST_FUNCTION}('{name[5:]}')"
        elif name.startswith("prog_"):
            name = f"{PROGRAM_FUNCTION}('{_program_code(name)}')"
        shown[name] = value
    return shown


def _program_code(column: str) -> str:
    codes = Program.objects.values_list("code", flat=True)
    return next((c for c in codes if program_column(c) == column), column[5:])


def _described(values: dict, lang: str) -> list[tuple[str, str, object]]:
    """(column, description, value) of each column read: the attribute catalogue's words,
    "Daftar <list>" for a list column, "KPM <program>" for a program column."""
    from .models import ListKind

    out = []
    with translation.override(lang):
        for name, value in values.items():
            label = name
            if name.startswith("list_"):
                kind = name[5:]
                label = _("List of %(kind)s") % {"kind": dict(ListKind.choices).get(kind, kind)}
            elif name.startswith("prog_"):
                program = Program.objects.filter(code=_program_code(name)).first()
                shown = (program.name_en or program.name if lang == "en" else program.name
                         ) if program else name[5:]
                label = _("KPM of %(program)s") % {"program": shown}
            elif name in ATTRIBUTES:
                label = getattr(ATTRIBUTES[name], "en" if lang == "en" else "id")
            out.append((name, str(label), value))
    return out
