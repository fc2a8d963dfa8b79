# ruff: noqa: S608 -- SQL text is compiled from checked rules and names this module creates.
"""Live count preview for the rule editor: how many units of the latest registry snapshot a
draft rule set would find eligible, not eligible or not yet assessed.

The targeting view (the slow part: joins of the snapshot with matches, scores, lists and UMK)
is built once into a DuckDB database file under VAR_DIR/tmp/preview, named after the snapshot's
checksum and a fingerprint of the database inputs; every keystroke afterwards only runs the
decision query of the draft over that file."""

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from civil.models import MemberMatch
from linkage import snapshots
from linkage.models import Snapshot
from ranking.models import HouseholdScore

from . import batch
from .attributes import PERSON
from .compile import ELIGIBLE, NOT_ASSESSED, NOT_ELIGIBLE, RuleSetSpec, decision_sql
from .models import EligibilityRun, ListKind, MinimumWage, Program
from .services import PERIODS_PER_YEAR, rule_context

KEEP_FILES = 4  # built views kept; older ones are removed


@dataclass
class Preview:
    """Counts of a draft over one snapshot."""

    snapshot: str
    taken_at: object
    decisions: dict[str, int] = field(default_factory=dict)
    reasons: list[tuple[str, int]] = field(default_factory=list)
    cost_per_period: int = 0  # if every eligible unit were paid (before quotas)

    @property
    def eligible(self) -> int:
        return self.decisions.get(ELIGIBLE, 0)

    @property
    def not_eligible(self) -> int:
        return self.decisions.get(NOT_ELIGIBLE, 0)

    @property
    def not_assessed(self) -> int:
        return self.decisions.get(NOT_ASSESSED, 0)

    @property
    def total(self) -> int:
        return sum(self.decisions.values())


def latest_snapshot() -> Snapshot | None:
    return Snapshot.objects.order_by("-taken_at", "-pk").first()


def preview_dir() -> Path:
    return Path(settings.VAR_DIR) / "tmp" / "preview"


