"""Benchmark of the data-quality pipeline at national scale, without the database.

Reproduce (from the repository root):

    python bench/pipeline.py --people 1000000     # target: <= 2 min, <= 16 GiB
    python bench/pipeline.py --people 10000000    # target: <= 20 min, <= 16 GiB
    python bench/pipeline.py --people 200000 --synth /tmp/synth-200k   # reuse a synth run

`--people` counts the people in the registry (the pipeline's input); the synthetic population
around them (the civil registry) is 1/registry-share times larger. Steps: synth (not timed as
pipeline) -> civil extract written as civil's import writes it (not timed as pipeline) ->
snapshot_from_synth -> matching -> dedup -> cleansing proposals -> ranking. Prints per step
the wall time and peak resident memory (VmHWM, which includes DuckDB's native memory), the
comparisons the dedup blocking made, precision/recall of the duplicates against the synth
truth, cleansing against the injected errors, and a baseline measured in the same process:
a bare DuckDB scan of the members table, with the ratio pipeline/baseline. DuckDB's memory
limit is KESOS_DUCKDB_MEMORY (default: half the machine's memory, at most 12 GiB).
"""
# ruff: noqa: S608 - SQL text names files this script writes; no outside input reaches it.

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from base.sql import literal

ROOT = Path(__file__).resolve().parent.parent
MEAN_HOUSEHOLD_SIZE = 3.78  # what the generator's size distribution gives
TARGETS = {1_000_000: 120, 10_000_000: 1200}  # seconds, from issue 4
GIB = 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000,
                        help="people in the registry (default 1,000,000)")
    parser.add_argument("--registry-share", type=float, default=0.4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--synth", type=Path, default=None,
                        help="use (or write, if missing) the synth run in this directory")
    parser.add_argument("--work", type=Path, default=None,
                        help="keep snapshot and run outputs here (default: a temp dir)")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    work = args.work or Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("KESOS_VAR_DIR", str(work / "var"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesos.settings")
    import django

    django.setup()
    try:
        run_bench(args, work)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


def run_bench(args, work: Path) -> None:
    from linkage import pipeline, snapshots

    synth_dir = args.synth or work / "synth"
    prepare_synth(synth_dir, args.people, args.registry_share, args.seed)
    civil_source = prepare_civil_extract(synth_dir, work / "civil")

    timed: list[tuple[str, float, float, dict]] = []
    shutil.rmtree(work / "snapshots" / "bench", ignore_errors=True)  # from an earlier bench
    started = time.perf_counter()
    with pipeline.PeakMemory() as peak:
        manifest = snapshots.export_synth(synth_dir, work / "snapshots", "bench")
    timed.append(("snapshot", time.perf_counter() - started, peak.mb, manifest["rows"]))
    snapshot_dir = work / "snapshots" / "bench"

    run_dir = work / "runs" / "bench"
    shutil.rmtree(run_dir, ignore_errors=True)
    pipeline.start(run_dir, snapshot_dir, pipeline.BATCH_STEPS,
                   {"civil_source": str(civil_source)})
    con = snapshots.connect(snapshot_dir, snapshots.duckdb_connection(work / "duckdb-tmp"))
    con.execute(f"CREATE VIEW consumption_truth AS SELECT * FROM "
                f"read_parquet({literal(synth_dir / 'consumption_truth.parquet')})")
    started = time.perf_counter()
    record = pipeline.execute(run_dir, snapshot_dir, pipeline.BATCH_STEPS, con=con,
                              progress=True)
    wall = time.perf_counter() - started
    for step in record.steps.values():
        timed.append((step.name, step.seconds or 0.0, step.peak_memory_mb or 0.0, step.counts))
    # verifying the snapshot's checksums and keeping the run record, outside the steps
    timed.append(("overhead", wall - sum(s.seconds or 0.0 for s in record.steps.values()),
                  0.0, {}))

    members = manifest["rows"]["members"]
    total = sum(t[1] for t in timed)
    print(f"\nregistry: {members:,} members, {manifest['rows']['households']:,} households "
          f"(population {population(synth_dir):,}); DuckDB memory_limit "
          f"{snapshots.memory_limit()}, {os.cpu_count()} CPUs")
    print(f"{'step':<10} {'seconds':>9} {'peak MiB':>9}")
    for name, seconds, mb, _ in timed:
        print(f"{name:<10} {seconds:9.1f} {mb:9.0f}")
    peak_all = max(t[2] for t in timed)
    print(f"{'total':<10} {total:9.1f} {peak_all:9.0f}")

    dedup = record.steps["dedup"].counts
    comparisons = dedup.get("comparisons", {})
    print(f"\ncomparisons made: {comparisons.get('total', 0):,} of "
          f"{comparisons.get('possible', 0):,} possible"
          f"{' (estimated from a 10% sample)' if comparisons.get('estimated') else ''}")
    quality(con, synth_dir, run_dir)
    ranking = record.steps["ranking"].metrics
    if ranking:
        print("ranking vs true consumption: " + ", ".join(
            f"{k} {v:.3f}" for k, v in ranking.items() if isinstance(v, float)))

    base = baseline_seconds(con)
    print(f"\nbaseline (bare DuckDB scan of members: count, distinct NIK, max name_key): "
          f"{base:.2f} s; ratio pipeline/baseline {total / base:.0f}")
    target = TARGETS.get(args.people)
    if target:
        verdict = "met" if total <= target and peak_all <= 16 * GIB else "MISSED"
        print(f"target {target // 60} min within 16 GiB: {verdict} "
              f"({total:.0f} s, peak {peak_all / GIB:.1f} GiB)")


def prepare_synth(synth_dir: Path, people: int, share: float, seed: int) -> None:
    from synth.generate import generate

    if (synth_dir / "run.json").exists():
        print(f"synth: reusing {synth_dir}")
        return
    households = max(1, round(people / share / MEAN_HOUSEHOLD_SIZE))
    started = time.perf_counter()
    result = generate("", households, seed, synth_dir, share)
    print(f"synth: {result.people:,} people, registry {result.registry_members:,} members in "
          f"{time.perf_counter() - started:.0f} s (not part of the pipeline)")


def prepare_civil_extract(synth_dir: Path, target: Path) -> Path:
    """The civil registry as civil's import writes it (checked, with name keys)."""
    import duckdb

    from civil import extracts

    path = target / extracts.FILE_NAME
    if path.exists():
        return path
    started = time.perf_counter()
    con = duckdb.connect()
    table = extracts.read_file(synth_dir / "dukcapil.parquet")
    extracts.validate(con, table)
    extracts.write_dataset(con, table, target)
    print(f"civil extract: {table.num_rows:,} people in {time.perf_counter() - started:.0f} s "
          "(an import, not part of the pipeline)")
    return path


def population(synth_dir: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(synth_dir / "dukcapil.parquet").metadata.num_rows


def quality(con, synth_dir: Path, run_dir: Path) -> None:
    """Duplicates: member pairs in one cluster vs pairs with the same true person. Cleansing:
    proposals vs injected errors (deceased, moved, duplicate records beyond the first)."""
    truth = f"read_parquet({literal(synth_dir / 'member_truth.parquet')})"
    clusters = f"read_parquet({literal(run_dir / 'dedup' / 'clusters.parquet')})"
    tp, predicted, actual = con.execute(f"""
        WITH p AS (SELECT a.member_id l, b.member_id r FROM {clusters} a JOIN {clusters} b
                   ON a.cluster_id = b.cluster_id AND a.member_id < b.member_id),
             t AS (SELECT a.member_id l, b.member_id r FROM {truth} a JOIN {truth} b
                   ON a.person_id = b.person_id AND a.member_id < b.member_id)
        SELECT (SELECT count(*) FROM p JOIN t USING (l, r)), (SELECT count(*) FROM p),
               (SELECT count(*) FROM t)""").fetchone()
    precision = tp / predicted if predicted else float("nan")
    recall = tp / actual if actual else float("nan")
    print(f"duplicates: {actual:,} true pairs, {predicted:,} predicted; precision "
          f"{precision:.4f}, recall {recall:.4f}")
    proposals = f"read_parquet({literal(run_dir / 'cleansing' / 'proposals.parquet')})"
    errors = f"read_parquet({literal(synth_dir / 'errors_truth.parquet')})"
    for reason, error in (("deceased", "deceased"), ("moved", "moved")):
        hit, proposed, injected = con.execute(f"""
            WITH p AS (SELECT record_id FROM {proposals} WHERE kind = 'member'
                       AND reason = '{reason}'),
                 e AS (SELECT DISTINCT member_id FROM {errors} WHERE error_type = '{error}')
            SELECT (SELECT count(*) FROM p JOIN e ON p.record_id = e.member_id),
                   (SELECT count(*) FROM p), (SELECT count(*) FROM e)""").fetchone()
        print(f"cleansing {reason}: {proposed:,} proposed, {injected:,} injected, "
              f"{hit:,} correct")
    counts = con.execute(f"SELECT kind, reason, count(*) FROM {proposals} GROUP BY ALL "
                         "ORDER BY ALL").fetchall()
    print("proposals: " + ", ".join(f"{k} {r} {n:,}" for k, r, n in counts))


def baseline_seconds(con) -> float:
    started = time.perf_counter()
    con.execute("SELECT count(*), count(DISTINCT nik), max(name_key) FROM members").fetchall()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
