"""The batch pipeline: snapshot -> civil-registry matching -> deduplication -> cleansing
proposals -> welfare ranking -> write-back into the database.

Each step is a plain function of a `StepContext` (a DuckDB connection with the snapshot's
views, its own output folder VAR_DIR/runs/<run>/<step>/, the run folder where earlier steps'
outputs lie, the run's parameters) returning counts and metrics. `execute` runs a table of
such steps and keeps the record of the run in run.json beside the outputs, so a run can be
resumed (a finished step is skipped, a failed one re-run) without the database; `run_pipeline`
adds the database: the Snapshot, the PipelineRun with its steps, and the write-back step.
The matching, dedup and ranking steps belong to other apps and are imported when they run."""

import json
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from . import snapshots

RUN_FILE = "run.json"


@dataclass
class StepContext:
    con: duckdb.DuckDBPyConnection
    out_dir: Path  # this step's outputs
    run_dir: Path  # earlier steps' outputs are in run_dir/<step>/
    params: dict  # recorded with the run (JSON)
    runtime: dict = field(default_factory=dict)  # handed over, not recorded (decided pairs)
    snapshot_dir: Path | None = None

    def output_of(self, step: str) -> Path:
        return self.run_dir / step


Step = Callable[[StepContext], dict]


@dataclass
class StepRecord:
    name: str
    state: str = "pending"  # pending, running, done, failed, skipped
    started_at: str | None = None
    finished_at: str | None = None
    seconds: float | None = None
    peak_memory_mb: float | None = None
    counts: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    output_dir: str = ""
    error: str = ""


@dataclass
class RunRecord:
    name: str
    snapshot: dict  # name, checksum, rows
    parameters: dict
    steps: dict[str, StepRecord]
    state: str = "running"

    def save(self, run_dir: Path) -> None:
        data = asdict(self)
        tmp = run_dir / f".{RUN_FILE}"
        tmp.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
        tmp.replace(run_dir / RUN_FILE)

    @classmethod
    def load(cls, run_dir: Path) -> "RunRecord":
        data = json.loads((run_dir / RUN_FILE).read_text(encoding="utf-8"))
        data["steps"] = {k: StepRecord(**v) for k, v in data["steps"].items()}
        return cls(**data)


class PipelineError(Exception):
    """The run cannot start or go on (the message says why)."""


class StepFailed(PipelineError):
    """A step of a recorded run failed; the run can be resumed."""

    def __init__(self, run, error: BaseException):
        self.run = run
        super().__init__(f"run {run.name} failed: {type(error).__name__}: {error}; "
                         f"resume with `kesos pipeline run --resume {run.name}`")


# --- the steps --------------------------------------------------------------------------------


def _spark(ctx: StepContext) -> dict:
    """Engine options: none for DuckDB; with engine=spark one SparkSession for the run
    (params spark_master, default local[2]: a cluster's URL runs it there)."""
    if ctx.params.get("engine", "duckdb") != "spark":
        return {}
    if "spark" not in ctx.runtime:
        from base.spark import spark_session

        ctx.runtime["spark"] = spark_session(ctx.params.get("spark_master", "local[2]"))
    return {"engine": "spark", "spark": ctx.runtime["spark"]}


def matching_step(ctx: StepContext) -> dict:
    from civil.matching import match_members

    source = ctx.params.get("civil_source")
    if not source:
        raise PipelineError("no civil-registry extract: import one (kesos civil import) or "
                            "pass civil_source")
    return match_members(ctx.con, ctx.out_dir, Path(source), **_spark(ctx))


def dedup_step(ctx: StepContext) -> dict:
    """Params: fixed `thresholds` [lo, hi] on match probability, else the bands are derived
    from the model for the targets `match_precision` and `review_recall` (defaults in
    linkage.bands); the bands chosen are recorded in the step's metrics."""
    from linkage.bands import Targets
    from linkage.dedup import deduplicate

    options = _spark(ctx)
    if options and ctx.snapshot_dir:
        options["members_path"] = str(ctx.snapshot_dir / "members")
    if "thresholds" in ctx.params:
        options["thresholds"] = tuple(ctx.params["thresholds"])
    targets = {k: ctx.params[k] for k in ("match_precision", "review_recall") if k in ctx.params}
    if targets:
        options["targets"] = Targets(**targets)
    return deduplicate(ctx.con, ctx.out_dir, settings=ctx.params.get("dedup_model"),
                       decided=ctx.runtime.get("decided"), **options)


