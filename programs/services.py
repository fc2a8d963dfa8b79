# ruff: noqa: S608 -- SQL text names the run's own files and fixed columns.
"""Actions on programs: install the shipped definitions, save and publish rule-set versions, set
quotas, run eligibility for a period (the KPM list, or a what-if that enrolls nobody) and
freeze a KPM list before payment. Every change is audited."""

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pyarrow as pa
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit.models import Source
from audit.services import Context, record
from base.bulk import load_model
from base.sql import literal
from linkage import snapshots
from wilayah.models import Level, Region

from . import batch, exits
from .compile import DefinitionError, RuleSetSpec, build
from .models import EligibilityRun, Enrollment, ListKind, Program, Quota, RuleSet
from .rules import Context as RuleContext
from .rules import RuleError

DEFINITIONS = Path(__file__).resolve().parent / "definitions"
PERIOD_FORMATS = {
    "monthly": (re.compile(r"(\d{4})-(0[1-9]|1[0-2])"), "2021-03"),
    "quarterly": (re.compile(r"(\d{4})-T([1-4])"), "2021-T2"),
    "once": (re.compile(r"(\d{4})"), "2021"),
}
PERIODS_PER_YEAR = {"monthly": 12, "quarterly": 4, "once": 1}


class ProgramError(Exception):
    """A program action refused, with the reason in Indonesian and English."""

    def __init__(self, id_: str, en: str):
        super().__init__(en)
        self.id, self.en = id_, en

    def message(self, lang: str = "id") -> str:
        return self.id if lang == "id" else self.en


# --- definitions -------------------------------------------------------------------------------


def shipped_definitions() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(DEFINITIONS.glob("*.json"))}


def rule_context(unit: str, extra_codes: tuple[str, ...] = ()) -> RuleContext:
    codes = set(Program.objects.values_list("code", flat=True)) | set(shipped_definitions())
    return RuleContext(unit, frozenset(ListKind.values), frozenset(codes | set(extra_codes)))


def spec_of(program: Program, definition: dict) -> RuleSetSpec:
    return build(definition, rule_context(program.unit))


def current_rule_set(program: Program) -> RuleSet | None:
    """The newest published version: the one enrollment runs use."""
    return program.rule_sets.filter(published_at__isnull=False).order_by("-version").first()


def install_shipped(ctx: Context | None = None) -> list[Program]:
    """Create the shipped programs with version 1 of their rules (published) and their quotas;
    programs that exist are left as they are."""
    ctx = ctx or Context(source=Source.SYSTEM, reason="shipped program definitions")
    created = []
    for code, document in shipped_definitions().items():
        if Program.objects.filter(code=code).exists():
            continue
        with transaction.atomic():
            fields = dict(document["program"])
            for key in ("period_start", "period_end"):
                fields[key] = date.fromisoformat(fields[key]) if fields.get(key) else None
            program = Program.objects.create(code=code, **fields)
            spec_of(program, document["rules"])  # refuse a broken shipped file loudly
            RuleSet.objects.create(program=program, version=1, definition=document["rules"],
                                   published_at=timezone.now())
            Quota.objects.bulk_create(Quota(program=program, region_code=region, count=n)
                                      for region, n in expand_quotas(document["quotas"]).items())
            record(ctx, "programs.program.install", program, {"code": [None, code]})
        created.append(program)
    return created


def expand_quotas(spec: dict) -> dict[str, int]:
    """A shipped quota document as region code -> count: either explicit counts, or the rice
    aid's rule (so many per kabupaten/kota of some provinces, more for provincial capitals)."""
    if "per_regency" not in spec:
        return {k: int(v) for k, v in spec.items() if k != "source"}
    from .lists import provincial_capitals

    capitals = provincial_capitals()
    regencies = Region.objects.filter(level=Level.REGENCY)
    if spec.get("provinces"):
        regencies = regencies.filter(parent__code__in=spec["provinces"])
    return {code: spec["per_provincial_capital"] if code in capitals else spec["per_regency"]
            for code in regencies.values_list("code", flat=True)}


def save_draft(program: Program, definition: dict, ctx: Context, note: str = "") -> RuleSet:
    """Check `definition` and store it as the program's next version (a draft)."""
    spec_of(program, definition)  # DefinitionError lists every problem
    with transaction.atomic():
        Program.objects.select_for_update().get(pk=program.pk)
        latest = program.rule_sets.aggregate(v=Max("version"))["v"] or 0
        rule_set = RuleSet.objects.create(
            program=program, version=latest + 1, definition=definition, note=note[:2000],
            created_by=_user(ctx))
        record(ctx, "programs.rules.save", rule_set, {"version": [None, rule_set.version]})
    return rule_set


