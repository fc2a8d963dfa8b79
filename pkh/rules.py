"""PKH conditionality as data and plain functions: which component a member holds, the
verification period of a stage, whether one member met one commitment, and the ladder of
repeated violations. No database access here: the services and the batch engine call these."""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from programs.targeting import SEVERE_DISABILITY

SHIPPED = Path(__file__).parent / "data" / "commitments.json"
VISIT_TYPES = ("anc", "imunisasi", "penimbangan", "kunjungan_rumah", "posyandu_lansia")
LADDER_STEPS = ("warning", "suspension", "exit")
CUT_RULES = ("component", "family")
SCHOOL_COMPONENTS = {0: "sd", 1: "smp", 2: "sma"}  # registry education code of a pupil -> level


def shipped_definition() -> dict:
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


def check_definition(definition: dict) -> list[str]:
    """What is wrong with a rule definition (empty when it can be used)."""
    problems = []
    threshold = definition.get("attendance_threshold")
    if not isinstance(threshold, int | float) or not 0 < threshold <= 100:
        problems.append("attendance_threshold must be a percentage in (0, 100]")
    if definition.get("cut") not in CUT_RULES:
        problems.append(f"cut must be one of {CUT_RULES}")
    stages = sorted(p.get("stage") for p in definition.get("verification_periods", []))
    if stages != [1, 2, 3, 4]:
        problems.append("verification_periods must name stages 1-4")
    for step in definition.get("ladder", []):
        if step.get("step") not in LADDER_STEPS or int(step.get("after", 0)) < 1:
            problems.append(f"ladder step {step} is not valid")
    for cid, comp in definition.get("components", {}).items():
        for c in comp.get("commitments", []):
            if c.get("kind") not in ("visit", "attendance"):
                problems.append(f"{cid}.{c.get('id')}: kind must be visit or attendance")
            if c.get("kind") == "visit" and not set(c.get("visit_types", [])) <= set(VISIT_TYPES):
                problems.append(f"{cid}.{c.get('id')}: unknown visit type")
    return problems


def verification_period(definition: dict, year: int, stage: int) -> tuple[date, date]:
    """First and last day of the period whose behaviour a stage verifies."""
    for p in definition["verification_periods"]:
        if int(p["stage"]) == stage:
            sm, sd = (int(x) for x in p["start"].split("-"))
            em, ed = (int(x) for x in p["end"].split("-"))
            return date(year, sm, sd), date(year, em, ed)
    raise ValueError(f"no verification period for stage {stage}")


def next_stage(year: int, stage: int) -> tuple[int, int]:
    """The payment stage a verification stage's result applies to (stage 4 -> next year's 1)."""
    return (year + 1, 1) if stage == 4 else (year, stage + 1)


def previous_stage(year: int, stage: int) -> tuple[int, int]:
    return (year - 1, 4) if stage == 1 else (year, stage - 1)


def age_on(birth: date | None, on: date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def member_components(*, birth_date: date | None, pregnant: bool, disability: int,
                      school_participation: int, education: int, on: date) -> list[str]:
    """The PKH components a member holds on a date: the same attributes the enrollment counts
    (programs/targeting.py): pregnant; aged 0-6; pupil under 21 at SD/SMP/SMA; severe
    disability; aged 60 or more."""
    age = age_on(birth_date, on)
    out = []
    if pregnant:
        out.append("hamil")
    if age is not None and age <= 6:
        out.append("usia_dini")
    if school_participation == 1 and age is not None and age < 21 and education in \
            SCHOOL_COMPONENTS:
        out.append(SCHOOL_COMPONENTS[education])
    if disability in SEVERE_DISABILITY:
        out.append("disabilitas_berat")
    if age is not None and age >= 60:
        out.append("lansia")
    return out


@dataclass(frozen=True)
class Attendance:
    enrolled: bool
    school_days: int
    days_present: int

    @property
    def percent(self) -> float:
        return 100.0 * self.days_present / self.school_days if self.school_days else 0.0


@dataclass(frozen=True)
class Outcome:
    status: str  # met | violated | not_verified
    facts: dict


def judge(commitment: dict, definition: dict, visits: dict[str, int],
          attendance: Attendance | None) -> Outcome:
    """One member's one commitment in one stage. visits: {visit type: count in the period};
    attendance: the school's figures for the stage, None when no school reported."""
    if commitment["kind"] == "attendance":
        threshold = float(definition["attendance_threshold"])
        if attendance is None:
            return Outcome("not_verified", {"threshold": threshold})
        facts = {"enrolled": attendance.enrolled, "percent": round(attendance.percent, 1),
                 "threshold": threshold, "days_present": attendance.days_present,
                 "school_days": attendance.school_days}
        ok = attendance.enrolled and attendance.percent >= threshold
        return Outcome("met" if ok else "violated", facts)
    wanted = commitment.get("visit_types", [])
    count = sum(visits.get(t, 0) for t in wanted)
    minimum = int(commitment.get("min", 1))
    facts = {"visits": count, "min": minimum, "types": wanted}
    if count >= minimum:
        return Outcome("met", facts)
    # No visit recorded is a violation only where someone verified the member this stage (a
    # pendamping form or an import naming the member); else it was not verified.
    return Outcome("violated" if visits.get("_verified") else "not_verified", facts)


def ladder_step(definition: dict, streak: int) -> str:
    """The step of the ladder for `streak` consecutive violation stages ('' below the first)."""
    step = ""
    for rung in sorted(definition.get("ladder", []), key=lambda r: int(r["after"])):
        if streak >= int(rung["after"]):
            step = rung["step"]
    return step


def exit_after(definition: dict) -> int | None:
    """N: the number of consecutive violation stages that ends the family's PKH (paksa)."""
    rungs = [int(r["after"]) for r in definition.get("ladder", []) if r["step"] == "exit"]
    return min(rungs) if rungs else None


def uncut(components: str, cut: dict[str, int]) -> str:
    """An enrollment's components text ('hamil:1,sd:2,') less the members cut ({'sd': 1})."""
    out = []
    for part in filter(None, components.split(",")):
        cid, _, count = part.partition(":")
        left = int(count or 0) - cut.get(cid, 0)
        if left > 0:
            out.append(f"{cid}:{left},")
    return "".join(out)
