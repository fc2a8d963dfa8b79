# ruff: noqa: S608 -- SQL in the fake steps names only paths made by the test.
import json

import pyarrow.parquet as pq
import pytest

from linkage import pipeline, snapshots
from linkage.models import PipelineRun
from synth.generate import generate


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "cibinong"
    generate("32.01.01", 40, 3, path)
    return path


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


def count_members(ctx):
    ctx.con.execute(f"COPY (SELECT province, count(*) AS n FROM members GROUP BY ALL) "
                    f"TO '{ctx.out_dir / 'counts.parquet'}' (FORMAT parquet)")
    return {"members": ctx.con.execute("SELECT count(*) FROM members").fetchone()[0],
            "metrics": {"provinces": 1}}


def sum_counts(ctx):
    total = pq.read_table(ctx.output_of("count") / "counts.parquet")["n"].to_pylist()
    return {"total": sum(total)}


class Flaky:
    """A step that fails until it is fixed; counts its calls."""

    def __init__(self):
        self.calls, self.broken = 0, True

    def __call__(self, ctx):
        self.calls += 1
        if self.broken:
            raise RuntimeError("disk full")
        return {"ok": 1}


@pytest.mark.django_db
def test_run_records_snapshot_parameters_counts_timings_and_outputs(synth_dir, var_dir):
    run = pipeline.run_pipeline(synth_dir=synth_dir, parameters={"civil_source": "x.parquet"},
                                steps={"count": count_members, "sum": sum_counts})
    run.refresh_from_db()
    assert run.state == PipelineRun.State.DONE
    assert run.snapshot.source == "synth"
    assert run.snapshot_checksum == run.snapshot.checksum
    assert run.parameters["civil_source"] == "x.parquet"
    steps = {s.name: s for s in run.steps.all()}
    assert list(steps) == ["snapshot", "count", "sum", "write_back"]
    members = pq.ParquetFile(synth_dir / "members.parquet").metadata.num_rows
    assert steps["count"].counts == {"members": members}
    assert steps["count"].metrics == {"provinces": 1}
    assert steps["sum"].counts == {"total": members}
    for step in steps.values():
        assert step.state == "done"
        assert step.seconds is not None and step.peak_memory_mb > 0
    assert steps["count"].output_dir == str(var_dir / "runs" / run.name / "count")
    recorded = json.loads((var_dir / "runs" / run.name / "run.json").read_text())
    assert recorded["snapshot"]["checksum"] == run.snapshot.checksum
    assert recorded["steps"]["sum"]["counts"] == {"total": members}


@pytest.mark.django_db
def test_failed_step_is_recorded_and_resume_reruns_only_what_is_not_done(synth_dir, var_dir):
    flaky, counted = Flaky(), []
    steps = {"count": lambda ctx: counted.append(1) or count_members(ctx), "flaky": flaky,
             "sum": sum_counts}
    with pytest.raises(pipeline.StepFailed, match="disk full") as failure:
        pipeline.run_pipeline(synth_dir=synth_dir, steps=steps)
    run = failure.value.run
    run.refresh_from_db()
    states = dict(run.steps.values_list("name", "state"))
    assert run.state == PipelineRun.State.FAILED
    assert states == {"snapshot": "done", "count": "done", "flaky": "failed", "sum": "pending",
                      "write_back": "pending"}
    assert "disk full" in run.steps.get(name="flaky").error
    flaky.broken = False
    pipeline.run_pipeline(resume=run, steps=steps)
    run.refresh_from_db()
    assert run.state == PipelineRun.State.DONE
    assert len(counted) == 1 and flaky.calls == 2
    assert set(run.steps.values_list("state", flat=True)) == {"done"}


@pytest.mark.django_db
def test_only_the_chosen_steps_run_and_the_rest_can_follow(synth_dir, var_dir):
    snap = snapshots.snapshot_from_synth(synth_dir)
    steps = {"count": count_members, "sum": sum_counts}
    run = pipeline.run_pipeline(snap, steps=steps, only=["count"])
    assert dict(run.steps.values_list("name", "state")) == {
        "count": "done", "sum": "skipped", "write_back": "skipped"}
    pipeline.run_pipeline(resume=run, steps=steps)
    assert set(run.steps.values_list("state", flat=True)) == {"done"}


@pytest.mark.django_db
def test_a_changed_snapshot_is_refused(synth_dir, var_dir):
    snap = snapshots.snapshot_from_synth(synth_dir)
    victim = next((var_dir / "snapshots" / snap.name / "households").rglob("*.parquet"))
    victim.chmod(0o644)
    victim.write_bytes(victim.read_bytes()[:-10] + b"0" * 10)
    with pytest.raises(snapshots.SnapshotError, match="changed file households"):
        pipeline.run_pipeline(snap, steps={"count": count_members})
    assert not PipelineRun.objects.filter(state="done").exists()