def cleansing_step(ctx: StepContext) -> dict:
    from .cleansing import propose

    return propose(ctx.con, ctx.out_dir, ctx.output_of("matching"), ctx.output_of("dedup"))


def ranking_step(ctx: StepContext) -> dict:
    from ranking.scoring import score_households

    return score_households(ctx.con, ctx.out_dir, ctx.runtime.get("pmt_model"))


BATCH_STEPS: dict[str, Step] = {
    "matching": matching_step,
    "dedup": dedup_step,
    "cleansing": cleansing_step,
    "ranking": ranking_step,
}


# --- peak memory ------------------------------------------------------------------------------


class PeakMemory:
    """Peak resident memory of this process (DuckDB's native memory included) over a block:
    the kernel's high-water mark VmHWM, reset on entry through /proc/self/clear_refs; where
    that reset is refused, a thread samples VmRSS every 50 ms instead."""

    mb = 0.0

    def __enter__(self) -> "PeakMemory":
        self._stop = threading.Event()
        self._thread = None
        try:
            with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
                f.write("5")
        except OSError:
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.mb = max(self.mb, _status_mb("VmRSS"))

    def __exit__(self, *exc) -> None:
        if self._thread:
            self._stop.set()
            self._thread.join()
            self.mb = max(self.mb, _status_mb("VmRSS"))
        else:
            self.mb = _status_mb("VmHWM")


def _status_mb(key: str) -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            match = re.search(rf"^{key}:\s+(\d+) kB", f.read(), re.M)
    except OSError:
        return 0.0
    return round(int(match.group(1)) / 1024, 1) if match else 0.0


# --- the engine -------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_run_name() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def runs_root() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "runs"


def start(run_dir: Path, snapshot, steps: Iterable[str], parameters: dict,
          name: str | None = None) -> RunRecord:
    """A new run folder with its record: the snapshot it reads (verified), parameters, steps."""
    manifest = snapshots.require_intact(snapshot)
    run_dir.mkdir(parents=True, exist_ok=False)
    record = RunRecord(
        name=name or run_dir.name,
        snapshot={"name": manifest["name"], "checksum": manifest["checksum"],
                  "rows": manifest["rows"]},
        parameters=parameters, steps={s: StepRecord(s) for s in steps})
    record.save(run_dir)
    return record


def execute(run_dir: Path, snapshot, steps: Mapping[str, Step], *, only: Iterable[str] = (),
            runtime: dict | None = None, progress: bool = False,
            on_step: Callable[[StepRecord], None] | None = None,
            con: duckdb.DuckDBPyConnection | None = None) -> RunRecord:
    """Run the steps of the run in `run_dir` in order: those already done are skipped, the
    others (pending, failed, or skipped earlier) run; with `only`, just those steps run. The
    snapshot must be the one the run recorded, unchanged. A failing step is recorded as failed
    and its exception raised; run.json is rewritten after every step."""
    from tqdm import tqdm

    record = RunRecord.load(run_dir)
    manifest = snapshots.require_intact(snapshot)
    if manifest["checksum"] != record.snapshot["checksum"]:
        raise PipelineError(f"run {record.name} read snapshot {record.snapshot['name']}, "
                            f"not {manifest['name']}")
    unknown = set(only) - set(steps)
    if unknown:
        raise PipelineError(f"unknown steps: {', '.join(sorted(unknown))}")
    con = con or snapshots.connect(snapshot)
    runtime = {} if runtime is None else runtime
    record.state = "running"
    bar = tqdm(list(steps), desc=f"run {record.name}", unit="step", disable=not progress)
    try:
        for name in bar:
            step = record.steps.setdefault(name, StepRecord(name))
            if step.state == "done" or (only and name not in only):
                if step.state != "done":
                    step.state = "skipped"
                continue
            bar.set_postfix_str(name)
            ctx = StepContext(con, run_dir / name, run_dir, record.parameters, runtime,
                              snapshots.snapshot_dir(snapshot))
            _run_step(ctx, steps[name], step, record, run_dir, on_step)
    except BaseException:
        record.state = "failed"
        record.save(run_dir)
        raise
    finally:
        bar.close()
    record.state = "done" if all(s.state == "done" for s in record.steps.values()) else "partial"
    record.save(run_dir)
    return record


