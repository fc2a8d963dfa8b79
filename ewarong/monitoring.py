"""Monitoring of e-warong sales ("kita punya laporan dia belanja apa saja dan harganya berapa",
seed 003): what KPM bought by commodity and region, prices against the HET by region, and
merchants with suspicious patterns (issue 13: "every price exactly at the HET, identical
baskets for many KPM, purchases in bursts or at odd hours, balances drained in one
transaction").

Everything is computed by the database as aggregates over the purchase tables (GROUP BY with
filtered counts; the basket fingerprint with string_agg / group_concat), never by a Python loop
over purchases: Python only joins the per-merchant aggregate rows. Completed purchases only
(a refunded purchase did not happen)."""

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Avg, Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import ExtractMinute, Floor, Substr, TruncHour
from django.utils import timezone

from wilayah.selectors import PROVINCE_TIME_ZONES, WIB, names, within_scope

from .models import Merchant, Purchase, PurchaseLine, PurchaseStatus

# Code length of each region level: 1 province "32", 2 "32.01", 3 "32.01.01", 4 the village.
CODE_LENGTH = {1: 2, 2: 5, 3: 8, 4: 13}


@dataclass(frozen=True)
class Thresholds:
    """When a pattern flags a merchant (data, shown on the dashboard)."""

    at_het_share: float = 0.9  # share of lines priced exactly at the HET...
    at_het_min_lines: int = 20  # ...over at least this many lines
    same_basket_kpm: int = 10  # one identical basket bought by this many KPM
    burst_purchases: int = 10  # purchases within one 10-minute window
    odd_hour_start: int = 22  # local time: from 22:00 ...
    odd_hour_end: int = 5  # ... to 05:59
    odd_hours_min: int = 3  # at least this many purchases at odd hours ...
    odd_hours_share: float = 0.1  # ... and this share of the merchant's purchases
    drained_share: float = 0.5  # share of purchases that left the wallet at zero ...
    drained_min: int = 10  # ... over at least this many purchases


@dataclass(frozen=True)
class Filters:
    region: str  # code prefix ('' = national), already inside the user's scope
    date_from: date
    date_to: date  # inclusive

    def level(self) -> int:
        """The level shown in the by-region tables: one below the region chosen."""
        return min(len(self.region.split(".")) + 1 if self.region else 1, 4)


def default_filters(region: str, today: date | None = None) -> Filters:
    today = today or timezone.localdate()
    return Filters(region, today - timedelta(days=30), today)


def purchases(filters: Filters) -> QuerySet:
    zone = ZoneInfo(WIB)
    start = datetime.combine(filters.date_from, time.min, tzinfo=zone)
    end = datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=zone)
    return Purchase.objects.filter(within_scope(filters.region, "village_code"),
                                   status=PurchaseStatus.COMPLETED, at__gte=start, at__lt=end)


def _lines(filters: Filters) -> QuerySet:
    return PurchaseLine.objects.filter(purchase__in=purchases(filters).values("pk"))


def totals(filters: Filters) -> dict:
    return purchases(filters).aggregate(
        purchases=Count("pk"), kpm=Count("household", distinct=True),
        merchants=Count("merchant", distinct=True), amount=Sum("total"))


def by_commodity(filters: Filters) -> list[dict]:
    """What KPM bought: quantity, amount, lines and KPM per commodity."""
    return list(_lines(filters).values("commodity_id", "commodity__name", "commodity__unit")
                .annotate(quantity=Sum("quantity"), amount=Sum("amount"), lines=Count("pk"),
                          kpm=Count("purchase__household", distinct=True))
                .order_by("-amount", "commodity_id"))


def _with_region(queryset: QuerySet, level: int, field: str) -> QuerySet:
    return queryset.annotate(region=Substr(field, 1, CODE_LENGTH[level]))


def by_region(filters: Filters) -> list[dict]:
    """What KPM bought per region (one level below the chosen one) and commodity."""
    rows = list(_with_region(_lines(filters), filters.level(), "purchase__village_code")
                .values("region", "commodity_id", "commodity__name")
                .annotate(quantity=Sum("quantity"), amount=Sum("amount"),
                          kpm=Count("purchase__household", distinct=True))
                .order_by("region", "-amount"))
    return _named(rows)


def prices_against_het(filters: Filters) -> list[dict]:
    """Average unit price against the average HET per region and commodity; `ratio` is
    avg price / avg HET (1.0 = every sale at the ceiling)."""
    rows = list(_with_region(_lines(filters), filters.level(), "purchase__village_code")
                .values("region", "commodity_id", "commodity__name", "commodity__unit")
                .annotate(lines=Count("pk"), avg_price=Avg("unit_price"),
                          avg_het=Avg("het_price"), max_price=Max("unit_price"),
                          at_het=Count("pk", filter=Q(unit_price=F("het_price"))))
                .order_by("region", "commodity_id"))
    for row in rows:
        row["ratio"] = round(row["avg_price"] / row["avg_het"], 3) if row["avg_het"] else None
        row["at_het_share"] = round(row["at_het"] / row["lines"], 3) if row["lines"] else 0
    return _named(rows)


