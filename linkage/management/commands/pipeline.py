from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from linkage.bands import Targets
from linkage.pipeline import BATCH_STEPS, PipelineError, run_pipeline
from linkage.run_display import band_lines
from linkage.snapshots import SnapshotError

STEP_NAMES = [*BATCH_STEPS, "write_back"]


class Command(BaseCommand):
    help = (
        "Run the data-quality pipeline over a registry snapshot: civil-registry matching, "
        "deduplication, cleansing proposals, welfare ranking, write-back. Without --snapshot a "
        "snapshot is taken first. Outputs go to VAR_DIR/runs/<run>/<step>/."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["run"])
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--snapshot", metavar="NAME", help="an existing snapshot")
        source.add_argument("--from-synth", type=Path, metavar="DIR",
                            help="snapshot a `kesos synth` output directory first")
        source.add_argument("--resume", metavar="RUN",
                            help="resume RUN: steps done are skipped, failed ones re-run")
        parser.add_argument("--steps", default="",
                            help=f"comma-separated steps to run ({', '.join(STEP_NAMES)})")
        parser.add_argument("--civil-source", type=Path, default=None,
                            help="civil-registry extract (Parquet); default: the latest import")
        parser.add_argument("--dedup-model", type=Path, default=None,
                            help="a trained Splink model (e.g. an earlier run's dedup_model.json)")
        parser.add_argument("--thresholds", default=None, metavar="LO,HI",
                            help="fixed bands on match probability: review from LO, match "
                                 "from HI (default: derived from the model for the targets)")
        parser.add_argument("--match-precision", type=float, default=None, metavar="P",
                            help="expected precision the match band must keep (default "
                                 f"{Targets().match_precision})")
        parser.add_argument("--review-recall", type=float, default=None, metavar="R",
                            help="expected recall the match and review bands together must "
                                 f"keep (default {Targets().review_recall})")
        parser.add_argument("--engine", choices=["duckdb", "spark"], default=None,
                            help="engine of the matching and dedup steps (default duckdb)")
        parser.add_argument("--spark-master", default=None, metavar="URL",
                            help="Spark master for --engine spark: local[N] (default "
                                 "local[2]), spark://host:7077, yarn, k8s://...")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, snapshot, from_synth, resume, steps, civil_source, dedup_model,
               thresholds, engine, spark_master, no_progress, match_precision, review_recall,
               **options):
        from linkage.models import PipelineRun, Snapshot

        only = [s for s in steps.split(",") if s]
        unknown = set(only) - set(STEP_NAMES)
        if unknown:
            raise CommandError(f"unknown steps: {', '.join(sorted(unknown))}; "
                               f"choose from {', '.join(STEP_NAMES)}")
        params = {}
        if civil_source:
            params["civil_source"] = str(civil_source)
        if dedup_model:
            params["dedup_model"] = str(dedup_model)
        if engine:
            params["engine"] = engine
        if spark_master:
            params["spark_master"] = spark_master
        if thresholds:
            try:
                params["thresholds"] = [float(x) for x in thresholds.split(",")]
            except ValueError:
                raise CommandError("--thresholds takes two numbers, e.g. 0.5,0.99") from None
        params |= _targets(match_precision, review_recall, bool(thresholds))
        kwargs = {"only": only, "progress": not no_progress}
        try:
            if resume:
                run = PipelineRun.objects.filter(name=resume).first()
                if run is None:
                    raise CommandError(f"no run {resume}")
                run = run_pipeline(resume=run, **kwargs)
            else:
                snap = None
                if snapshot:
                    snap = Snapshot.objects.filter(name=snapshot).first()
                    if snap is None:
                        raise CommandError(f"no snapshot {snapshot}")
                run = run_pipeline(snap, synth_dir=from_synth, parameters=params, **kwargs)
        except (PipelineError, SnapshotError) as e:
            raise CommandError(str(e)) from None
        self._report(run)

    def _report(self, run) -> None:
        self.stdout.write(f"run {run.name} on snapshot {run.snapshot.name}: {run.state}")
        for step in run.steps.all():
            seconds = f"{step.seconds:8.1f} s" if step.seconds is not None else " " * 10
            memory = f"{step.peak_memory_mb:8.0f} MiB" if step.peak_memory_mb else ""
            self.stdout.write(f"  {step.name:<11} {step.state:<8} {seconds} {memory} "
                              f"{_short(step.counts)}")
            if (step.metrics or {}).get("bands"):
                for line in band_lines(step.metrics["bands"]):
                    self.stdout.write(f"    {line}")


def _targets(match_precision: float | None, review_recall: float | None, fixed: bool) -> dict:
    given = {k: v for k, v in (("match_precision", match_precision),
                               ("review_recall", review_recall)) if v is not None}
    if given and fixed:
        raise CommandError(_("--thresholds fixes the bands; leave out --match-precision and "
                             "--review-recall, or --thresholds."))
    try:
        Targets(**given)
    except ValueError:
        raise CommandError(_("--match-precision and --review-recall take a share above 0 and "
                             "at most 1, e.g. 0.999.")) from None
    return given


def _short(counts: dict) -> str:
    flat = [f"{k}={v}" for k, v in counts.items() if isinstance(v, int | float)]
    return ", ".join(flat[:6])