def _run_step(ctx: StepContext, fn: Step, step: StepRecord, record: RunRecord, run_dir: Path,
              on_step: Callable[[StepRecord], None] | None) -> None:
    shutil.rmtree(ctx.out_dir, ignore_errors=True)  # a re-run starts from an empty folder
    ctx.out_dir.mkdir(parents=True)
    step.state, step.started_at, step.finished_at, step.error = "running", _now(), None, ""
    step.output_dir = str(ctx.out_dir)
    record.save(run_dir)
    if on_step:
        on_step(step)
    started, peak = time.perf_counter(), PeakMemory()
    try:
        with peak:
            result = fn(ctx) or {}
    except BaseException as e:
        step.state, step.error = "failed", f"{type(e).__name__}: {e}"[:2000]
        raise
    else:
        step.state = "done"
        step.metrics = _plain(result.get("metrics", {}))
        step.counts = _plain({k: v for k, v in result.items() if k != "metrics"})
    finally:
        step.finished_at = _now()
        step.seconds = round(time.perf_counter() - started, 3)
        step.peak_memory_mb = peak.mb
        record.save(run_dir)
        if on_step:
            on_step(step)


def _plain(value: Any) -> Any:
    """JSON-able copy of a step's result (numpy numbers, dates and tuples included)."""
    return json.loads(json.dumps(value, default=lambda v: v.item() if hasattr(v, "item")
                                 else str(v)))


# --- with the database ------------------------------------------------------------------------


def write_back(run) -> Step:
    """The step that loads what the web UI needs from the run's outputs into the database:
    civil statuses and candidates, the dedup pairs for clerical review, the cleansing
    proposals, the household scores (each loader is the owning app's, in bulk). Outputs of
    steps that did not run are left alone."""
    def step(ctx: StepContext) -> dict:
        return {name: load() for name, (output, load) in _loaders(run, ctx).items()
                if (ctx.output_of(name) / output).exists()}
    return step


def _loaders(run, ctx: StepContext) -> dict[str, tuple[str, Callable[[], Any]]]:
    from .cleansing import PROPOSALS_FILE, load_proposals

    loaders: dict[str, tuple[str, Callable[[], Any]]] = {}
    if _has_module("civil.services"):
        from civil.services import load_results

        loaders["matching"] = ("civil_status.parquet", lambda: load_results(
            run.source_ref, ctx.output_of("matching")))
    if _has_module("linkage.review_services"):
        from audit.services import Context

        from .review_services import load_review_band

        ctx_review = Context(source="batch", source_ref=run.source_ref[:100],
                             reason="dedup review band")
        loaders["dedup"] = ("dedup_pairs.parquet", lambda: load_review_band(
            ctx.output_of("dedup") / "dedup_pairs.parquet", run.source_ref, ctx_review))
    loaders["cleansing"] = (PROPOSALS_FILE, lambda: load_proposals(
        run, ctx.output_of("cleansing")))
    if _has_module("ranking.services") and ctx.runtime.get("pmt_model_row") is not None:
        from ranking.services import load_scores

        loaders["ranking"] = ("scores.parquet", lambda: load_scores(
            run.source_ref, ctx.output_of("ranking"), ctx.runtime["pmt_model_row"]))
    return loaders


