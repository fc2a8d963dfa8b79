"""Deduplication at scale: the Splink dedup step (train + score + bands + clusters) over the
registry members of a synthetic national population, against an exact-NIK self-join of the
same members (the least any dedup must do), with precision/recall against the synth truth.
The bands are derived from the model (issue 19 item 4): the bench prints them with their
expected precision and recall, and the match band's precision/recall/F1 (its pairs and the
clusters it makes) next to a plain Splink model's (the same scored pairs at Splink's usual
0.9 cut-off, Splink's own clustering, no NIK rule) in the same run.

Reproduce (the population is generated once under var/bench-dedup/ and reused):
    .venv/bin/python bench/dedup.py --households 600000     # ~1 million registry members
    .venv/bin/python bench/dedup.py --households 600000 --model var/bench-dedup/out/dedup_model.json
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
from django.utils import translation  # noqa: E402

from linkage.bands import MATCH_PRECISION, REVIEW_RECALL, Targets  # noqa: E402
from linkage.dedup import CLUSTERS_FILE, PAIRS_FILE, deduplicate  # noqa: E402
from linkage.run_display import band_lines  # noqa: E402
from linkage.tests.dedup_fixtures import (  # noqa: E402
    band_pairs,
    clustered_pairs,
    f1,
    plain_splink,
    precision_recall,
    same_person_pairs,
)
from synth.generate import generate  # noqa: E402


def peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=600_000)
    parser.add_argument("--dir", type=Path, default=Path(settings.VAR_DIR) / "bench-dedup")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--model", type=Path, default=None, help="reuse a trained model")
    parser.add_argument("--match-precision", type=float, default=MATCH_PRECISION)
    parser.add_argument("--review-recall", type=float, default=REVIEW_RECALL)
    args = parser.parse_args()
    synth_dir = args.dir / f"synth-{args.households}-{args.seed}"
    if not (synth_dir / "members.parquet").exists():
        started = time.perf_counter()
        generate("", args.households, args.seed, synth_dir)
        print(f"generate: {time.perf_counter() - started:.1f} s")
    con = duckdb.connect()
    con.execute(f"CREATE VIEW members AS SELECT *, 'active' AS status, '' AS inactive_reason "
                f"FROM read_parquet('{synth_dir / 'members.parquet'}')")

    started = time.perf_counter()
    baseline = con.execute("SELECT count(*) FROM members a JOIN members b ON a.nik = b.nik "
                           "AND a.member_id < b.member_id AND a.nik <> ''").fetchall()[0][0]
    baseline_s = time.perf_counter() - started

    out = args.dir / "out"
    started = time.perf_counter()
    result = deduplicate(con, out, settings=args.model,
                         targets=Targets(args.match_precision, args.review_recall))
    seconds = time.perf_counter() - started
    comparisons = result["comparisons"]
    print(f"members {result['records']:,}; comparisons {comparisons['total']:,} of "
          f"{comparisons['possible']:,} possible; by rule {comparisons['by_rule']}")
    print(f"bands: match {result['match']:,}, review {result['review']:,}, non_match "
          f"{result['non_match']:,}; clusters {result['clusters']:,}")
    print(f"dedup ({'model reused' if args.model else 'trained'}): {seconds:.1f} s = "
          f"{result['records'] / seconds:,.0f} members/s; baseline exact-NIK self-join "
          f"({baseline:,} pairs): {baseline_s:.2f} s; dedup / baseline = "
          f"{seconds / baseline_s:.0f}x; peak memory {peak_gib():.2f} GiB")
    with translation.override("en"):
        print(*band_lines(result["metrics"]["bands"]), sep="\n")
    truth = same_person_pairs(synth_dir)
    plain_pairs, plain_clusters = plain_splink(out / PAIRS_FILE)
    print(f"same-person pairs {len(truth):,}")
    for label, found in (("match band pairs", band_pairs(out / PAIRS_FILE)),
                         ("plain Splink pairs >= 0.9", plain_pairs),
                         ("match band clusters", clustered_pairs(out / CLUSTERS_FILE)),
                         ("plain Splink clusters at 0.9", plain_clusters)):
        precision, recall = precision_recall(found, truth)
        print(f"{label}: {len(found):,} pairs, precision {precision:.4f}, recall "
              f"{recall:.4f}, F1 {f1(precision, recall):.4f}")


if __name__ == "__main__":
    main()
