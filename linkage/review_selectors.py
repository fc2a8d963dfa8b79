"""Reads of the clerical-review queue: what a reviewer may see (both members inside their
region scope), counts for the data-quality dashboard, and the decided pairs for the next
dedup run (`linkage.dedup.deduplicate(..., decided=decided_pairs())`)."""

from collections.abc import Iterator

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr

from accounts import policy
from wilayah.selectors import within_scope

from .models import ReviewPair


def in_region(region_prefix: str) -> Q:
    """Pairs whose two members both lie within `region_prefix` ('' = national)."""
    return within_scope(region_prefix, "region_l") & within_scope(region_prefix, "region_r")


def pairs_for(user) -> QuerySet[ReviewPair]:
    """Every pair (pending or decided) the user may open."""
    if not policy.role_allows(user, policy.REVIEW_DUPLICATES):
        return ReviewPair.objects.none()
    return ReviewPair.objects.filter(in_region(policy.scope_prefix(user) or ""))


def pending_for(user) -> QuerySet[ReviewPair]:
    return pairs_for(user).filter(decision__isnull=True)


def next_pending(user, after: ReviewPair | None = None) -> ReviewPair | None:
    """The next pair to review in queue order (most probable duplicates first)."""
    pending = pending_for(user)
    if after is not None:
        pending = pending.exclude(pk=after.pk)
    return pending.first()


def backlog(region_prefix: str) -> int:
    """Pairs waiting for a decision with both members within the region."""
    return ReviewPair.objects.filter(in_region(region_prefix), decision__isnull=True).count()


def decided_counts(region_prefix: str) -> dict[str, int]:
    """{'same': n, 'different': m} decided within the region."""
    rows = (ReviewPair.objects.filter(in_region(region_prefix), decision__isnull=False)
            .values("decision").annotate(n=Count("id")))
    counts = {choice: 0 for choice in ReviewPair.Decision.values}
    counts |= {row["decision"]: row["n"] for row in rows}
    return counts


def counts_by_area(region_prefix: str, length: int) -> dict[str, dict[str, int]]:
    """{area: {'pending': n, 'same': m, 'different': k}} of the pairs whose two members lie in
    the same area one level below the region (area codes of `length` characters)."""
    rows = (ReviewPair.objects.filter(in_region(region_prefix))
            .annotate(area=Substr("region_l", 1, length), area_r=Substr("region_r", 1, length))
            .filter(area=F("area_r")).values("area", "decision").annotate(n=Count("id"))
            .order_by())
    found: dict[str, dict[str, int]] = {}
    for row in rows:
        counts = found.setdefault(row["area"], {"pending": 0, **dict.fromkeys(
            ReviewPair.Decision.values, 0)})
        counts[row["decision"] or "pending"] = row["n"]
    return found


def decided_pairs() -> Iterator[tuple[int, int, bool]]:
    """(member_id_l, member_id_r, same) of every decided pair, for the next run."""
    rows = (ReviewPair.objects.filter(decision__isnull=False).order_by()
            .values_list("member_l_id", "member_r_id", "decision"))
    for left, right, decision in rows.iterator(chunk_size=10_000):
        yield left, right, decision == ReviewPair.Decision.SAME


def pairs_of_member(user, member_id: int) -> list[ReviewPair]:
    """Open and decided review pairs the member is part of, that the user may open; pending
    first, then the latest decisions."""
    pairs = (pairs_for(user).filter(Q(member_l_id=member_id) | Q(member_r_id=member_id))
             .select_related("member_l", "member_r").order_by("-decided_at", "id"))
    return sorted(pairs, key=lambda p: p.decision is not None)
