"""Cleansing: a run's findings become proposed deactivations with a reason, which a national
officer accepts (all, by reason, or one by one) and applies in bulk, and can revert.

Reasons (registry.models.InactiveReason), one per record, strongest first:
- deceased: the civil registry records a death for the member's NIK (identity confirmed);
- duplicate: the member is in a dedup cluster and is not the record kept: padan NIK first,
  then the most complete record, then the oldest id;
- moved: the civil registry places the person (identity confirmed) in another village;
- no_valid_nik: no NIK or a NIK the civil registry does not know, and no candidate found.
A household is proposed when every active member of it is, with the reason most of them
share; applying it follows registry.services.change_status: its remaining active members go
with it (marked `with_household`), and reverting it brings back just those.

Applying and reverting change the registry with bulk UPDATEs, one StatusChange and one audit
event (source "batch", source_ref naming the run) per record, all in one transaction."""
# ruff: noqa: S608 - SQL text is built from constants and file paths this module chooses.

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import policy
from audit import services as audit
from audit.models import Source
from base.bulk import load_model
from base.sql import literal
from registry.models import Household, Member, Status, StatusChange

from .models import CleansingProposal, PipelineRun

PROPOSALS_FILE = "proposals.parquet"
PRIORITY = ("deceased", "duplicate", "moved", "no_valid_nik")  # strongest reason first
CHUNK = 5000
State = CleansingProposal.State
Kind = CleansingProposal.Kind


def batched(rows: Sequence, n: int) -> Iterator[Sequence]:
    for i in range(0, len(rows), n):
        yield rows[i:i + n]


# --- proposing (batch, DuckDB) ----------------------------------------------------------------


def _parquet_or_empty(path: Path, empty_sql: str) -> str:
    return f"read_parquet({literal(path)})" if path.exists() else f"({empty_sql})"


