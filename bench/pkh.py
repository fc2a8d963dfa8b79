"""Time to verify one PKH stage for the nation in the batch engine: N families (default 10
million) with ~4 members each, their health-facility visits and school attendance rows as
synthetic Parquet, judged by pkh/batch.py (the rules of pkh/data/commitments.json) with the
families' statuses written back to Parquet; against a bare DuckDB scan of the same rows.
Target: at most 2 minutes for 10 million families. Reproduce:
    nice .venv/bin/python bench/pkh.py --families 10000000 [--threads 2] [--dir var/bench/pkh]
"""
# ruff: noqa: S608 -- the SQL names only the benchmark's own files.

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesos.settings")

import django  # noqa: E402

django.setup()

import duckdb  # noqa: E402

from pkh import batch, rules  # noqa: E402

YEAR, STAGE = 2026, 2


def generate(con, folder: Path, families: int) -> dict[str, int]:
    """Synthetic members (4 per family: head, spouse, child, other), visits in and around
    stage 2's period and school attendance, written as Parquet; row counts."""
    members = folder / "members.parquet"
    con.execute(f"""
    COPY (
      SELECT i AS member_id, i // 4 AS household_id,
        CASE i % 4
          WHEN 0 THEN DATE '1970-01-01' + CAST(hash(i) % 12000 AS INT)
          WHEN 1 THEN DATE '1980-01-01' + CAST(hash(i) % 9000 AS INT)
          WHEN 2 THEN DATE '2008-01-01' + CAST(hash(i) % 6500 AS INT)
          ELSE CASE WHEN hash(i, 1) % 10 < 3 THEN DATE '1940-01-01' + CAST(hash(i) % 7000 AS INT)
                    ELSE DATE '2015-01-01' + CAST(hash(i) % 3600 AS INT) END
        END AS birth_date,
        (i % 4 = 1 AND hash(i, 2) % 100 < 6) AS pregnant,
        CASE WHEN hash(i, 3) % 100 < 2 THEN 6 ELSE 0 END AS disability,
        CASE WHEN i % 4 IN (2, 3) THEN 1 ELSE 0 END AS school_participation,
        CAST(hash(i, 4) % 3 AS INT) AS education
      FROM range({families * 4}) t(i)
    ) TO '{members}' (FORMAT parquet)""")
    visits = folder / "visits.parquet"
    # Each member gets 0-2 visit rows of the types its age suggests, most inside the period.
    con.execute(f"""
    COPY (
      SELECT member_id,
        CASE WHEN pregnant THEN 'anc'
             WHEN birth_date > DATE '2019-06-01' THEN (CASE k WHEN 0 THEN 'imunisasi'
                                                       ELSE 'penimbangan' END)
             ELSE 'posyandu_lansia' END AS visit_type,
        DATE '2026-03-20' + CAST(hash(member_id, k) % 110 AS INT) AS visit_date,
        hash(member_id, k, 9) % 100 < 92 AS attended
      FROM read_parquet('{members}'), range(2) r(k)
      WHERE (pregnant OR birth_date > DATE '2019-06-01' OR birth_date < DATE '1966-04-01'
             OR disability > 0)
        AND hash(member_id, k, 7) % 100 < 90
    ) TO '{visits}' (FORMAT parquet)""")
    attendance = folder / "attendance.parquet"
    con.execute(f"""
    COPY (
      SELECT member_id, {YEAR} AS year, {STAGE} AS stage,
        hash(member_id, 5) % 100 < 98 AS enrolled, 60 AS school_days,
        CAST(48 + hash(member_id, 6) % 13 AS INT) AS days_present
      FROM read_parquet('{members}')
      WHERE school_participation = 1 AND birth_date BETWEEN DATE '2005-04-02'
            AND DATE '2020-04-01'
    ) TO '{attendance}' (FORMAT parquet)""")
    return {name: con.execute(f"SELECT count(*) FROM read_parquet('{folder / name}.parquet')")
            .fetchone()[0] for name in ("members", "visits", "attendance")}


def bare_scan(con, folder: Path) -> None:
    """Every row and every column the verification reads, once, with nothing computed."""
    for name, cols in (("members", "member_id, household_id, birth_date, pregnant, disability,"
                                   " school_participation, education"),
                       ("visits", "member_id, visit_type, visit_date, attended"),
                       ("attendance", "member_id, year, stage, enrolled, school_days, "
                                      "days_present")):
        # A hash of each row forces every value to be read (a count alone uses the metadata).
        con.execute(f"SELECT sum(hash({cols})) FROM read_parquet('{folder / name}.parquet')"
                    ).fetchall()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=10_000_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--dir", default="")
    args = parser.parse_args()
    folder = Path(args.dir or tempfile.mkdtemp(prefix="pkh-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(folder / "work.duckdb"))
    con.execute(f"SET threads = {args.threads}")
    con.execute(f"SET temp_directory = '{folder / 'tmp'}'")
    started = time.perf_counter()
    rows = generate(con, folder, args.families)
    generated = time.perf_counter() - started
    print(f"families {args.families:,}; rows: " + ", ".join(f"{k} {v:,}" for k, v in
                                                            rows.items())
          + f" (generated in {generated:.1f} s)")
    tables = {n: f"read_parquet('{folder / n}.parquet')"
              for n in ("members", "visits", "attendance")}
    definition = rules.shipped_definition()
    started = time.perf_counter()
    bare_scan(con, folder)
    scan = time.perf_counter() - started
    started = time.perf_counter()
    counts = batch.verify(con, definition, YEAR, STAGE, str(folder / "families.parquet"),
                          **tables)
    verify = time.perf_counter() - started
    lines = con.execute("SELECT count(*) FROM pkh_lines").fetchone()[0]
    print(f"verify stage {STAGE} of {YEAR}: {verify:.1f} s ({lines:,} commitment lines; "
          + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())) + ")")
    print(f"bare DuckDB scan of the same rows: {scan:.1f} s; ratio {verify / scan:.1f}x")
    print(f"target <= 120 s: {'met' if verify <= 120 else 'NOT met'}"
          f" (threads {args.threads}, {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
