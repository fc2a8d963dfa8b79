"""BNBA downloads: a village's registry households or its proposals as a BNBA list, in the
shape registration.bnba.export writes (so an export reads back with parse_bnba)."""

from collections.abc import Iterator

from accounts import policy
from accounts.models import User
from registry.models import Status
from registry.selectors import households_for

from ..bnba.export import export_csv, export_xlsx
from ..bnba.layout import ATTRIBUTE_KEYS
from ..models import Kind
from ..selectors import proposals_for
from .imports import require_village

WRITERS = {"xlsx": export_xlsx, "csv": export_csv}


def registry_households(user: User, village_code: str) -> Iterator[dict]:
    """The village's active registry households, members ordered as on their KK."""
    households = (
        households_for(user)
        .filter(village_id=village_code, status=Status.ACTIVE)
        .prefetch_related("families__members")
        .order_by("id")
    )
    for h in households.iterator(chunk_size=500):
        families = []
        for family in sorted(h.families.all(), key=lambda f: f.kk_number):
            members = sorted(
                (m for m in family.members.all() if m.status == Status.ACTIVE),
                key=lambda m: (m.family_order, m.pk),
            )
            if members:
                families.append(
                    {"kk_number": family.kk_number, "members": [_member(m) for m in members]}
                )
        if families:
            yield {"village_code": village_code, "address": h.address, "rt": h.rt, "rw": h.rw,
                   "families": families}  # fmt: skip


def _member(m) -> dict:
    return {
        "nik": m.nik,
        "name": m.name,
        "sex": m.sex,
        "birth_place": m.birth_place,
        "birth_date": m.birth_date,
        "relation_to_household_head": m.relation_to_household_head,
        "relation_to_family_head": m.relation_to_family_head,
        "family_order": m.family_order,
        "marital_status": m.marital_status,
        "pregnant": m.pregnant,
        "attributes": {k: getattr(m, k) for k in ATTRIBUTE_KEYS},
    }


def proposal_households(
    user: User, village_code: str, statuses: list[str] | None = None
) -> Iterator[dict]:
    """The village's 'new household' proposals (of the given statuses) as BNBA households."""
    proposals = proposals_for(user).filter(village_id=village_code, kind=Kind.NEW_HOUSEHOLD)
    if statuses:
        proposals = proposals.filter(status__in=statuses)
    for p in proposals.order_by("id").iterator(chunk_size=1000):
        payload = p.payload
        yield {"village_code": village_code, "address": payload.get("address", ""),
               "rt": payload.get("rt", ""), "rw": payload.get("rw", ""),
               "families": payload.get("families", [])}  # fmt: skip


def registry_bnba(user: User, village_code: str, fmt: str) -> bytes:
    require_village(user, policy.VIEW_REGISTRY, village_code)
    return WRITERS[fmt](registry_households(user, village_code))


def proposals_bnba(
    user: User, village_code: str, fmt: str, statuses: list[str] | None = None
) -> bytes:
    require_village(user, policy.VIEW_REGISTRY, village_code)
    return WRITERS[fmt](proposal_households(user, village_code, statuses))