def propose(con: duckdb.DuckDBPyConnection, out_dir: Path, matching_dir: Path | None,
            dedup_dir: Path | None) -> dict:
    """Write `proposals.parquet` (kind, record_id, region_code, reason, evidence JSON,
    household_id) from the civil statuses and dedup clusters of a run (either may be
    missing) over the snapshot's active members and households. Returns counts."""
    out_dir = Path(out_dir)
    status = _parquet_or_empty(
        Path(matching_dir or "-") / "civil_status.parquet",
        "SELECT NULL::BIGINT AS member_id, NULL::VARCHAR AS status, NULL::BOOLEAN AS "
        "differs_name, NULL::BOOLEAN AS differs_birth_date, NULL::BOOLEAN AS deceased, "
        "NULL::DATE AS death_date, NULL::BOOLEAN AS moved, NULL::VARCHAR AS "
        "civil_village_code WHERE false")
    candidates = _parquet_or_empty(Path(matching_dir or "-") / "civil_candidates.parquet",
                                   "SELECT NULL::BIGINT AS member_id WHERE false")
    clusters = _parquet_or_empty(Path(dedup_dir or "-") / "clusters.parquet",
                                 "SELECT NULL::BIGINT AS member_id, NULL::BIGINT AS cluster_id "
                                 "WHERE false")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cleansing_members AS
        WITH m AS (
            SELECT member_id, household_id, village_code, nik, name, birth_date, birth_place
            FROM members WHERE status = 'active'
        ), s AS (
            SELECT member_id, status, deceased, death_date, moved, civil_village_code,
                   status IN ('padan', 'data_differs')
                   AND NOT (coalesce(differs_name, false) AND coalesce(differs_birth_date, false))
                   AS confirmed
            FROM {status}
        ), d AS (
            SELECT c.member_id, c.cluster_id,
                   first_value(c.member_id) OVER (
                       PARTITION BY c.cluster_id
                       ORDER BY coalesce(s.status = 'padan', false) DESC,
                                (m.nik <> '')::INT + (m.birth_date IS NOT NULL)::INT
                                + (m.birth_place <> '')::INT + (m.name <> '')::INT DESC,
                                c.member_id) AS kept
            FROM {clusters} c JOIN m USING (member_id) LEFT JOIN s USING (member_id)
        ), cand AS (SELECT DISTINCT member_id FROM {candidates})
        SELECT m.member_id, m.household_id, m.village_code,
               CASE WHEN s.confirmed AND s.deceased THEN 'deceased'
                    WHEN d.kept IS NOT NULL AND d.kept <> m.member_id THEN 'duplicate'
                    WHEN s.confirmed AND s.moved THEN 'moved'
                    WHEN s.status IN ('no_nik', 'nik_not_found') AND cand.member_id IS NULL
                        THEN 'no_valid_nik'
               END AS reason,
               s.status AS civil_status, d.cluster_id, d.kept, s.death_date,
               s.civil_village_code
        FROM m LEFT JOIN s USING (member_id) LEFT JOIN d USING (member_id)
               LEFT JOIN cand USING (member_id)
    """)
    con.execute("DELETE FROM cleansing_members WHERE reason IS NULL")
    priority = ", ".join(f"('{r}', {i})" for i, r in enumerate(PRIORITY))
    con.execute(f"""
        COPY (
            SELECT 'member' AS kind, member_id AS record_id, village_code AS region_code, reason,
                   json_object('civil_status', civil_status, 'cluster_id', cluster_id,
                               'kept_member_id', kept, 'death_date', death_date,
                               'civil_village_code', civil_village_code)::VARCHAR AS evidence,
                   household_id
            FROM cleansing_members
            UNION ALL
            SELECT 'household', h.household_id, h.village_code, p.reason,
                   json_object('members', p.proposed)::VARCHAR, h.household_id
            FROM households h
            JOIN (SELECT household_id, count(*) AS active FROM members
                  WHERE status = 'active' GROUP BY ALL) a USING (household_id)
            JOIN (SELECT household_id, sum(n) AS proposed,
                         arg_min(reason, (-n, rank)) AS reason
                  FROM (SELECT household_id, reason, count(*) AS n FROM cleansing_members
                        GROUP BY ALL) JOIN (VALUES {priority}) r(reason, rank) USING (reason)
                  GROUP BY household_id) p USING (household_id)
            WHERE h.status = 'active' AND p.proposed = a.active
            ORDER BY kind, record_id
        ) TO {literal(out_dir / PROPOSALS_FILE)} (FORMAT parquet)""")
    rows = con.execute("SELECT kind, reason, count(*) FROM "
                       f"read_parquet({literal(out_dir / PROPOSALS_FILE)}) GROUP BY ALL").fetchall()
    by_reason = {f"{kind}_{reason}": n for kind, reason, n in sorted(rows)}
    return {"proposals": sum(n for _, _, n in rows),
            "members": sum(n for k, _, n in rows if k == "member"),
            "households": sum(n for k, _, n in rows if k == "household"), **by_reason}


# --- loading into the database ----------------------------------------------------------------

class CleansingError(Exception):
    """The proposals cannot be loaded or changed (the message says why)."""


def load_proposals(run: PipelineRun, out_dir: Path) -> int:
    """Insert the run's proposals.parquet as CleansingProposal rows, in bulk (COPY on
    PostgreSQL). Loading again replaces them, unless some were already decided."""
    path = Path(out_dir) / PROPOSALS_FILE
    with transaction.atomic():
        if run.proposals.exclude(state=State.PROPOSED).exists():
            raise CleansingError(f"proposals of run {run.name} were already decided")
        run.proposals.all().delete()
        total = load_model(CleansingProposal, _proposal_batches(run, path))
        total -= _forget_remembered(run)
    return total


def _proposal_batches(run: PipelineRun, path: Path) -> Iterator[dict[str, pa.Array]]:
    for batch in pq.ParquetFile(path).iter_batches(batch_size=100_000):
        n = batch.num_rows
        yield {"run_id": pa.array([run.pk] * n, pa.int64()), "kind": batch["kind"],
               "record_id": batch["record_id"], "region_code": batch["region_code"],
               "reason": batch["reason"], "evidence": batch["evidence"],
               "state": pa.array([State.PROPOSED.value] * n, pa.string()),
               "previous_status": pa.array([""] * n, pa.string()),
               "previous_reason": pa.array([""] * n, pa.string())}


def _forget_remembered(run: PipelineRun) -> int:
    """Drop the run's proposals that an earlier run already proposed for the same record and
    reason and that a user rejected or reverted, when the record has not changed since that
    decision: like a review decision, it is not asked again on unchanged data."""
    dropped = 0
    for kind in Kind.values:
        record_updated = _model(kind).objects.filter(
            pk=OuterRef(OuterRef("record_id"))).values("updated_at")[:1]
        remembered = (CleansingProposal.objects.exclude(run=run)
                      .filter(kind=kind, state__in=[State.REJECTED, State.REVERTED],
                              record_id=OuterRef("record_id"), reason=OuterRef("reason"))
                      .annotate(decided=Coalesce("reverted_at", "decided_at"))
                      .filter(decided__gte=Subquery(record_updated)))
        dropped += run.proposals.filter(kind=kind, state=State.PROPOSED).filter(
            Exists(remembered)).delete()[0]
    return dropped


# --- deciding, applying, reverting ------------------------------------------------------------


def proposals_for(user, run: PipelineRun):
    """The run's proposals in the user's region (the view permission)."""
    return policy.scoped(user, run.proposals.all(), "region_code", policy.VIEW_DATA_QUALITY)


def summary(user, run: PipelineRun) -> list[dict]:
    """Counts of the run's proposals visible to `user`, by kind, reason and state."""
    rows = (proposals_for(user, run).values("kind", "reason", "state")
            .annotate(n=Count("id")).order_by("kind", "reason", "state"))
    return list(rows)


