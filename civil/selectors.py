"""Reads of matching results for the dashboard and the member page."""

from django.db.models import Count

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