def _has_module(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def default_parameters(synth_dir: Path | None = None) -> dict:
    """The civil-registry source: for a run from a synth population, its dukcapil.parquet
    imported as an extract (an import of the same file is found again, not repeated); else
    the latest imported extract."""
    if not _has_module("civil.services"):
        return {}
    from civil.models import CivilExtract
    from civil.services import extract_path, import_extract

    if synth_dir is not None:
        extract = import_extract(Path(synth_dir) / "dukcapil.parquet").extract
    else:
        extract = CivilExtract.objects.order_by("-id").first()
    return {"civil_source": str(extract_path(extract))} if extract else {}


def _runtime() -> dict:
    """What steps need from the database but the run does not record: clerical decisions
    (never asked twice), the current PMT model."""
    runtime: dict[str, Any] = {}
    if _has_module("linkage.review_selectors"):
        from linkage import review_selectors

        decided = getattr(review_selectors, "decided_pairs", None)
        if decided:
            runtime["decided"] = list(decided())
    if _has_module("ranking.services"):
        from ranking.services import current_model

        model = current_model()
        runtime["pmt_model_row"] = model
        runtime["pmt_model"] = {"name": model.name, "version": model.version,
                                **model.coefficients}
    return runtime


def run_pipeline(snapshot=None, *, synth_dir: Path | None = None, parameters: dict | None = None,
                 steps: Mapping[str, Step] | None = None, only: Iterable[str] = (),
                 resume=None, actor=None, progress: bool = False,
                 on_step_change: Callable[[Any, StepRecord], None] | None = None):
    """Run (or, with `resume=<PipelineRun>`, resume) the pipeline and record it.

    Without a snapshot, one is taken from the database (or from `synth_dir`) as the run's
    first step. `steps` replaces the batch steps (tests); the write-back step always
    follows them. Returns the PipelineRun (state done or failed); a failed step's error is
    raised after it is recorded. `on_step_change(run, step)` hears of every step's start and
    end (the job page follows the run through it)."""
    from django.utils import timezone

    from .models import PipelineRun, PipelineStep

    if resume is not None:
        run = resume
        snapshot = run.snapshot
        if "civil_source" not in run.parameters:  # e.g. an extract imported since it failed
            _add_parameters(run, default_parameters())
    else:
        taken = None
        if snapshot is None:
            started = time.perf_counter()
            with PeakMemory() as peak:
                snapshot = (snapshots.snapshot_from_synth(synth_dir) if synth_dir
                            else snapshots.take_snapshot(progress=progress))
            taken = (round(time.perf_counter() - started, 3), peak.mb)
        params = parameters or {}
        if "civil_source" not in params:
            params = default_parameters(synth_dir) | params
        name = new_run_name()
        run = PipelineRun.objects.create(
            name=name, snapshot=snapshot, snapshot_checksum=snapshot.checksum,
            parameters=params, started_at=timezone.now(),
            started_by=actor if getattr(actor, "is_authenticated", False) else None)
    table = dict(steps if steps is not None else BATCH_STEPS)
    table["write_back"] = write_back(run)
    run_dir = runs_root() / run.name
    if resume is None:
        start(run_dir, snapshots.snapshot_dir(snapshot), table, run.parameters, run.name)
        names = (["snapshot"] if taken else []) + list(table)
        PipelineStep.objects.bulk_create(
            [PipelineStep(run=run, position=i, name=n) for i, n in enumerate(names)])
        if taken:
            PipelineStep.objects.filter(run=run, name="snapshot").update(
                state="done", seconds=taken[0], peak_memory_mb=taken[1],
                counts=snapshot.manifest["rows"], finished_at=timezone.now(),
                output_dir=str(snapshots.snapshot_dir(snapshot)))

    def on_step(step: StepRecord) -> None:
        PipelineStep.objects.filter(run=run, name=step.name).update(
            state=step.state, seconds=step.seconds, peak_memory_mb=step.peak_memory_mb,
            counts=step.counts, metrics=step.metrics, output_dir=step.output_dir,
            error=step.error, started_at=_parse(step.started_at),
            finished_at=_parse(step.finished_at))
        if on_step_change is not None:
            on_step_change(run, step)

    run.state, run.finished_at = PipelineRun.State.RUNNING, None
    run.save(update_fields=["state", "finished_at"])
    try:
        record = execute(run_dir, snapshots.snapshot_dir(snapshot), table, only=only,
                         runtime=_runtime(), progress=progress, on_step=on_step)
    except BaseException as e:
        run.state, run.finished_at = PipelineRun.State.FAILED, timezone.now()
        run.save(update_fields=["state", "finished_at"])
        if isinstance(e, Exception):
            raise StepFailed(run, e) from e
        raise
    skipped = [s.name for s in record.steps.values() if s.state == "skipped"]
    run.steps.filter(name__in=skipped).update(state="skipped")
    run.state = PipelineRun.State.DONE
    run.finished_at = timezone.now()
    run.save(update_fields=["state", "finished_at"])
    return run


def _add_parameters(run, extra: dict) -> None:
    """Parameters found when a run is resumed join those it recorded (never replace them)."""
    if not extra:
        return
    run.parameters = extra | run.parameters
    run.save(update_fields=["parameters"])
    run_dir = runs_root() / run.name
    record = RunRecord.load(run_dir)
    record.parameters = extra | record.parameters
    record.save(run_dir)


def _parse(value: str | None):
    return datetime.fromisoformat(value) if value else None