def _named(rows: list[dict]) -> list[dict]:
    found = names({row["region"] for row in rows})
    for row in rows:
        row["region_name"] = found.get(row["region"], row["region"])
    return rows


# --- suspicious patterns ----------------------------------------------------------------------


@dataclass
class MerchantPattern:
    merchant_id: int
    name: str = ""
    village_code: str = ""
    purchases: int = 0
    kpm: int = 0
    amount: int = 0
    lines: int = 0
    at_het: int = 0
    drained: int = 0
    odd_hours: int = 0
    burst_windows: int = 0
    largest_burst: int = 0
    same_basket_kpm: int = 0
    flags: list[str] = field(default_factory=list)

    @property
    def at_het_share(self) -> float:
        return round(self.at_het / self.lines, 3) if self.lines else 0.0

    @property
    def drained_share(self) -> float:
        return round(self.drained / self.purchases, 3) if self.purchases else 0.0

    @property
    def odd_hours_share(self) -> float:
        return round(self.odd_hours / self.purchases, 3) if self.purchases else 0.0

    def as_row(self) -> dict:
        return asdict(self) | {"at_het_share": self.at_het_share,
                               "drained_share": self.drained_share,
                               "odd_hours_share": self.odd_hours_share}


AT_HET, SAME_BASKET, BURSTS, ODD_HOURS, DRAINED = (
    "at_het", "same_basket", "bursts", "odd_hours", "drained")


def patterns(filters: Filters, limits: Thresholds = Thresholds(),
             flagged_only: bool = True) -> list[MerchantPattern]:
    """One row per merchant with sales in the period, its measures and the flags raised."""
    base = purchases(filters)
    found: dict[int, MerchantPattern] = {}

    def row(merchant_id: int) -> MerchantPattern:
        return found.setdefault(merchant_id, MerchantPattern(merchant_id))

    for r in base.values("merchant_id").annotate(
            n=Count("pk"), kpm=Count("household", distinct=True), amount=Sum("total"),
            drained=Count("pk", filter=Q(balance_after=0))).order_by():
        p = row(r["merchant_id"])
        p.purchases, p.kpm, p.amount, p.drained = r["n"], r["kpm"], r["amount"], r["drained"]
    for r in _lines(filters).values("purchase__merchant_id").annotate(
            n=Count("pk"), at_het=Count("pk", filter=Q(unit_price=F("het_price")))).order_by():
        p = row(r["purchase__merchant_id"])
        p.lines, p.at_het = r["n"], r["at_het"]
    for merchant_id, odd in _odd_hours(base, limits):
        row(merchant_id).odd_hours = odd
    for r in _burst_windows(base, limits):
        p = row(r["merchant_id"])
        p.burst_windows += 1
        p.largest_burst = max(p.largest_burst, r["n"])
    for merchant_id, kpm in _same_baskets(base, limits.same_basket_kpm):
        row(merchant_id).same_basket_kpm = kpm
    for merchant_id, name, village in Merchant.objects.filter(pk__in=list(found)).values_list(
            "pk", "name", "village_code"):
        found[merchant_id].name, found[merchant_id].village_code = name, village
    for p in found.values():
        p.flags = _flags(p, limits)
    rows = sorted(found.values(), key=lambda p: (-len(p.flags), -p.purchases, p.merchant_id))
    return [p for p in rows if p.flags] if flagged_only else rows


def _flags(p: MerchantPattern, limits: Thresholds) -> list[str]:
    flags = []
    if p.lines >= limits.at_het_min_lines and p.at_het_share >= limits.at_het_share:
        flags.append(AT_HET)
    if p.same_basket_kpm >= limits.same_basket_kpm:
        flags.append(SAME_BASKET)
    if p.burst_windows:
        flags.append(BURSTS)
    if p.odd_hours >= limits.odd_hours_min and p.odd_hours_share >= limits.odd_hours_share:
        flags.append(ODD_HOURS)
    if p.purchases >= limits.drained_min and p.drained_share >= limits.drained_share:
        flags.append(DRAINED)
    return flags


def _zones() -> dict[str, Q]:
    """Q per time zone over the village code (WIB also takes unknown provinces)."""
    other = {zone: [code for code, z in PROVINCE_TIME_ZONES.items() if z == zone]
             for zone in set(PROVINCE_TIME_ZONES.values()) - {WIB}}
    out, not_wib = {}, Q()
    for zone, provinces in other.items():
        q = Q()
        for code in provinces:
            q |= Q(village_code__startswith=code + ".")
        out[zone] = q
        not_wib |= q
    out[WIB] = ~not_wib
    return out


