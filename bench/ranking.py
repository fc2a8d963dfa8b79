"""Welfare ranking at scale: scoring time for a registry of 1 million people, and fit time.

Reproduce (from the repository root):

    .venv/bin/python bench/ranking.py        # 1,000,000 people; a 200,000-household survey
    .venv/bin/python bench/ranking.py --people 200000 --survey 50000

Scoring: a synthetic national population is generated, and a fifth of the non-head members
are left out so households hold about 3.2 members (the 2.5-3.5 of a registry after cleansing);
`score_households` then runs over the Parquet files with the shipped model. Baseline, timed in
the same process over the same files: one DuckDB pass that joins households to their member
counts and writes it to Parquet. Fit: `kesos pmt survey` data of --survey households, fitted
national-only and with regional variants.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesos.settings")

import django  # noqa: E402

django.setup()

import duckdb  # noqa: E402

from base.sql import literal  # noqa: E402
from ranking.fit import fit_model  # noqa: E402
from ranking.scoring import score_households  # noqa: E402
from ranking.services import shipped_model  # noqa: E402
from ranking.survey import generate_survey, read_survey  # noqa: E402
from synth.generate import generate  # noqa: E402
from synth.people import REFERENCE_DATE  # noqa: E402

AS_OF = REFERENCE_DATE.astype(date)
MEMBERS_PER_HOUSEHOLD = 3.22  # after leaving out a fifth of the non-head members


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def registry_files(people: int, work: Path) -> tuple[Path, int, int]:
    """Households, members (about 3.2 per household) and consumption truth as Parquet."""
    synth = work / "synth"
    generate("", round(people / MEMBERS_PER_HOUSEHOLD), 1, synth, registry_share=1.0)
    con = duckdb.connect()
    files = work / "registry"
    files.mkdir()
    con.execute(f"COPY (SELECT * FROM read_parquet({literal(f'{synth}/members.parquet')}) "  # noqa: S608
                "WHERE relation_to_household_head = 1 OR member_id % 5 <> 0) "
                f"TO {literal(f'{files}/members.parquet')} (FORMAT parquet)")
    for name in ("households", "consumption_truth"):
        (files / f"{name}.parquet").symlink_to(synth / f"{name}.parquet")
    n_people, n_households = con.execute(
        f"SELECT COUNT(*), COUNT(DISTINCT household_id) FROM "  # noqa: S608
        f"read_parquet({literal(f'{files}/members.parquet')})").fetchone()
    return files, n_people, n_households


def views(files: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name in ("households", "members"):
        source = literal(f"{files}/{name}.parquet")
        con.execute(f"CREATE VIEW {name} AS SELECT *, 'active' AS status, "  # noqa: S608
                    f"'' AS inactive_reason FROM read_parquet({source})")
    con.execute("CREATE VIEW consumption_truth AS SELECT * FROM "  # noqa: S608
                f"read_parquet({literal(f'{files}/consumption_truth.parquet')})")
    return con


def baseline_seconds(con: duckdb.DuckDBPyConnection, out: Path) -> float:
    started = time.perf_counter()
    con.execute(f"""COPY (SELECT h.household_id, h.floor_area_m2, c.n FROM households h
        JOIN (SELECT household_id, COUNT(*) AS n FROM members GROUP BY household_id) c
        ON c.household_id = h.household_id) TO {literal(out)} (FORMAT parquet)""")  # noqa: S608
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--survey", type=int, default=200_000, help="survey households")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kesos-bench-ranking-") as tmp:
        work = Path(tmp)
        files, people, households = registry_files(args.people, work)
        con = views(files)
        base = baseline_seconds(con, work / "baseline.parquet")
        started = time.perf_counter()
        result = score_households(con, work / "scores", shipped_model(), as_of=AS_OF)
        seconds = time.perf_counter() - started
        m = result["metrics"]
        print(f"scoring: {people:,} people in {households:,} households "
              f"({people / households:.2f} per household) in {seconds:.1f} s "
              f"({people / seconds:,.0f} people/s); baseline (join + count + write) "
              f"{base:.2f} s, ratio {seconds / base:.1f}")
        print(f"  against the truth at the 40% cut-off: inclusion error "
              f"{m['inclusion_error']:.3f}, exclusion error {m['exclusion_error']:.3f}, "
              f"Spearman {m['spearman']:.3f}")

        survey = work / "survey.parquet"
        started = time.perf_counter()
        generate_survey(survey, args.survey, 2024)
        made = time.perf_counter() - started
        frame = read_survey(survey)
        for variants in (False, True):
            started = time.perf_counter()
            model = fit_model(frame, "bench", region_variants=variants)
            t = model["metrics"]["test_metrics"]
            print(f"fit ({'with regional variants' if variants else 'national'}): "
                  f"{len(frame):,} survey households in {time.perf_counter() - started:.1f} s "
                  f"({model['metrics']['variants']} variant(s); held-out R² {t['r2']:.3f}, "
                  f"inclusion/exclusion error {t['inclusion_error']:.3f}, "
                  f"Spearman {t['spearman']:.3f}); survey built in {made:.1f} s")
    print(f"peak memory {peak_memory_mb():,.0f} MB")


if __name__ == "__main__":
    main()
