"""Reads of matching results for the dashboard and the member page."""

from django.db.models import Count
from django.db.models.functions import Substr

from wilayah import selectors as regions
from wilayah.selectors import within_scope

from .models import CivilCandidate, MatchStatus, MemberMatch


def status_counts(region_prefix: str = "") -> dict[str, int]:
    """Members per civil-registry status within a region ('' = national), every status
    present (0 when none)."""
    rows = (MemberMatch.objects.filter(within_scope(region_prefix, "member__village__code"))
            .values("status").annotate(n=Count("id")).order_by())
    found = {row["status"]: row["n"] for row in rows}
    return {status: found.get(status, 0) for status in MatchStatus.values}


def status_counts_by_area(region_prefix: str, areas: list[str]) -> dict[str, dict[str, int]]:
    """status_counts of each area one level below the region (codes of one length), in one
    grouped query instead of one count per area."""
    length = len(areas[0]) if areas else 0
    rows = (MemberMatch.objects.filter(within_scope(region_prefix, "member__village__code"))
            .annotate(area=Substr("member__village_id", 1, length))
            .values("area", "status").annotate(n=Count("id")).order_by())
    found: dict[str, dict[str, int]] = {area: dict.fromkeys(MatchStatus.values, 0)
                                        for area in areas}
    for row in rows:
        if row["area"] in found:
            found[row["area"]][row["status"]] = row["n"]
    return found


def for_member(member_id: int) -> dict | None:
    """The member's latest status and, for members without a usable NIK, the candidates
    proposed; None when the member was never matched. Callers check access to the member."""
    match = MemberMatch.objects.filter(member_id=member_id).first()
    if match is None:
        return None
    candidates = list(CivilCandidate.objects.filter(member_id=member_id).order_by("rank"))
    village = match.civil_village_code
    # The civil-registry village by name with its kecamatan/kabupaten, not a bare code.
    village_label = (regions.label(village) or village) if village else ""
    return {"match": match, "candidates": candidates, "civil_village_label": village_label}