def test_the_engine_runs_without_the_database(synth_dir, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    manifest = snapshots.export_synth(synth_dir, tmp_path / "snapshots", "s1")
    run_dir = tmp_path / "runs" / "r1"
    steps = {"count": count_members, "sum": sum_counts}
    pipeline.start(run_dir, tmp_path / "snapshots" / "s1", steps, {"seed": 1})
    record = pipeline.execute(run_dir, tmp_path / "snapshots" / "s1", steps)
    assert record.state == "done"
    assert record.snapshot["checksum"] == manifest["checksum"]
    assert record.steps["sum"].counts == {"total": manifest["rows"]["members"]}
    again = pipeline.execute(run_dir, tmp_path / "snapshots" / "s1",
                             {"count": count_members, "sum": Flaky()})
    assert again.steps["sum"].state == "done"  # done steps are not run again


@pytest.fixture(scope="module")
def larger_synth_dir(tmp_path_factory):
    """Enough people for the dedup model to train (a few hundred duplicate-free pairs)."""
    path = tmp_path_factory.mktemp("synth") / "cibinong-800"
    generate("32.01.01", 800, 5, path)
    return path


@pytest.mark.django_db
def test_the_real_steps_run_over_a_loaded_registry_and_write_back(larger_synth_dir, var_dir):
    synth_dir = larger_synth_dir
    from civil.models import MemberMatch
    from civil.services import import_extract
    from linkage.models import CleansingProposal
    from synth.load import load_registry

    load_registry(synth_dir)
    import_extract(synth_dir / "dukcapil.parquet")  # the run takes the latest extract
    run = pipeline.run_pipeline()
    steps = {s.name: s for s in run.steps.all()}
    assert list(steps) == ["snapshot", *pipeline.BATCH_STEPS, "write_back"]
    assert {s.state for s in steps.values()} == {"done"}
    assert steps["dedup"].counts["comparisons"]
    written = steps["write_back"].counts
    assert written["cleansing"] == CleansingProposal.objects.filter(run=run).count() > 0
    assert written["matching"]["members"] == MemberMatch.objects.count() > 0
    assert written["ranking"] > 0


@pytest.mark.django_db
def test_pipeline_command_runs_chosen_steps_on_a_snapshot_and_reports(synth_dir, var_dir,
                                                                      capsys):
    from django.core.management import CommandError, call_command

    snap = snapshots.snapshot_from_synth(synth_dir, name="harian")
    call_command("pipeline", "run", "--snapshot", "harian", "--steps", "cleansing",
                 "--civil-source", str(synth_dir / "dukcapil.parquet"), "--no-progress")
    out = capsys.readouterr().out
    run = PipelineRun.objects.get()
    assert f"run {run.name} on snapshot {snap.name}: done" in out
    assert dict(run.steps.values_list("name", "state"))["cleansing"] == "done"
    assert run.steps.get(name="matching").state == "skipped"
    with pytest.raises(CommandError, match="unknown steps: ranks"):
        call_command("pipeline", "run", "--steps", "ranks")
    with pytest.raises(CommandError, match="no run nope"):
        call_command("pipeline", "run", "--resume", "nope")


@pytest.mark.django_db
def test_pipeline_command_prints_the_derived_bands_and_records_the_targets(larger_synth_dir,
                                                                           var_dir, capsys):
    """Issue 19 item 4: the dedup bands are derived from the model for the targets given
    (recorded with the run), and the command prints where each band starts with its expected
    precision and recall; fixed thresholds and targets together are refused."""
    from django.core.management import CommandError, call_command
    from django.utils import translation

    snapshots.snapshot_from_synth(larger_synth_dir, name="bands")
    with translation.override("id"):
        call_command("pipeline", "run", "--snapshot", "bands", "--steps", "dedup",
                     "--civil-source", str(larger_synth_dir / "dukcapil.parquet"),
                     "--match-precision", "0.995", "--no-progress")
    out = capsys.readouterr().out
    run = PipelineRun.objects.get()
    assert run.parameters["match_precision"] == 0.995
    bands = run.steps.get(name="dedup").metrics["bands"]
    assert bands["targets"] == {"match_precision": 0.995, "review_recall": 0.999}
    assert bands["match"]["expected_precision"] >= 0.995
    assert "Rentang: Diturunkan dari model" in out and "0,9950" in out
    for label in ("Cocok dari bobot", "Perlu ditinjau", "Tidak cocok", "perkiraan presisi"):
        assert label in out, out
    with translation.override("en"), pytest.raises(CommandError,
                                                   match="--thresholds fixes the bands"):
        call_command("pipeline", "run", "--snapshot", "bands", "--thresholds", "0.5,0.99",
                     "--review-recall", "0.99")
    with translation.override("id"), pytest.raises(CommandError, match="bagian di atas 0"):
        call_command("pipeline", "run", "--snapshot", "bands", "--review-recall", "1.5")