def pending_application(user, run: PipelineRun) -> dict[str, int]:
    """What applying would deactivate now, in the user's scope: accepted members and
    households, and the other active members who would go with those households."""
    accepted = _in_scope(user, run).filter(state=State.ACCEPTED)
    members = accepted.filter(kind=Kind.MEMBER)
    households = accepted.filter(kind=Kind.HOUSEHOLD)
    followers = (Member.objects.filter(household_id__in=households.values("record_id"),
                                       status=Status.ACTIVE)
                 .exclude(pk__in=members.values("record_id")).count())
    return {"members": members.count(), "households": households.count(),
            "members_with_household": followers}


def records_of(user, run: PipelineRun, kind: str, reason: str):
    """The run's proposals of one kind and reason in the user's scope, for listing."""
    return proposals_for(user, run).filter(kind=kind, reason=reason).order_by("record_id")


def names_of(user, proposals: Sequence[CleansingProposal]) -> dict[tuple[str, int], str]:
    """{(kind, record id): name} for a page of proposals: each member, the member a duplicate
    duplicates, each household's head; only records in the user's region (as the review
    queue shows names)."""
    from registry.selectors import heads_of, households_for, members_for

    member_ids = {p.record_id for p in proposals if p.kind == Kind.MEMBER}
    member_ids |= {int(p.evidence["kept_member_id"]) for p in proposals
                   if (p.evidence or {}).get("kept_member_id")}
    names = {(Kind.MEMBER.value, pk): name for pk, name in
             members_for(user).filter(pk__in=member_ids).values_list("id", "name")}
    households = households_for(user).filter(
        pk__in=[p.record_id for p in proposals if p.kind == Kind.HOUSEHOLD])
    heads = heads_of(households.values_list("id", flat=True))
    return names | {(Kind.HOUSEHOLD.value, pk): head.name for pk, head in heads.items()}


def pending_revert(user, run: PipelineRun) -> dict[str, int]:
    """What reverting would give back, in the user's scope: the applied members and
    households (the members that went with a household come back with it)."""
    applied = _in_scope(user, run).filter(state=State.APPLIED)
    return {"members": applied.filter(kind=Kind.MEMBER).count(),
            "households": applied.filter(kind=Kind.HOUSEHOLD).count()}


def superseded_by(run: PipelineRun) -> PipelineRun | None:
    """The latest finished run when it is a later one than `run`: only its proposals may be
    accepted or applied (an older run's findings describe data that has moved on)."""
    latest = PipelineRun.objects.filter(state=PipelineRun.State.DONE).first()
    return latest if latest is not None and latest.pk != run.pk else None


def _require_current(run: PipelineRun) -> None:
    newer = superseded_by(run)
    if newer is not None:
        raise CleansingError(f"run {run.name} is superseded by run {newer.name}")


