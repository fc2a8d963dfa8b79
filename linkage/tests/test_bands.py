# ruff: noqa: S608 -- SQL names only tables made by the test.
"""Bands from the model, not fixed numbers (issue 19 item 4): the match band starts at the
lowest match weight where its expected precision still meets the target (never below
probability 0.9), the review band where the match and review bands together still hold the
recall target (never below even odds); two different valid NIKs are never merged by the model
alone."""

import duckdb
import pytest

from linkage import bands
from linkage.bands import Targets


def _scored(groups: list[tuple[float, int, bool]]) -> duckdb.DuckDBPyConnection:
    """A table of scored pairs: `n` pairs at each match weight, `held` (two different NIKs)
    or not; the probability is the weight's, as Splink computes it."""
    con = duckdb.connect()
    con.execute("create table scored (match_weight double, match_probability double, "
                "held boolean)")
    for weight, n, held in groups:
        con.execute("insert into scored select ?, ?, ? from range(?)",
                    [weight, bands.probability(weight), held, n])
    return con


def _choose(con, thresholds=None, targets=None) -> dict:
    return bands.choose(lambda sql: con.execute(sql).fetchall(), "scored", "held",
                        thresholds, targets)


def _band_of(con, report: dict) -> dict[float, str]:
    lo, hi = bands.weights_of(report)
    return dict(con.execute(f"select distinct match_weight, {bands.model_band_sql(lo, hi, 'held')}"
                            f" from scored where not held").fetchall())


GROUPS = [(20.0, 100, False), (8.0, 10, False), (5.0, 10, False), (1.0, 10, False),
          (-6.0, 100, False)]  # probabilities about 1, 0.996, 0.970, 0.667, 0.015


def test_match_band_reaches_down_as_far_as_the_expected_precision_allows():
    con = _scored(GROUPS)
    strict = _choose(con)
    # Down to weight 8: 109.96 expected true pairs in 110; down to 5: 119.66 in 120 (0.9972).
    assert strict["match"]["from_weight"] == 8.0
    assert strict["match"]["pairs"] == 110
    assert strict["match"]["expected_precision"] >= 0.999
    loose = _choose(con, targets=Targets(match_precision=0.99))
    assert loose["match"]["from_weight"] == 5.0
    assert loose["match"]["pairs"] == 120
    assert 0.99 <= loose["match"]["expected_precision"] < 0.999
    assert _band_of(con, loose) == {20.0: "match", 8.0: "match", 5.0: "match",
                                    1.0: "review", -6.0: "non_match"}


def test_near_certain_pairs_do_not_buy_a_match_for_pairs_below_probability_0_9():
    """1,000 near-certain pairs would keep the expected precision above 0.99 with ten pairs
    at probability 0.8 merged too; they go to review."""
    con = _scored([(20.0, 1000, False), (2.0, 10, False)])
    report = _choose(con, targets=Targets(match_precision=0.99))
    assert report["match"]["from_probability"] == pytest.approx(0.9)
    assert (report["match"]["pairs"], report["review"]["pairs"]) == (1000, 10)


def test_review_band_holds_the_recall_target_but_stops_at_even_odds():
    con = _scored(GROUPS)
    report = _choose(con)
    # Match and review down to weight 1 hold 126.3 of 127.9 expected true pairs (0.988);
    # only the pairs at -6 (1.5 expected) would reach 0.999: below even odds, left out.
    assert report["review"]["from_weight"] == 0.0
    assert report["review"]["pairs"] == 20
    assert report["non_match"]["pairs"] == 100
    recall = report["match"]["expected_recall"] + report["review"]["expected_recall"]
    assert recall == pytest.approx(1 - report["non_match"]["expected_recall"])
    assert recall < 0.999
    enough = _choose(con, targets=Targets(review_recall=0.98))
    assert enough["review"]["from_weight"] == 1.0


def test_pairs_with_two_different_niks_go_to_review_and_do_not_count_for_precision():
    """However high the model scores them, namesakes with two different valid NIKs are never
    merged by the model alone; they neither enter the match band nor dilute its precision."""
    con = _scored([(25.0, 50, True), (20.0, 1000, False), (8.0, 10, False)])
    report = _choose(con, targets=Targets(match_precision=0.99))
    assert report["match"]["pairs"] == 1010
    assert report["review"]["pairs"] == 50
    lo, hi = bands.weights_of(report)
    held = con.execute(f"select distinct {bands.model_band_sql(lo, hi, 'held')} "
                       f"from scored where held").fetchall()
    assert held == [("review",)]


def test_no_match_band_when_even_the_best_pairs_miss_the_target():
    con = _scored([(6.0, 20, False), (1.0, 5, False)])  # p 0.985 at best
    report = _choose(con)
    assert report["match"]["from_weight"] is None and report["match"]["pairs"] == 0
    assert report["review"]["pairs"] == 25


def test_fixed_thresholds_are_kept_and_reported_with_expected_figures():
    con = _scored([(20.0, 1000, False), (3.0, 10, False), (-6.0, 100, False)])
    report = _choose(con, thresholds=(0.5, 0.9999))
    assert not report["derived"] and report["targets"] is None
    assert report["match"]["from_probability"] == pytest.approx(0.9999)
    assert report["review"]["from_weight"] == pytest.approx(0.0)
    assert (report["match"]["pairs"], report["review"]["pairs"]) == (1000, 10)
    assert _choose(con, thresholds=(0.5, 1.0))["match"]["from_weight"] is None  # JSON-safe


@pytest.mark.parametrize("value", [0, 1.5, -0.1])
def test_targets_are_shares(value):
    with pytest.raises(ValueError, match="match_precision must be a share"):
        Targets(match_precision=value)
