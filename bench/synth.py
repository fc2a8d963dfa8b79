"""Benchmark of the synthetic population generator (and, with --load, of the bulk load).

Reproduce (from the repository root):

    python bench/synth.py                          # 1,000,000 people, national
    python bench/synth.py --people 200000 --scope 34
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesos_synthbench \\
        python bench/synth.py --load              # the database migrated, regions loaded

Prints people generated per minute, the peak memory of the process after generating, a
baseline (writing the same number of rows of random integers to Parquet, as many columns as
the civil-registry file) with the ratio generation/baseline, and with --load the rows per
second inserted into the configured database (DATABASE_URL, default the SQLite file under var/).
"""

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEAN_HOUSEHOLD_SIZE = 3.78  # what the generator's size distribution gives


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def baseline_seconds(rows: int, columns: int, out: Path) -> float:
    """Write `rows` x `columns` random int64 to Parquet, in the generator's row-group size."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    schema = pa.schema([(f"c{i}", pa.int64()) for i in range(columns)])
    started = time.perf_counter()
    with pq.ParquetWriter(out, schema) as writer:
        for start in range(0, rows, 190_000):
            n = min(190_000, rows - start)
            writer.write_table(pa.table(
                {f"c{i}": rng.integers(0, 10**9, n) for i in range(columns)}, schema=schema))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--scope", default="")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None, help="keep the files here")
    parser.add_argument("--load", action="store_true", help="also bulk-load into DATABASE_URL")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesos.settings")
    import django

    django.setup()
    from django.db import connection

    from synth.generate import SCHEMAS, generate
    from synth.load import load_registry

    out = args.out or Path(tempfile.mkdtemp(prefix="synth-bench-"))
    households = max(1, round(args.people / MEAN_HOUSEHOLD_SIZE))
    try:
        result = generate(args.scope, households, args.seed, out)
        rss = peak_memory_mb()
        rate = result.people / result.seconds * 60
        print(f"scope {args.scope or 'national'!r}: {result.people:,} people in "
              f"{result.households:,} households, registry {result.registry_members:,} members")
        print(f"generate: {result.seconds:.2f} s, {rate:,.0f} people/min, "
              f"peak memory {rss:,.0f} MB")
        base = baseline_seconds(result.people, len(SCHEMAS["dukcapil"]), out / "baseline.parquet")
        print(f"baseline (random int64 to Parquet, {result.people:,} rows x "
              f"{len(SCHEMAS['dukcapil'])} columns): {base:.2f} s; "
              f"ratio generate/baseline {result.seconds / base:.1f}")
        if args.load:
            loaded = load_registry(out)
            print(f"load into {connection.vendor}: {loaded.rows:,} rows ({loaded.households:,} "
                  f"households, {loaded.families:,} families, {loaded.members:,} members) in "
                  f"{loaded.seconds:.1f} s, {loaded.rows_per_second:,.0f} rows/s")
    finally:
        if args.out is None:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