def inputs_fingerprint() -> str:
    """A cheap summary of the database inputs beside the snapshot (matches, scores, lists and
    UMK in force, KPM lists in force): when it changes, the targeting view is rebuilt."""
    from .inputs import current_run_ids
    from .lists import lists_in_force

    parts = [
        MemberMatch.objects.aggregate(n=Count("pk"), t=Max("matched_at")),
        HouseholdScore.objects.aggregate(n=Count("pk"), t=Max("scored_at")),
        MinimumWage.objects.aggregate(n=Count("pk"), t=Max("imported_at")),
        sorted(rl.pk for rl in lists_in_force().values()),
        current_run_ids(),
        sorted(Program.objects.values_list("code", flat=True)),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def targeting_file(snapshot: Snapshot, unit: str, as_of: date) -> Path:
    """The DuckDB file holding the targeting view of `snapshot` (built when missing)."""
    key = hashlib.sha256(
        f"{snapshot.checksum}|{inputs_fingerprint()}|{unit}|{as_of}".encode()).hexdigest()[:24]
    path = preview_dir() / f"{key}.duckdb"
    if not path.exists():
        _build(snapshot, unit, as_of, path)
        _prune(path.parent)
    return path


def _build(snapshot: Snapshot, unit: str, as_of: date, path: Path) -> None:
    from .inputs import export_inputs, register_inputs

    path.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=path.parent, prefix="build-"))
    try:
        target = work / "view.duckdb"
        con = duckdb.connect(str(target))
        try:
            snapshots.connect(snapshot, con)
            register_inputs(con, export_inputs(work / "inputs", as_of.year, on=as_of))
            codes = sorted(rule_context(unit).program_codes)
            batch.build_views(con, as_of, list(ListKind.values), codes, unit == PERSON)
            # The views over the input files go with the build folder; the tables stay.
            for name in ("households", "families", "members", "member_match", "household_score",
                         "list_entries", "minimum_wages", "current_enrollment"):
                con.execute(f"DROP VIEW IF EXISTS {name}")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(target, path)  # atomic: a reader never sees half a file
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _prune(directory: Path) -> None:
    files = sorted(directory.glob("*.duckdb"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[KEEP_FILES:]:
        old.unlink(missing_ok=True)


def preview(program: Program, spec: RuleSetSpec, as_of: date | None = None) -> Preview | None:
    """Counts of `spec` over the latest snapshot (None when no snapshot has been taken)."""
    snapshot = latest_snapshot()
    if snapshot is None:
        return None
    as_of = as_of or timezone.localdate()
    path = targeting_file(snapshot, program.unit, as_of)
    view = "member_view" if program.unit == PERSON else "household_view"
    con = duckdb.connect(str(path), read_only=True)
    try:
        decided = decision_sql(spec, view, batch.key_of(spec.unit))
        rows = con.execute(f"SELECT decision, reason, count(*), sum(amount) FROM ({decided}) d "
                           "GROUP BY ALL").fetchall()
    finally:
        con.close()
    result = Preview(snapshot.name, snapshot.taken_at)
    reasons: dict[str, int] = {}
    for decision, reason, n, amount in rows:
        result.decisions[decision] = result.decisions.get(decision, 0) + n
        if reason:
            reasons[reason] = reasons.get(reason, 0) + n
        if decision == ELIGIBLE:
            result.cost_per_period += int(amount or 0)
    result.reasons = sorted(reasons.items(), key=lambda r: -r[1])
    return result


# --- what-if -----------------------------------------------------------------------------------


def list_in_force(program: Program) -> EligibilityRun | None:
    """The KPM list a what-if is compared with: the newest frozen enrollment run, else the
    newest enrollment run."""
    runs = EligibilityRun.objects.filter(program=program, kind=EligibilityRun.Kind.ENROLLMENT)
    frozen = runs.filter(state=EligibilityRun.State.FROZEN).order_by("-frozen_at", "-pk").first()
    return frozen or runs.filter(state=EligibilityRun.State.DONE).order_by("-created_at",
                                                                           "-pk").first()


def region_group(code: str, prefix: str) -> str | None:
    """The region one level below the scope `prefix` that regency `code` counts under (None:
    outside the scope). Runs count by regency, so a scope below a regency shows its regency."""
    if not prefix:
        return code[:2]
    if len(prefix) == 2:
        return code[:5] if code.startswith(prefix + ".") else None
    return code if prefix == code or prefix.startswith(code + ".") else None


@dataclass
class RegionChange:
    code: str
    name: str
    before: list[int]  # enrolled, waiting, eligible, cost per period
    after: list[int]

    @property
    def diff(self) -> list[int]:
        return [a - b for a, b in zip(self.after, self.before, strict=True)]


@dataclass
class Comparison:
    rows: list[RegionChange]
    total: RegionChange
    periods_per_year: int

    @property
    def cost_per_year(self) -> tuple[int, int, int]:
        before, after = self.total.before[3], self.total.after[3]
        n = self.periods_per_year
        return before * n, after * n, (after - before) * n


def _by_group(run: EligibilityRun | None, prefix: str) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for code, *values in (run.counts.get("regions", []) if run else []):
        group = region_group(code, prefix)
        if group is not None:
            row = groups.setdefault(group, [0, 0, 0, 0])
            for i, v in enumerate(values[:4]):
                row[i] += int(v or 0)
    return groups


def compare(current: EligibilityRun | None, what_if: EligibilityRun, prefix: str
            ) -> Comparison:
    """Counts and cost per period by region (one level below `prefix`) of a what-if run
    beside the list in force, with totals within the scope."""
    from wilayah.models import Region

    before, after = _by_group(current, prefix), _by_group(what_if, prefix)
    codes = sorted(set(before) | set(after))
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    zero = [0, 0, 0, 0]
    rows = [RegionChange(c, names.get(c, c), before.get(c, zero), after.get(c, zero))
            for c in codes]
    total = RegionChange("", "", [sum(r.before[i] for r in rows) for i in range(4)],
                         [sum(r.after[i] for r in rows) for i in range(4)])
    return Comparison(rows, total, PERIODS_PER_YEAR[what_if.program.frequency])
