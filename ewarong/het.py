"""The HET that applies to a sale: for each commodity, the price of the list of the most
specific region that contains the merchant's village (village, kecamatan, kabupaten, province,
national) valid on the day. A re-import of a region's list for the same date is a new version
that replaces the whole list: only the highest version of each (region, date) counts."""

from datetime import date

from django.db.models import Q

from .models import HetList, HetPrice


def region_prefixes(village_code: str) -> list[str]:
    """'32.01.01.1001' -> ['32.01.01.1001', '32.01.01', '32.01', '32', '']."""
    parts = village_code.split(".")
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)] + [""]


def het_prices(village_code: str, on: date, commodities: list[str] | None = None) -> dict[str, int]:
    """{commodity code: HET in rupiah per unit} in force at `village_code` on `on`."""
    lists = HetList.objects.filter(region_prefix__in=region_prefixes(village_code),
                                   valid_from__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on))
    latest: dict[tuple, tuple[int, int]] = {}
    for pk, prefix, valid_from, version in lists.values_list(
            "pk", "region_prefix", "valid_from", "version"):
        if version > latest.get((prefix, valid_from), (0, 0))[0]:
            latest[(prefix, valid_from)] = (version, pk)
    rows = HetPrice.objects.filter(het_list_id__in=[pk for _, pk in latest.values()])
    if commodities is not None:
        rows = rows.filter(commodity_id__in=commodities)
    best: dict[str, tuple] = {}
    for code, prefix, valid_from, version, price in rows.values_list(
            "commodity_id", "het_list__region_prefix", "het_list__valid_from",
            "het_list__version", "max_price"):
        rank = (len(prefix), valid_from, version)
        if code not in best or rank > best[code][0]:
            best[code] = (rank, price)
    return {code: price for code, (_, price) in best.items()}