def publish(rule_set: RuleSet, ctx: Context) -> RuleSet:
    """Make a checked version the one enrollment runs use."""
    spec_of(rule_set.program, rule_set.definition)
    with transaction.atomic():
        updated = RuleSet.objects.filter(pk=rule_set.pk, published_at__isnull=True).update(
            published_at=timezone.now())
        if not updated:
            raise ProgramError("Versi ini sudah diterbitkan.", "This version is already published.")
        rule_set.refresh_from_db()
        record(ctx, "programs.rules.publish", rule_set, {"published": [False, True]})
    return rule_set


def set_quota(program: Program, region_code: str, count: int | None, ctx: Context) -> None:
    """Set (or with None remove) the quota of a region; all of a program's quotas are of one
    region level."""
    levels = {len(c) for c in program.quotas.exclude(region_code=region_code)
              .values_list("region_code", flat=True)}
    if count is not None and levels and len(region_code) not in levels:
        raise ProgramError("Semua kuota satu program harus pada tingkat wilayah yang sama.",
                           "All quotas of a program must be at the same region level.")
    with transaction.atomic():
        before = program.quotas.filter(region_code=region_code).first()
        if count is None:
            program.quotas.filter(region_code=region_code).delete()
        else:
            Quota.objects.update_or_create(program=program, region_code=region_code,
                                           defaults={"count": count})
        record(ctx, "programs.quota.set", program,
               {f"quota {region_code or 'national'}": [before.count if before else None, count]})


def _user(ctx: Context):
    return ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None


# --- runs --------------------------------------------------------------------------------------


def period_start(program: Program, period: str) -> date:
    """The first day of a payment period ('2021-03', '2021-T2', '2021'), the day ages count."""
    pattern, example = PERIOD_FORMATS[program.frequency]
    found = pattern.fullmatch(period or "")
    if not found:
        raise ProgramError(f"Periode '{period}' tidak sesuai; contoh: {example}.",
                           f"Period '{period}' is not valid; for example {example}.")
    year = int(found.group(1))
    if program.frequency == "monthly":
        return date(year, int(found.group(2)), 1)
    if program.frequency == "quarterly":
        return date(year, 3 * int(found.group(2)) - 2, 1)
    if program.period_start and program.period_start.year == year:
        return program.period_start
    return date(year, 1, 1)


def check_period(program: Program, period: str) -> date:
    """The period's first day, refused when the program does not run then."""
    start = period_start(program, period)
    if (program.period_end and start > program.period_end) or (
            program.period_start and start < program.period_start.replace(day=1)):
        raise ProgramError(
            f"{program.name} tidak berjalan pada periode {period}.",
            f"{program.name_en} does not run in period {period}.")
    return start


@dataclass
class RunRequest:
    program: Program
    period: str
    kind: str = EligibilityRun.Kind.ENROLLMENT
    definition: dict | None = None  # what-if: changed rules (default: the current version)
    quotas: dict[str, int] | None = None  # what-if: changed quotas
    snapshot: str | None = None  # a snapshot name; default: a new one of the registry
    rule_set: RuleSet | None = None  # what-if: another version (default: the published one)


def check_startable(program: Program, period: str, rule_set: RuleSet | None = None) -> None:
    """What refuses a run before it starts: a wrong period, no published rules."""
    check_period(program, period)
    if (rule_set or current_rule_set(program)) is None:
        raise ProgramError("Program belum memiliki aturan yang diterbitkan.",
                           "The program has no published rules.")


def runs_root() -> Path:
    return Path(settings.VAR_DIR) / "runs" / "eligibility"