def _odd_hours(base: QuerySet, limits: Thresholds) -> list[tuple[int, int]]:
    """Purchases at odd hours of the merchant's local time: one aggregate per time zone (the
    hour is extracted by the database in that zone)."""
    rows = []
    for zone, where in _zones().items():
        with timezone.override(ZoneInfo(zone)):
            odd = Q(at__hour__gte=limits.odd_hour_start) | Q(at__hour__lte=limits.odd_hour_end)
            rows += [(r["merchant_id"], r["odd"]) for r in base.filter(where).values(
                "merchant_id").annotate(odd=Count("pk", filter=odd)).filter(odd__gt=0)
                .order_by()]
    return rows


def _burst_windows(base: QuerySet, limits: Thresholds) -> list[dict]:
    """The 10-minute windows in which one merchant made at least `burst_purchases` sales."""
    return list(base.annotate(hour=TruncHour("at"), window=Floor(ExtractMinute("at") / 10))
                .values("merchant_id", "hour", "window").annotate(n=Count("pk"))
                .filter(n__gte=limits.burst_purchases).order_by())


def _same_baskets(base: QuerySet, min_kpm: int) -> list[tuple[int, int]]:
    """(merchant, KPM) for each merchant's most common identical basket (same commodities,
    quantities and prices) bought by at least `min_kpm` different KPM."""
    ids_sql, params = base.values("pk").order_by().query.sql_with_params()
    line = PurchaseLine._meta.db_table
    purchase = Purchase._meta.db_table
    # Only table names of the models and the ORM's own parametrised subquery are formatted in;
    # every value travels as a parameter.
    item = "commodity_id || ':' || CAST(quantity AS TEXT) || ':' || CAST(unit_price AS TEXT)"
    if connection.vendor == "postgresql":
        baskets = (f"SELECT purchase_id, string_agg({item}, ',' ORDER BY commodity_id, "  # noqa: S608
                   f"quantity, unit_price) AS basket FROM {line} WHERE purchase_id IN "
                   f"({ids_sql}) GROUP BY purchase_id")
    else:  # SQLite: group_concat follows the order of the sorted subquery
        baskets = (f"SELECT purchase_id, group_concat(item, ',') AS basket FROM (SELECT "  # noqa: S608
                   f"purchase_id, {item} AS item FROM {line} WHERE purchase_id IN ({ids_sql}) "
                   f"ORDER BY purchase_id, commodity_id, quantity, unit_price) GROUP BY "
                   f"purchase_id")
    sql = (f"SELECT merchant_id, MAX(kpm) FROM (SELECT p.merchant_id, b.basket, "  # noqa: S608
           f"COUNT(DISTINCT p.household_id) AS kpm FROM ({baskets}) b JOIN {purchase} p ON "
           f"p.id = b.purchase_id GROUP BY p.merchant_id, b.basket) s WHERE kpm >= %s "
           f"GROUP BY merchant_id")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, min_kpm])
        return [(int(m), int(k)) for m, k in cursor.fetchall()]


# --- export -----------------------------------------------------------------------------------


def export_xlsx(path, filters: Filters, labels: dict[str, str]) -> int:
    """The dashboard's tables in one workbook (write-only); returns the number of rows."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    count = 0
    sheet = book.create_sheet(labels["commodities"])
    sheet.append([labels["commodity"], labels["unit"], labels["quantity"], labels["amount"],
                  labels["lines"], labels["kpm"]])
    for r in by_commodity(filters):
        sheet.append([r["commodity__name"], r["commodity__unit"], float(r["quantity"]),
                      r["amount"], r["lines"], r["kpm"]])
        count += 1
    sheet = book.create_sheet(labels["regions"])
    sheet.append([labels["region_code"], labels["region"], labels["commodity"],
                  labels["quantity"], labels["amount"], labels["kpm"]])
    for r in by_region(filters):
        sheet.append([r["region"], r["region_name"], r["commodity__name"], float(r["quantity"]),
                      r["amount"], r["kpm"]])
        count += 1
    sheet = book.create_sheet(labels["prices"])
    sheet.append([labels["region_code"], labels["region"], labels["commodity"],
                  labels["lines"], labels["avg_price"], labels["avg_het"], labels["ratio"],
                  labels["at_het_share"], labels["max_price"]])
    for r in prices_against_het(filters):
        sheet.append([r["region"], r["region_name"], r["commodity__name"], r["lines"],
                      round(float(r["avg_price"])), round(float(r["avg_het"])), r["ratio"],
                      r["at_het_share"], r["max_price"]])
        count += 1
    sheet = book.create_sheet(labels["patterns"])
    sheet.append([labels["merchant"], labels["region_code"], labels["purchases"],
                  labels["kpm"], labels["at_het_share"], labels["same_basket_kpm"],
                  labels["largest_burst"], labels["odd_hours"], labels["drained_share"],
                  labels["flags"]])
    for p in patterns(filters):
        sheet.append([p.name, p.village_code, p.purchases, p.kpm, p.at_het_share,
                      p.same_basket_kpm, p.largest_burst, p.odd_hours, p.drained_share,
                      ", ".join(labels.get(f"flag_{f}", f) for f in p.flags)])
        count += 1
    book.save(path)
    return count