def decide(ctx: audit.Context, run: PipelineRun, accept: bool,
           reasons: list[str] | None = None, kind: str | None = None,
           ids: list[int] | None = None) -> int:
    """Accept (or reject) the run's open proposals in the user's region: all, those of some
    reasons / a kind, or the chosen ones (`ids`, proposal ids; others are left alone)."""
    policy.require(ctx.actor, policy.CLEANSE)
    _require_current(run)
    proposals = _in_scope(ctx.actor, run).filter(state=State.PROPOSED)
    if reasons:
        proposals = proposals.filter(reason__in=reasons)
    if kind:
        proposals = proposals.filter(kind=kind)
    if ids is not None:
        proposals = proposals.filter(pk__in=ids)
    with transaction.atomic():
        chosen = sorted(proposals.values_list("pk", flat=True)) if ids is not None else None
        n = proposals.update(state=State.ACCEPTED if accept else State.REJECTED,
                             decided_by=ctx.actor, decided_at=timezone.now())
        changes = {"reasons": [None, reasons or "all"], "kind": [None, kind or "all"],
                   "proposals": [None, n]}
        if chosen is not None:
            changes["chosen"] = [None, chosen]
        audit.record(_batch(ctx, run), "linkage.cleansing.accept" if accept else
                     "linkage.cleansing.reject", run, changes)
    return n


def _in_scope(user, run: PipelineRun):
    return policy.scoped(user, run.proposals.all(), "region_code", policy.CLEANSE)


def _batch(ctx: audit.Context, run: PipelineRun) -> audit.Context:
    return replace(ctx, source=Source.BATCH, source_ref=run.source_ref[:100],
                   reason=ctx.reason or f"cleansing of run {run.name}")


def apply(ctx: audit.Context, run: PipelineRun) -> dict[str, int]:
    """Deactivate the records of the run's accepted proposals. A record changed since the
    snapshot (no longer active) is left alone and its proposal marked skipped."""
    policy.require(ctx.actor, policy.CLEANSE)
    _require_current(run)
    ctx = _batch(ctx, run)
    with transaction.atomic():
        members = _apply_kind(ctx, run, Kind.MEMBER)
        households = _apply_kind(ctx, run, Kind.HOUSEHOLD)
        followers = _deactivate_followers(ctx, households["ids_by_reason"])
    return {"members": members["applied"], "households": households["applied"],
            "members_with_household": followers,
            "skipped": members["skipped"] + households["skipped"]}


def _model(kind: str):
    return Household if kind == Kind.HOUSEHOLD else Member


def _apply_kind(ctx: audit.Context, run: PipelineRun, kind: str) -> dict:
    model = _model(kind)
    accepted = _in_scope(ctx.actor, run).filter(kind=kind, state=State.ACCEPTED)
    active = model.objects.filter(status=Status.ACTIVE).values("id")
    skipped = accepted.exclude(record_id__in=active).update(state=State.SKIPPED)
    rows = list(accepted.filter(record_id__in=active)
                .values_list("pk", "record_id", "region_code", "reason"))
    ids_by_reason: dict[str, list[int]] = defaultdict(list)
    now = timezone.now()
    for chunk in batched(rows, CHUNK):
        changes = [(rid, region, Status.ACTIVE.value, "", Status.INACTIVE.value, reason)
                   for _, rid, region, reason in chunk]
        _set_status(ctx, kind, changes, now)
        CleansingProposal.objects.filter(pk__in=[r[0] for r in chunk]).update(
            state=State.APPLIED, previous_status=Status.ACTIVE, previous_reason="",
            applied_at=now)
        for _, rid, _, reason in chunk:
            ids_by_reason[reason].append(rid)
    return {"applied": len(rows), "skipped": skipped, "ids_by_reason": ids_by_reason}


def _set_status(ctx: audit.Context, kind: str, changes: list[tuple], now,
                with_household: bool = False) -> None:
    """Bulk status change of one chunk: (record_id, region, old status, old reason, new
    status, new reason) rows; an UPDATE per new (status, reason), then one StatusChange and
    one audit event per record."""
    model = _model(kind)
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for rid, _, _, _, status, reason in changes:
        groups[(status, reason)].append(rid)
    for (status, reason), ids in groups.items():
        model.objects.filter(pk__in=ids).update(
            status=status, inactive_reason=reason, revision=F("revision") + 1, updated_at=now)
    actor = ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None
    StatusChange.objects.bulk_create([
        StatusChange(kind=kind, record_id=rid, status=status, inactive_reason=reason,
                     note=ctx.reason, actor=actor, source_ref=ctx.source_ref,
                     with_household=with_household)
        for rid, _, _, _, status, reason in changes], batch_size=2000)
    audit.record_bulk(ctx, f"registry.{kind}.status", f"registry.{kind}", [
        (str(rid), region, audit.diff({"status": old, "inactive_reason": old_reason},
                                      {"status": status, "inactive_reason": reason}))
        for rid, region, old, old_reason, status, reason in changes])


