"""Pemadanan at scale: statuses and the candidate search for ~1 million registry members of a
synthetic national population, against a plain NIK join of the same files (the least any
matching must do), with correctness against the synth truth.

Reproduce (the population takes ~3 minutes to generate and is reused afterwards):
    .venv/bin/python bench/civil_matching.py --households 580000   # files under var/bench-civil/
"""
# ruff: noqa: S608 - SQL over the benchmark's own files.

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesos.settings")

import django  # noqa: E402

django.setup()

import duckdb  # noqa: E402
from django.conf import settings  # noqa: E402

from base.sql import literal  # noqa: E402
from civil import extracts  # noqa: E402
from civil.management.commands.civil import synth_views  # noqa: E402
from civil.matching import match_members  # noqa: E402
from synth.generate import generate  # noqa: E402


def peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=580_000)
    parser.add_argument("--dir", type=Path, default=Path(settings.VAR_DIR) / "bench-civil")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    synth_dir = args.dir / "synth"
    if not (synth_dir / "run.json").exists():
        started = time.perf_counter()
        generate("", args.households, args.seed, synth_dir)
        print(f"generate: {time.perf_counter() - started:.1f} s")
    extract = args.dir / "extract"
    if not extract.exists():
        started = time.perf_counter()
        con = duckdb.connect()
        table = extracts.read_file(synth_dir / "dukcapil.parquet")
        extracts.validate(con, table)
        extracts.write_dataset(con, table, extract)
        print(f"import + checks of {table.num_rows:,} civil records: "
              f"{time.perf_counter() - started:.1f} s")
    civil = extract / extracts.FILE_NAME

    con = synth_views(synth_dir)
    started = time.perf_counter()
    baseline = con.execute(f"SELECT count(*) FROM members m JOIN read_parquet({literal(civil)}) c "
                           "ON c.nik = m.nik").fetchall()[0][0]
    baseline_s = time.perf_counter() - started

    result = match_members(con, args.dir / "out", civil)
    members = result["members"]
    print(f"members {members:,}; statuses {result['statuses']}; deceased {result['deceased']:,}"
          f"; moved {result['moved']:,}")
    print(f"statuses: {result['status_seconds']:.1f} s; candidate search for "
          f"{result['searched']:,} members: {result['seconds'] - result['status_seconds']:.1f} s;"
          f" total {result['seconds']:.1f} s = {members / result['seconds']:,.0f} members/s")
    print(f"baseline NIK join ({baseline:,} hits): {baseline_s:.2f} s; statuses / baseline = "
          f"{result['status_seconds'] / baseline_s:.1f}x; peak memory {peak_gib():.2f} GiB")
    out = args.dir / "out"
    recall = duckdb.sql(f"""
        SELECT count(*) FILTER (WHERE c.candidate_nik = d.nik), count(*)
        FROM {literal(f'{synth_dir}/errors_truth.parquet')} t
        JOIN {literal(f'{synth_dir}/member_truth.parquet')} USING (member_id)
        JOIN {literal(f'{synth_dir}/dukcapil.parquet')} d USING (person_id)
        LEFT JOIN {literal(f'{out}/civil_candidates.parquet')} c
          ON c.member_id = t.member_id AND c.rank = 1
        WHERE t.error_type = 'nik_missing'""").fetchall()[0]
    print(f"nik_missing members whose true person is candidate 1: {recall[0]:,}/{recall[1]:,}"
          f" = {recall[0] / max(recall[1], 1):.3f}")


if __name__ == "__main__":
    main()
