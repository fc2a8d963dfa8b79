"""Clerical review of possible duplicates: load a dedup run's review band into the queue (in
bulk, skipping pairs already queued or decided) and record a reviewer's decision (audited,
first decision wins, never asked again)."""

# ruff: noqa: S608 -- SQL text is built from table names and paths this code chooses and from
# column names of a mapping the operator gives; values never go into it.

from pathlib import Path

import duckdb
from django.db import transaction
from django.utils import timezone

from accounts import policy
from audit import services as audit
from base.sql import literal

from .models import ReviewPair

BATCH = 5000
LOAD_ACTION = "linkage.review.load"
DECIDE_ACTION = "linkage.review.decide"


class AlreadyDecided(Exception):
    """Another reviewer decided the pair first."""


def load_review_band(pairs_file: Path, run_ref: str, ctx: audit.Context) -> int:
    """Queue the review-band pairs of a dedup run's dedup_pairs.parquet. Pairs already in the
    queue (pending or decided) are left as they are, so a decision is never asked twice.
    Returns the number of pairs added."""
    con = duckdb.connect()
    try:
        columns = con.sql(f"select * from {literal(pairs_file)} limit 0").columns
        gammas = [c for c in columns if c.startswith("gamma_")]
        rows = con.execute(
            f"select member_id_l, member_id_r, match_probability, match_weight, region_l, "
            f"region_r{''.join(', ' + g for g in gammas)} from {literal(pairs_file)} "
            f"where band = 'review' and decision is null order by member_id_l, member_id_r"
        ).fetchall()
    finally:
        con.close()
    with transaction.atomic():
        dropped = _drop_stale(rows)
        before = ReviewPair.objects.count()
        for start in range(0, len(rows), BATCH):
            ReviewPair.objects.bulk_create(
                [_pair(row, gammas, run_ref) for row in rows[start:start + BATCH]],
                ignore_conflicts=True,
            )
        added = ReviewPair.objects.count() - before
        audit.record_bulk(ctx, LOAD_ACTION, "linkage.reviewpair",
                          [(f"run:{run_ref}", "", {"added": added, "review_band": len(rows),
                                                   "dropped_stale": dropped})])
    return added


def _drop_stale(rows: list[tuple]) -> int:
    """Remove pending pairs that the new run no longer puts in its review band (the data or
    the model changed): nobody should decide what the latest run does not ask. Decided pairs
    stay, as the record of the decision."""
    band = {(row[0], row[1]) for row in rows}
    stale = [pk for pk, left, right in ReviewPair.objects.filter(decision__isnull=True)
             .order_by().values_list("pk", "member_l_id", "member_r_id").iterator(10_000)
             if (left, right) not in band]
    for start in range(0, len(stale), BATCH):
        ReviewPair.objects.filter(pk__in=stale[start:start + BATCH]).delete()
    return len(stale)


def _pair(row: tuple, gammas: list[str], run_ref: str) -> ReviewPair:
    left, right, probability, weight, region_l, region_r, *levels = row
    return ReviewPair(
        member_l_id=left, member_r_id=right, run_ref=run_ref[:64],
        match_probability=probability, match_weight=weight,
        region_l=region_l or "", region_r=region_r or "",
        comparison={g.removeprefix("gamma_"): level for g, level in zip(gammas, levels,
                                                                           strict=True)},
    )


def decide(pair: ReviewPair, same: bool, ctx: audit.Context, note: str = "") -> ReviewPair:
    """Record the decision on `pair` for `ctx.actor`, who must be allowed to review both
    members' regions. A conditional update makes the first decision win: a second reviewer
    deciding the same pair at the same time gets AlreadyDecided."""
    for region in (pair.region_l, pair.region_r):
        policy.require(ctx.actor, policy.REVIEW_DUPLICATES, region)
    decision = ReviewPair.Decision.SAME if same else ReviewPair.Decision.DIFFERENT
    with transaction.atomic():
        won = ReviewPair.objects.filter(pk=pair.pk, decision__isnull=True).update(
            decision=decision, decided_by=ctx.actor, decided_at=timezone.now(), note=note)
        if not won:
            raise AlreadyDecided(pair.pair_key)
        pair.refresh_from_db()
        audit.record(ctx, DECIDE_ACTION, pair,
                     {"decision": [None, decision], "members": [pair.member_l_id,
                                                                pair.member_r_id]},
                     region_code=pair.region_l)
    return pair
