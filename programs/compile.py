# ruff: noqa: S608 -- SQL text is compiled from checked rules; values are typed literals.
"""A program's rule set (a JSON document) checked and turned into one decision per unit, in SQL
for the bulk path and in Python for one household, from the same parsed rules.

    {"clauses":  [{"id", "kind": "require"|"exclude", "expr", "reason": {"id", "en"}, "source"}],
     "segments": [{"code", "when", "name": {"id", "en"}}],           first that holds
     "benefit":  {"per_period": Rp}                                   a fixed amount
               | {"cases": [{"when", "amount", "name"}]}              the first that holds
               | {"per_year": true, "stages": 4, "cap": 4,
                  "components": [{"id", "count", "amount", "name"}]}  PKH: per component
     "ranking": "welfare"}

A unit is `eligible` when every `require` clause holds and no `exclude` clause does; it is
`not_eligible` when one clause decides against it (the first such clause is the reason) and
`not_assessed` when nothing decides against it but a clause is unknown (no desil, no match)."""

from dataclasses import dataclass, field
from typing import Any

from base.sql import PORTABLE, literal

from .rules import INT, Context, Rule, RuleError, evaluate, parse, to_sql

ELIGIBLE, NOT_ELIGIBLE, NOT_ASSESSED = "eligible", "not_eligible", "not_assessed"
REQUIRE, EXCLUDE = "require", "exclude"


@dataclass(frozen=True)
class Clause:
    id: str
    kind: str
    rule: Rule
    reason: dict[str, str]
    source: str = ""


@dataclass(frozen=True)
class Segment:
    code: int
    rule: Rule
    name: dict[str, str]


@dataclass(frozen=True)
class Component:
    id: str
    count: Rule
    amount: int
    name: dict[str, str]


@dataclass(frozen=True)
class Case:
    rule: Rule
    amount: int
    name: dict[str, str]


@dataclass(frozen=True)
class Benefit:
    per_period: int | None = None
    cases: tuple[Case, ...] = ()
    components: tuple[Component, ...] = ()
    cap: int | None = None
    stages: int = 1


@dataclass(frozen=True)
class RuleSetSpec:
    unit: str
    clauses: tuple[Clause, ...]
    segments: tuple[Segment, ...]
    benefit: Benefit


class DefinitionError(Exception):
    """Every problem of a rule set, each naming where it is, in both languages."""

    def __init__(self, problems: list[tuple[str, RuleError]]):
        super().__init__("; ".join(f"{where}: {e.en}" for where, e in problems))
        self.problems = problems

    def messages(self, lang: str = "id") -> list[str]:
        return [f"{where}: {e.message(lang)}" for where, e in self.problems]


def _amount(value: Any, where: str, problems: list) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        problems.append((where, RuleError("Nilai bantuan harus rupiah bulat, tidak negatif.",
                                          "A benefit amount must be whole, non-negative rupiah.")))
        return 0
    return value


def _count(value: Any, where: str, problems: list) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        problems.append((where, RuleError("Harus bilangan bulat, tidak negatif.",
                                          "Must be a whole number, not negative.")))
        return 0
    return value