def _deactivate_followers(ctx: audit.Context, households: dict[str, list[int]]) -> int:
    """Active members of the deactivated households go with them (as change_status does)."""
    now, total = timezone.now(), 0
    for reason, ids in households.items():
        for chunk in batched(ids, CHUNK):
            followers = list(Member.objects.filter(household_id__in=chunk, status=Status.ACTIVE)
                             .values_list("id", "village_id"))
            changes = [(rid, region, Status.ACTIVE.value, "", Status.INACTIVE.value, reason)
                       for rid, region in followers]
            if changes:
                _set_status(ctx, Kind.MEMBER, changes, now, with_household=True)
            total += len(changes)
    return total


def revert(ctx: audit.Context, run: PipelineRun) -> dict[str, int]:
    """Give the records of the run's applied proposals their previous status back; a record
    changed since (no longer inactive for the proposal's reason) is left alone. Members that
    went with a household come back with it."""
    policy.require(ctx.actor, policy.CLEANSE)
    ctx = _batch(ctx, run)
    with transaction.atomic():
        households = _revert_kind(ctx, run, Kind.HOUSEHOLD)
        followers = _reactivate_followers(ctx, households["ids"])
        members = _revert_kind(ctx, run, Kind.MEMBER)
    return {"households": households["reverted"], "members": members["reverted"],
            "members_with_household": followers,
            "unchanged": households["changed_since"] + members["changed_since"]}


def _revert_kind(ctx: audit.Context, run: PipelineRun, kind: str) -> dict:
    model = _model(kind)
    applied = list(_in_scope(ctx.actor, run).filter(kind=kind, state=State.APPLIED)
                   .values_list("pk", "record_id", "region_code", "reason", "previous_status",
                                "previous_reason"))
    now, reverted, ids = timezone.now(), 0, []
    for chunk in batched(applied, CHUNK):
        current = dict(model.objects.filter(pk__in=[r[1] for r in chunk], status=Status.INACTIVE)
                       .values_list("id", "inactive_reason"))
        live = [r for r in chunk if current.get(r[1]) == r[3]]
        changes = [(rid, region, Status.INACTIVE.value, reason, prev, prev_reason)
                   for _, rid, region, reason, prev, prev_reason in live]
        if changes:
            _set_status(ctx, kind, changes, now)
        CleansingProposal.objects.filter(pk__in=[r[0] for r in live]).update(
            state=State.REVERTED, reverted_at=now)
        reverted += len(live)
        ids += [r[1] for r in live]
    return {"reverted": reverted, "changed_since": len(applied) - reverted, "ids": ids}


def _reactivate_followers(ctx: audit.Context, household_ids: list[int]) -> int:
    """Inactive members of the households whose latest status change followed the
    household (registry.services._members_deactivated_with, in bulk)."""
    now, total = timezone.now(), 0
    for chunk in batched(household_ids, CHUNK):
        inactive = {rid: (region, reason) for rid, region, reason in Member.objects.filter(
            household_id__in=chunk, status=Status.INACTIVE).values_list(
                "id", "village_id", "inactive_reason")}
        latest: dict[int, bool] = {}
        for rid, with_household in (StatusChange.objects
                                    .filter(kind=Kind.MEMBER, record_id__in=list(inactive))
                                    .order_by("at", "id").values_list("record_id",
                                                                      "with_household")):
            latest[rid] = with_household
        back = [rid for rid in inactive if latest.get(rid)]
        changes = [(rid, inactive[rid][0], Status.INACTIVE.value, inactive[rid][1],
                    Status.ACTIVE.value, "") for rid in back]
        if changes:
            _set_status(ctx, Kind.MEMBER, changes, now, with_household=True)
        total += len(changes)
    return total