def run_eligibility(request: RunRequest, ctx: Context,
                    progress: Callable[[str, int, int], None] | None = None) -> EligibilityRun:
    """Evaluate the program over a registry snapshot. An enrollment run stores its KPM list
    (enrolled and waiting, and who exited since the last frozen list, with the reason); a
    what-if run stores only counts by region beside those of the current KPM list.
    `progress(step, done, total)` hears of each step (the job page shows them)."""
    progress = progress or (lambda step, done=0, total=0: None)
    from .inputs import export_inputs, register_inputs

    program = request.program
    as_of = check_period(program, request.period)
    rule_set = request.rule_set or current_rule_set(program)
    if rule_set is None:
        raise ProgramError("Program belum memiliki aturan yang diterbitkan.",
                           "The program has no published rules.")
    definition = request.definition or rule_set.definition
    spec = spec_of(program, definition)
    quotas = request.quotas if request.quotas is not None else dict(
        program.quotas.values_list("region_code", "count"))
    started = time.perf_counter()
    read = lists_read(spec, as_of)  # before the export: a list frozen meanwhile makes it stale
    progress("snapshot", 0, 4)
    snapshot = _snapshot(request.snapshot)
    work = runs_root() / f"{program.code}-{request.period}-{timezone.now():%Y%m%dT%H%M%S%f}"
    con = snapshots.connect(snapshot.name)
    try:
        progress("inputs", 1, 4)
        register_inputs(con, export_inputs(work / "inputs", as_of.year, on=as_of))
        progress("evaluate", 2, 4)
        codes = sorted(rule_context(program.unit).program_codes)
        left = exits.exits_on(program.code, as_of)
        result = batch.evaluate(con, [batch.ProgramRun(program.code, spec, quotas, left)], work,
                                as_of, list(ListKind.values), codes)
        decisions = Path(result["programs"][program.code]["path"])
        regions = batch.by_region(con, decisions, 2)
    finally:
        con.close()
    counts = {k: v for k, v in result["programs"][program.code].items()
              if k not in ("path", "seconds")}
    counts["regions"] = [list(r) for r in regions]
    counts["lists_read"] = read
    progress("store", 3, 4)
    with transaction.atomic():
        run = EligibilityRun.objects.create(
            program=program, rule_set=rule_set, kind=request.kind,
            state=EligibilityRun.State.DONE, period=request.period, snapshot=snapshot.name,
            snapshot_checksum=snapshot.checksum, counts=counts,
            parameters=_parameters(request), created_by=_user(ctx))
        if request.kind == EligibilityRun.Kind.ENROLLMENT:
            counts["changes"] = _store_enrollment(run, decisions, program)
        run.seconds = round(time.perf_counter() - started, 3)
        run.counts = counts
        run.save(update_fields=["seconds", "counts"])
        record(replace(ctx, source=Source.BATCH, source_ref=f"eligibility:{run.pk}"),
               f"programs.run.{request.kind}", run,
               {"period": [None, run.period], "enrolled": [None, counts["statuses"].get(
                   "enrolled", 0)]})
    (work / "run.json").write_text(json.dumps({"run": run.pk, **counts}, default=str))
    return run


def lists_read(spec: RuleSetSpec, on: date | None = None) -> dict[str, int | None]:
    """The KPM list in force on `on` (the run's first day; frozen run id, or None) of each
    program the rules' in_program reads: a run decides against these lists, so freezing
    needs them unchanged."""
    from .attributes import program_column
    from .compile import columns_read
    from .inputs import current_run_ids

    read = columns_read(spec)
    in_force = dict(EligibilityRun.objects.filter(pk__in=current_run_ids(on))
                    .values_list("program__code", "pk"))
    codes = Program.objects.values_list("code", flat=True)
    return {code: in_force.get(code) for code in sorted(codes) if program_column(code) in read}


def _parameters(request: RunRequest) -> dict:
    out = {}
    if request.definition is not None:
        out["definition"] = request.definition
    if request.quotas is not None:
        out["quotas"] = request.quotas
    return out


def _snapshot(name: str | None):
    from linkage.models import Snapshot

    if name:
        snapshot = Snapshot.objects.filter(name=name).first()
        if snapshot is None:
            raise ProgramError(f"Snapshot '{name}' tidak ada.", f"No snapshot '{name}'.")
        snapshots.require_intact(snapshot)
        return snapshot
    return snapshots.take_snapshot(progress=False)


def previous_frozen(program: Program, before: EligibilityRun | None = None
                    ) -> EligibilityRun | None:
    runs = EligibilityRun.objects.filter(program=program, state=EligibilityRun.State.FROZEN)
    if before is not None:
        runs = runs.exclude(pk=before.pk)
    return runs.order_by("-frozen_at", "-pk").first()


def _store_enrollment(run: EligibilityRun, decisions: Path, program: Program) -> dict:
    """Load the run's enrolled and waiting units, marked new or continuing against the last
    frozen list, and that list's units that leave, with the reason (the clause that decided
    against them, 'quota' when now beyond the quota, or 'not_in_registry')."""
    person = program.unit == "person"
    key = "member_id" if person else "household_id"
    previous = previous_frozen(program, run)
    before = _enrolled_table(previous, person)
    con = snapshots.duckdb_connection()
    try:
        con.register("before", before)
        member = "d.member_id" if person else "CAST(NULL AS BIGINT)"
        result = con.sql(f"""
            SELECT d.household_id, {member} AS member_id, d.village_code, d.status,
                   CASE WHEN b.key IS NULL THEN 'new' WHEN d.status = 'enrolled'
                        THEN 'continuing' ELSE 'exited' END AS change,
                   d.rank, d.segment, d.amount, rtrim(d.components, ',') AS components,
                   CASE WHEN b.key IS NOT NULL AND d.status = 'waiting' THEN 'quota'
                        ELSE '' END AS reason
            FROM {literal(decisions)} d LEFT JOIN before b ON b.key = d.{key}
            WHERE d.status IS NOT NULL
            UNION ALL
            SELECT b.household_id, b.member_id, b.village_code, 'exited', 'exited', NULL,
                   b.segment, 0, '', COALESCE(d.reason, d.decision, 'not_in_registry')
            FROM before b LEFT JOIN {literal(decisions)} d ON d.{key} = b.key
            WHERE d.status IS NULL
        """)
        total = load_model(Enrollment, _batches(run, result.to_arrow_reader(50_000)))
        changes = dict(con.execute("SELECT change, count(*) FROM (SELECT CASE WHEN b.key IS NULL "
                                   "THEN 'new' ELSE 'continuing' END AS change FROM "
                                   f"{literal(decisions)} d LEFT JOIN before b ON b.key = d.{key} "
                                   "WHERE d.status = 'enrolled') GROUP BY 1").fetchall())
    finally:
        con.close()
    exited = run.enrollments.filter(change=Enrollment.Change.EXITED).count()
    return {"new": changes.get("new", 0), "continuing": changes.get("continuing", 0),
            "exited": exited, "rows": total}