def build(definition: dict, context: Context) -> RuleSetSpec:
    """Check a whole rule set; raise DefinitionError listing every problem found."""
    problems: list[tuple[str, RuleError]] = []

    def rule(text: Any, where: str, expect: str | None = "bool") -> Rule | None:
        try:
            return parse(str(text or ""), context, expect)
        except RuleError as e:
            problems.append((where, e))
            return None

    clauses, seen = [], set()
    for i, c in enumerate(definition.get("clauses") or [], 1):
        where = f"clause {i} ({c.get('id') or '?'})"
        if not c.get("id") or c["id"] in seen:
            problems.append((where, RuleError("Setiap klausul perlu kode yang unik.",
                                              "Every clause needs a unique id.")))
        seen.add(c.get("id"))
        if c.get("kind") not in (REQUIRE, EXCLUDE):
            problems.append((where, RuleError("Jenis klausul harus 'require' atau 'exclude'.",
                                              "A clause kind is 'require' or 'exclude'.")))
        r = rule(c.get("expr"), where)
        reason = c.get("reason") or {}
        if r:
            clauses.append(Clause(c["id"], c.get("kind"), r,
                                  {"id": reason.get("id") or c["id"],
                                   "en": reason.get("en") or reason.get("id") or c["id"]},
                                  c.get("source", "")))
    if not definition.get("clauses"):
        problems.append(("clauses", RuleError("Program perlu sedikitnya satu klausul.",
                                              "A program needs at least one clause.")))
    segments = []
    for i, s in enumerate(definition.get("segments") or [], 1):
        r = rule(s.get("when"), f"segment {i}")
        if r:
            segments.append(Segment(int(s.get("code", i)), r, s.get("name") or {}))
    benefit = _benefit(definition.get("benefit") or {}, rule, problems)
    if problems:
        raise DefinitionError(problems)
    return RuleSetSpec(context.unit, tuple(clauses), tuple(segments), benefit)


def _benefit(b: dict, rule, problems: list) -> Benefit:
    if "components" in b:
        components = []
        for i, c in enumerate(b["components"], 1):
            r = rule(c.get("count"), f"benefit component {i}", INT)
            amount = _amount(c.get("amount"), f"benefit component {i}", problems)
            if r:
                components.append(Component(c.get("id") or str(i), r, amount, c.get("name") or {}))
        cap = b.get("cap")
        return Benefit(components=tuple(components),
                       cap=None if cap is None else _count(cap, "benefit cap", problems),
                       stages=max(_count(b.get("stages", 1), "benefit stages", problems), 1))
    if "cases" in b:
        cases = []
        for i, c in enumerate(b["cases"], 1):
            r = rule(c.get("when"), f"benefit case {i}")
            amount = _amount(c.get("amount"), f"benefit case {i}", problems)
            if r:
                cases.append(Case(r, amount, c.get("name") or {}))
        return Benefit(cases=tuple(cases))
    return Benefit(per_period=_amount(b.get("per_period", 0), "benefit", problems))


def columns_read(spec: RuleSetSpec) -> set[str]:
    """The targeting-view columns a rule set reads (clauses, segments, benefit)."""
    rules = [c.rule for c in spec.clauses] + [s.rule for s in spec.segments]
    rules += [c.count for c in spec.benefit.components] + [c.rule for c in spec.benefit.cases]
    return set().union(*(r.columns for r in rules))


# --- SQL ---------------------------------------------------------------------------------------


def _taken(components: tuple[Component, ...], cap: int | None) -> list[tuple[Component, str]]:
    """Component counts taken within the cap, highest amounts first (SQL)."""
    order = sorted(components, key=lambda c: -c.amount)
    taken, before = [], []
    for c in order:
        count = f"GREATEST(COALESCE({to_sql(c.count)}, 0), 0)"  # below zero: none
        if cap is None:
            taken.append((c, count))
        else:
            used = " + ".join(before) if before else "0"
            taken.append((c, f"LEAST({count}, {cap} - LEAST({used}, {cap}))"))
        before.append(count)
    return taken


def benefit_sql(benefit: Benefit) -> tuple[str, str]:
    """(amount per period, components text) as SQL expressions."""
    if benefit.components:
        taken = _taken(benefit.components, benefit.cap)
        total = " + ".join(f"{t} * {c.amount}" for c, t in taken) or "0"
        parts = [f"CASE WHEN {t} > 0 THEN {literal(f'{c.id}:', PORTABLE)} || "
                 f"CAST({t} AS VARCHAR(20)) || ',' ELSE '' END" for c, t in taken]
        return f"FLOOR(({total}) / {benefit.stages})", "(" + " || ".join(parts) + ")"
    if benefit.cases:
        whens = " ".join(f"WHEN {to_sql(c.rule)} THEN {c.amount}" for c in benefit.cases)
        return f"(CASE {whens} ELSE 0 END)", "''"
    return str(benefit.per_period or 0), "''"


