"""Reads over the region tree used by every app: lookups, navigation, search, time zones."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .models import Level, Region

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
# Province code -> IANA time zone (Sumatra, Java, West & Central Kalimantan WIB; Bali, Nusa
# Tenggara, South/East/North Kalimantan, Sulawesi WITA; Maluku and Papua WIT).
PROVINCE_TIME_ZONES = {
    **dict.fromkeys(["11", "12", "13", "14", "15", "16", "17", "18", "19", "21"], WIB),
    **dict.fromkeys(["31", "32", "33", "34", "35", "36", "61", "62"], WIB),
    **dict.fromkeys(["51", "52", "53", "63", "64", "65"], WITA),
    **dict.fromkeys(["71", "72", "73", "74", "75", "76"], WITA),
    **dict.fromkeys(["81", "82", "91", "92", "93", "94", "95", "96"], WIT),
}
TIME_ZONE_LABELS = {WIB: "WIB", WITA: "WITA", WIT: "WIT"}


def get_region(code: str) -> Region | None:
    return Region.objects.filter(code=code).first()


def children(code: str | None) -> QuerySet[Region]:
    """Direct children of a region; the provinces when `code` is empty."""
    if not code:  # through the parent index: `level` has none (a scan of ~90,000 regions)
        return Region.objects.filter(parent__isnull=True, level=Level.PROVINCE)
    return Region.objects.filter(parent_id=code)


def ancestors(code: str) -> list[Region]:
    """The region's chain from province down to itself, in order."""
    parts = code.split(".")
    codes = [".".join(parts[: i + 1]) for i in range(len(parts))]
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def search(text: str, level: int | None = None, within: str = "", limit: int = 20) -> list[Region]:
    """Regions whose name contains `text` (case-insensitive) or whose code starts with it."""
    qs = Region.objects.filter(Q(name__icontains=text) | Q(code__startswith=text))
    if level:
        qs = qs.filter(level=level)
    if within:
        qs = qs.filter(within_scope(within, "code"))
    return list(qs.order_by("level", "code")[:limit])


def within_scope(prefix: str, field: str) -> Q:
    """Q for rows whose region code `field` lies inside the region `prefix` ('' = everywhere)."""
    if not prefix:
        return Q()
    return Q(**{field: prefix}) | Q(**{f"{field}__startswith": prefix + "."})


def code_in_scope(code: str, prefix: str) -> bool:
    return not prefix or code == prefix or code.startswith(prefix + ".")


def time_zone(code: str) -> str:
    """IANA time zone of the province the region lies in (WIB when unknown)."""
    return PROVINCE_TIME_ZONES.get(code[:2], WIB)


def label(code: str) -> str:
    """'Desa X, Kec. Y, Kab. Z, Prov' style path, most specific first."""
    return ", ".join(r.name for r in reversed(ancestors(code)))


def label_or_nation(code: str) -> str:
    """label(), or the nation's name for '' (pages whose region may be the whole country)."""
    return label(code) if code else _("Indonesia (national)")


def district_exists(district_code: str) -> bool:
    return Region.objects.filter(code=district_code, level=Level.DISTRICT).exists()


def names(codes: list[str] | set[str]) -> dict[str, str]:
    """{code: name} for the given codes (unknown codes are left out)."""
    return dict(Region.objects.filter(code__in=list(codes)).values_list("code", "name"))


def children_within(code: str | None, scope: str) -> QuerySet[Region]:
    """Children of `code` that a user bound to `scope` may pick: those inside the scope, and the
    one on the path down to it (so a picker can walk from a province to the scope)."""
    if not scope:
        return children(code)
    parts = scope.split(".")
    path = [".".join(parts[: i + 1]) for i in range(len(parts))]
    return children(code).filter(within_scope(scope, "code") | Q(code__in=path))
