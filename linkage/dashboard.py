"""Reads for the data-quality dashboard: per region (a province, kabupaten or kecamatan, or the
whole country) the padan rate, duplicates found and resolved, records deactivated by reason
and the clerical-review backlog, and the same figures for each region one level down.

Other apps' figures come through their selectors (civil.selectors.status_counts,
linkage.review_selectors.backlog); where one is missing the figure is shown as unknown."""

from django.db.models import Count
from django.db.models.functions import Substr

from registry.models import Household, InactiveReason, Member, Status
from registry.selectors import CODE_LENGTH_BY_LEVEL
from wilayah import selectors as regions
from wilayah.selectors import within_scope

from .models import CleansingProposal, PipelineRun

DRILL_DOWN_TO = 3  # kecamatan: the finest level the dashboard breaks figures down to


def civil_status_counts(region: str) -> dict[str, int] | None:
    """Members per civil-registry status (hook: civil.selectors.status_counts)."""
    try:
        from civil.selectors import status_counts
    except ImportError:
        return None
    return status_counts(region)


def civil_status_by_area(region: str, areas: list[str]) -> dict[str, dict[str, int]] | None:
    """civil_status_counts of each area one level down, in one query."""
    try:
        from civil.selectors import status_counts_by_area
    except ImportError:
        return None
    return status_counts_by_area(region, areas)


def review_counts_by_area(region: str, length: int) -> dict[str, dict[str, int]] | None:
    """Pending and decided review pairs of each area one level down, in one query."""
    try:
        from .review_selectors import counts_by_area
    except ImportError:
        return None
    return counts_by_area(region, length)


def confirmed_same(region: str) -> int:
    """Review pairs a reviewer decided to be the same person, both members within the region."""
    try:
        from .review_selectors import decided_counts
    except ImportError:
        return 0
    return decided_counts(region).get("same", 0)


def review_backlog(region: str) -> int | None:
    """Pairs waiting for clerical review (hook: linkage.review_selectors.backlog)."""
    try:
        from .review_selectors import backlog
    except ImportError:
        return None
    return backlog(region)


def padan_rate(counts: dict[str, int] | None) -> float | None:
    """Share of matched members whose NIK and data agree with the civil registry."""
    if not counts or not sum(counts.values()):
        return None
    return counts.get("padan", 0) / sum(counts.values())


def latest_run() -> PipelineRun | None:
    return PipelineRun.objects.filter(state=PipelineRun.State.DONE).first()


def deactivated_by_reason(region: str) -> dict[str, dict[str, int]]:
    """{reason: {'members': n, 'households': m}} of inactive records in the region."""
    result = {r: {"members": 0, "households": 0} for r in InactiveReason.values}
    for model, key in ((Member, "members"), (Household, "households")):
        rows = (model.objects.filter(within_scope(region, "village__code"), status=Status.INACTIVE)
                .values("inactive_reason").annotate(n=Count("id")).order_by())
        for row in rows:
            result.setdefault(row["inactive_reason"], {"members": 0, "households": 0})[key] = \
                row["n"]
    return result


def _by_area(qs, field: str, length: int, **filters) -> dict[str, int]:
    rows = (qs.filter(**filters).annotate(area=Substr(field, 1, length)).values("area")
            .annotate(n=Count("id")).order_by())
    return {row["area"]: row["n"] for row in rows}


def region_figures(region: str, run: PipelineRun | None) -> dict:
    """The dashboard's figures for one region ('' = national)."""
    civil = civil_status_counts(region)
    found = (CleansingProposal.objects.filter(within_scope(region, "region_code"), run=run,
                                              kind=CleansingProposal.Kind.MEMBER,
                                              reason=InactiveReason.DUPLICATE).count()
             if run else 0)
    deactivated = deactivated_by_reason(region)
    # Resolved duplicates: members deactivated as duplicates plus review pairs a reviewer
    # confirmed as the same person (shown separately too, so the sum can be read).
    removed = deactivated[InactiveReason.DUPLICATE]["members"]
    confirmed = confirmed_same(region)
    return {
        "civil": civil, "padan_rate": padan_rate(civil),
        "matched": sum(civil.values()) if civil else None,
        "duplicates_found": found,
        "duplicates_resolved": removed + confirmed,
        "duplicates_deactivated": removed, "duplicates_confirmed": confirmed,
        "deactivated": deactivated,
        "deactivated_members": sum(v["members"] for v in deactivated.values()),
        "review_backlog": review_backlog(region),
    }


def child_figures(region: str, run: PipelineRun | None) -> list[dict]:
    """One row per region one level below `region` (down to kecamatan): name, code, padan
    rate, duplicates found and resolved, members deactivated, review backlog."""
    level = len(region.split(".")) + 1 if region else 1
    if level > DRILL_DOWN_TO + 1:
        return []
    length = CODE_LENGTH_BY_LEVEL[level]
    children = list(regions.children(region or None).values_list("code", "name"))
    in_region = within_scope(region, "village__code")
    inactive = _by_area(Member.objects.filter(in_region), "village_id", length,
                        status=Status.INACTIVE)
    duplicates = _by_area(Member.objects.filter(in_region), "village_id", length,
                          status=Status.INACTIVE, inactive_reason=InactiveReason.DUPLICATE)
    found = _by_area(CleansingProposal.objects.filter(within_scope(region, "region_code")),
                     "region_code", length, run=run, kind=CleansingProposal.Kind.MEMBER,
                     reason=InactiveReason.DUPLICATE) if run else {}
    # One grouped query per figure for all the areas, not one count per area: a national
    # page has 38 provinces.
    civil = civil_status_by_area(region, [code for code, _name in children])
    pairs = review_counts_by_area(region, length)
    rows = []
    for code, name in children:
        counts = civil.get(code) if civil is not None else None
        decided = pairs.get(code, {}) if pairs is not None else None
        rows.append({
            "code": code, "name": name, "drill": level <= DRILL_DOWN_TO,
            "padan_rate": padan_rate(counts),
            "matched": sum(counts.values()) if counts is not None else None,
            "duplicates_found": found.get(code, 0),
            "duplicates_resolved": duplicates.get(code, 0) + (decided or {}).get("same", 0),
            "deactivated_members": inactive.get(code, 0),
            "review_backlog": decided.get("pending", 0) if decided is not None else None,
        })
    return rows


def backlog_spanning(total: int | None, rows: list[dict]) -> int | None:
    """Pending pairs inside the region whose two members lie in different areas one level
    down: a pair is counted in an area's row only when both members lie in it, so the rows
    plus this figure add up to the region's backlog."""
    if total is None or not rows or any(r["review_backlog"] is None for r in rows):
        return None
    return total - sum(r["review_backlog"] for r in rows)