def _enrolled_table(previous: EligibilityRun | None, person: bool) -> pa.Table:
    """The enrolled units of a frozen list (key, household, member, village, segment)."""
    rows = (previous.enrollments.filter(status=Enrollment.Status.ENROLLED).values_list(
        "member_id" if person else "household_id", "household_id", "member_id", "village_code",
        "segment") if previous else [])
    columns = list(zip(*rows, strict=True)) or [[], [], [], [], []]
    return pa.table({"key": pa.array(columns[0], pa.int64()),
                     "household_id": pa.array(columns[1], pa.int64()),
                     "member_id": pa.array(columns[2], pa.int64()),
                     "village_code": pa.array(columns[3], pa.string()),
                     "segment": pa.array(columns[4], pa.int64())})


def _batches(run: EligibilityRun, reader):
    for chunk in reader:
        data = pa.Table.from_batches([chunk])
        yield {"run_id": pa.array([run.pk] * data.num_rows, pa.int64()),
               **{name: data[name] for name in data.column_names}}


def freeze(run: EligibilityRun, ctx: Context) -> EligibilityRun:
    """Freeze an enrollment run's KPM list for payment; it can no longer change, and it becomes
    the list in force (what `in_program` reads). One frozen list per program and period."""
    if run.kind != EligibilityRun.Kind.ENROLLMENT:
        raise ProgramError("Hanya hasil penetapan yang dapat dibekukan, bukan simulasi.",
                           "Only an enrollment run can be frozen, not a what-if.")
    program = Program.objects.get(pk=run.program_id)  # the ceiling as it is now
    yearly = run.counts.get("cost_per_period", 0) * PERIODS_PER_YEAR[program.frequency]
    ceiling = program.budget_ceiling
    if ceiling is not None and yearly > ceiling:
        raise ProgramError(
            f"Biaya setahun Rp{yearly:,} melampaui pagu Rp{ceiling:,}; kurangi kuota atau "
            "nilai bantuan.".replace(",", "."),
            f"The yearly cost Rp{yearly:,} exceeds the budget ceiling Rp{ceiling:,}; lower "
            "the quota or the amount.")
    read_then = run.counts.get("lists_read", {})
    now = lists_read(spec_of(program, run.rule_set.definition),
                     period_start(program, run.period))
    changed = [code for code, run_id in now.items() if read_then.get(code, run_id) != run_id]
    if changed:
        names = ", ".join(changed)
        raise ProgramError(
            f"Daftar KPM yang berlaku untuk {names} berubah sejak penetapan ini dihitung; "
            "jalankan ulang sebelum dibekukan.",
            f"The KPM list in force of {names} changed since this run; run it again before "
            "freezing.")
    with transaction.atomic():
        taken = EligibilityRun.objects.select_for_update().filter(
            program=run.program, period=run.period, state=EligibilityRun.State.FROZEN).first()
        if taken:
            raise ProgramError(
                f"Daftar KPM periode {run.period} sudah dibekukan (hasil #{taken.pk}).",
                f"The KPM list of period {run.period} is already frozen (run #{taken.pk}).")
        updated = EligibilityRun.objects.filter(pk=run.pk, state=EligibilityRun.State.DONE).update(
            state=EligibilityRun.State.FROZEN, frozen_at=timezone.now(), frozen_by=_user(ctx))
        if not updated:
            raise ProgramError("Hasil ini tidak dapat dibekukan.", "This run cannot be frozen.")
        run.refresh_from_db()
        record(ctx, "programs.run.freeze", run, {"state": ["done", "frozen"]})
    return run


__all__ = ["DefinitionError", "RuleError", "ProgramError", "RunRequest", "run_eligibility",
           "freeze", "save_draft", "publish", "set_quota", "install_shipped", "period_start"]