def decision_sql(spec: RuleSetSpec, view: str, key: str) -> str:
    """SELECT over `view`: key, village_code, welfare_score, one column per clause
    (c_1, c_2, ...), decision, reason (the clause id that decided against), segment, amount
    and components (amounts are computed for every row; only the eligible get paid)."""
    cols = [f"{to_sql(c.rule)} AS c_{i}" for i, c in enumerate(spec.clauses, 1)]
    against = [(f"NOT COALESCE(c_{i}, TRUE)" if c.kind == REQUIRE else f"COALESCE(c_{i}, FALSE)",
                c.id) for i, c in enumerate(spec.clauses, 1)]
    unknown = " OR ".join(f"c_{i} IS NULL" for i in range(1, len(spec.clauses) + 1))
    decision = ("CASE " + " ".join(f"WHEN {cond} THEN '{NOT_ELIGIBLE}'" for cond, _ in against)
                + f" WHEN {unknown} THEN '{NOT_ASSESSED}' ELSE '{ELIGIBLE}' END")
    reason = ("CASE " + " ".join(f"WHEN {cond} THEN {literal(cid, PORTABLE)}"
                                 for cond, cid in against)
              + " ELSE NULL END")
    if spec.segments:
        segment = ("CASE " + " ".join(f"WHEN {to_sql(s.rule)} THEN {s.code}"
                                      for s in spec.segments) + " END")
    else:
        segment = "CAST(NULL AS INTEGER)"
    amount, components = benefit_sql(spec.benefit)
    clause_cols = ", ".join(f"c_{i}" for i in range(1, len(spec.clauses) + 1))
    return f"""
    SELECT {key}, village_code, welfare_score, {clause_cols},
           {decision} AS decision, {reason} AS reason, segment, amount, components
    FROM (SELECT {key}, village_code, welfare_score, {', '.join(cols)},
                 {segment} AS segment, CAST({amount} AS BIGINT) AS amount,
                 {components} AS components
          FROM {view}) t
    """


# --- one unit, in Python -----------------------------------------------------------------------


@dataclass
class ClauseResult:
    clause: Clause
    value: bool | None
    values: dict[str, Any] = field(default_factory=dict)  # attribute values it read

    @property
    def against(self) -> bool:
        return (self.value is False) if self.clause.kind == REQUIRE else (self.value is True)


@dataclass
class Decision:
    decision: str
    reason: str | None
    clauses: list[ClauseResult]
    segment: int | None
    amount: int
    components: str


def benefit_of(benefit: Benefit, row: dict[str, Any]) -> tuple[int, str]:
    if benefit.components:
        remaining = benefit.cap
        total, parts = 0, []
        for c in sorted(benefit.components, key=lambda c: -c.amount):
            count = max(evaluate(c.count, row) or 0, 0)  # below zero: none (as in SQL)
            take = count if remaining is None else min(count, remaining)
            if remaining is not None:
                remaining -= take
            total += take * c.amount
            if take > 0:
                parts.append(f"{c.id}:{take},")
        return total // benefit.stages, "".join(parts)
    if benefit.cases:
        for case in benefit.cases:
            if evaluate(case.rule, row) is True:
                return case.amount, ""
        return 0, ""
    return benefit.per_period or 0, ""


def decide(spec: RuleSetSpec, row: dict[str, Any]) -> Decision:
    """The decision for one row of the targeting view, clause by clause."""
    results = [ClauseResult(c, evaluate(c.rule, row),
                            {k: row.get(k) for k in sorted(c.rule.columns)})
               for c in spec.clauses]
    first_against = next((r for r in results if r.against), None)
    if first_against:
        decision, reason = NOT_ELIGIBLE, first_against.clause.id
    elif any(r.value is None for r in results):
        decision, reason = NOT_ASSESSED, None
    else:
        decision, reason = ELIGIBLE, None
    segment = next((s.code for s in spec.segments if evaluate(s.rule, row) is True), None)
    amount, components = benefit_of(spec.benefit, row)
    return Decision(decision, reason, results, segment, amount, components)
