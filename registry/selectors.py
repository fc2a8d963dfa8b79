"""Reads of the registry that serve users. Every one starts from `households_for` or
`members_for`, which pass through the access policy, so no view can forget the scope."""

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from accounts import policy
from accounts.models import User
from wilayah.selectors import within_scope

from .models import Family, Household, Member, StatusChange
from .names import name_key


def households_for(user: User) -> QuerySet[Household]:
    return policy.scoped(user, Household.objects.all(), "village__code")


def members_for(user: User) -> QuerySet[Member]:
    return policy.scoped(user, Member.objects.all(), "village__code")


def search_members(
    user: User, text: str = "", village: str = "", status: str = "", sex: str = ""
) -> QuerySet[Member]:
    """Members visible to `user` matching a NIK, a KK number (16 digits) or a name prefix,
    optionally within a region of the user's scope and by status. Text that is neither (a
    15-digit number, punctuation) matches nobody rather than everybody."""
    qs = members_for(user)
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) == 16:
        # Two index lookups; an OR across the family join would scan the members table.
        families = list(Family.objects.filter(kk_number=digits).values_list("id", flat=True))
        qs = qs.filter(Q(nik=digits) | Q(family_id__in=families))
    elif text.strip():
        key = name_key(text)
        if not key or digits:  # a mistyped NIK/KK or mere punctuation matches nobody
            return qs.none()
        qs = qs.filter(name_prefix(key))
    if village:
        qs = qs.filter(within_scope(village, "village__code"))
    if status:
        qs = qs.filter(status=status)
    if sex:
        qs = qs.filter(sex=sex)
    return qs.select_related("household", "family", "village").order_by("name_key", "id")


def name_prefix(key: str) -> Q:
    """Q for name_key starting with `key`, as a range over the (name_key, id) index.

    name_key compares bytewise (SQLite's default; "C" collation on PostgreSQL, migration 0004),
    so the range is exact, and unlike SQLite's case-blind LIKE it can use the index."""
    if not key:
        return Q()
    upper_bound = key[:-1] + chr(ord(key[-1]) + 1)
    return Q(name_key__gte=key, name_key__lt=upper_bound)


def household_for(user: User, household_id: int) -> Household:
    """One household the user may see; Household.DoesNotExist otherwise (no hint it exists)."""
    return households_for(user).select_related("village", "instrument").get(pk=household_id)


def member_for(user: User, member_id: int) -> Member:
    return members_for(user).select_related("household", "family", "village").get(pk=member_id)


def household_members(household: Household) -> QuerySet[Member]:
    return household.members.select_related("family").order_by(
        "family__kk_number", "family_order", "id"
    )


CODE_LENGTH_BY_LEVEL = {1: 2, 2: 5, 3: 8, 4: 13}


def _by_status(qs: QuerySet) -> dict[str, int]:
    return {r["status"]: r["n"] for r in qs.values("status").annotate(n=Count("*"))}


def scope_summary(user: User) -> dict:
    """Counts for the home page: households and members by status, and households by status
    per region one level below the user's scope (per village for a district or village)."""
    households = households_for(user)
    scope = policy.scope_prefix(user) or ""
    level = min(len(scope.split(".")) + 1, 4) if scope else 1
    rows = (
        households.annotate(area=Substr("village_id", 1, CODE_LENGTH_BY_LEVEL[level]))
        .values("area", "status")
        .annotate(n=Count("*"))
        .order_by("area")
    )
    areas: dict[str, dict[str, int]] = {}
    for row in rows:
        areas.setdefault(row["area"], {})[row["status"]] = row["n"]
    return {
        "households": _by_status(households),
        "members": _by_status(members_for(user)),
        "areas": areas,
        "area_level": level,
    }


def status_history(record: Household | Member) -> QuerySet[StatusChange]:
    """The status changes of one household or member, newest first."""
    kinds = StatusChange.Kind
    kind = kinds.HOUSEHOLD if isinstance(record, Household) else kinds.MEMBER
    return StatusChange.objects.filter(kind=kind, record_id=record.pk).select_related("actor")


def heads_of(household_ids: Iterable[int]) -> dict[int, Member]:
    """{household id: its head} (relationship code 1; else the first member by KK and order),
    with the family loaded, for the households of a page of records another app lists."""
    ids = set(household_ids)
    found: dict[int, Member] = {}
    if not ids:
        return found
    members = (
        Member.objects.filter(household_id__in=ids)
        .select_related("family")
        .order_by("household_id", "family__kk_number", "family_order", "id")
    )
    for m in members.filter(relation_to_household_head=1):
        found.setdefault(m.household_id, m)
    missing = ids - set(found)
    for m in members.filter(household_id__in=missing) if missing else []:
        found.setdefault(m.household_id, m)
    return found
