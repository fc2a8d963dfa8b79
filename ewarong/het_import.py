"""HET price lists from XLSX: one sheet, one row per commodity (code, name, unit, HET in rupiah
per unit) for a region (code prefix, '' = national) from a date, optionally until a date.

The file is checked whole before anything is written: every problem is listed by row and
column in both languages, and a file with any problem is refused whole. A re-import of the same
region and date is a new version (ewarong/het.py applies the highest); the same file again
(same sha256 as the latest version, same period) changes nothing."""

import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from accounts import policy
from audit.models import Source
from audit.services import Context, record
from jobs.kinds import JobRefused, in_both
from wilayah.selectors import get_region

from .models import BANNED_CATEGORIES, Commodity, HetList, HetPrice

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
# The template's header (Indonesian); English headers are accepted too.
COLUMNS = ("kode", "komoditas", "satuan", "het_rp")
ALIASES = {"kode": {"kode", "code"}, "komoditas": {"komoditas", "commodity", "name", "nama"},
           "satuan": {"satuan", "unit"}, "het_rp": {"het_rp", "het", "het (rp)", "max_price"}}
REQUIRED = ("kode", "het_rp")
RUPIAH = re.compile(r"^(rp\.?\s*)?(\d{1,3}(\.\d{3})+|\d+)(,00?)?$", re.IGNORECASE)


class HetRefused(JobRefused):
    """The file or the request was refused whole (message in both languages, rows listed)."""

    def message(self, lang: str = "id") -> str:
        return self.message_en if lang == "en" else self.message_id


def _refused(text: Callable[[], str], errors: list[dict] | None = None) -> HetRefused:
    both = in_both(text)
    return HetRefused(both["id"], both["en"], errors)


def _problem(row: int | None, column: str, text: Callable[[], str]) -> dict:
    both = in_both(text)
    return {"row": row, "column": column, "message_id": both["id"], "message_en": both["en"]}


@dataclass(frozen=True)
class Imported:
    het_list: HetList
    created: bool


def check_request(user, region_prefix: str, valid_from: date | None,
                  valid_until: date | None) -> None:
    """The region and period asked for, before the file is read."""
    if region_prefix and get_region(region_prefix) is None:
        raise _refused(lambda: gettext("The region %(code)s does not exist.")
                       % {"code": region_prefix})
    if user is not None and not policy.can(user, policy.MANAGE_HET, region_prefix):
        raise _refused(lambda: gettext("You may not set the HET for this region."))
    if valid_from is None:
        raise _refused(lambda: gettext("Give the date the price list is valid from."))
    if valid_until is not None and valid_until < valid_from:
        raise _refused(lambda: gettext("The end of the period is before its start."))


def parse(content: bytes) -> dict[str, int]:
    """{commodity code: HET} from the workbook, or HetRefused listing every problem."""
    from openpyxl import load_workbook

    if len(content) > MAX_BYTES:
        raise _refused(lambda: gettext("The file is larger than 5 MB."))
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is no workbook
        raise _refused(lambda: gettext("This is not an XLSX workbook; use the template.")) \
            from error
    try:
        rows = list(book.worksheets[0].iter_rows(values_only=True, max_row=MAX_ROWS + 2))
    finally:
        book.close()
    if not rows:
        raise _refused(lambda: gettext("The file is empty; use the template."))
    columns = _header(rows[0])
    catalogue = Commodity.objects.in_bulk()
    problems: list[dict] = []
    prices: dict[str, int] = {}
    seen: dict[str, int] = {}
    if len(rows) > MAX_ROWS + 1:
        raise _refused(lambda: gettext("The file has more than %(n)s rows.") % {"n": MAX_ROWS})
    for number, values in enumerate(rows[1:], start=2):
        cells = {name: values[i] if i < len(values) else None for name, i in columns.items()}
        if _blank(cells["het_rp"]):
            continue  # an empty row, or a commodity left without HET (see the template)
        code = str(cells["kode"] or "").strip().lower()
        commodity = catalogue.get(code)
        if not code:
            problems.append(_problem(number, "kode", lambda: gettext(
                "The commodity code is empty.")))
        elif commodity is None:
            problems.append(_problem(number, "kode", lambda c=code: gettext(
                "Unknown commodity code %(code)s (see the catalogue).") % {"code": c}))
        elif commodity.category in BANNED_CATEGORIES:
            problems.append(_problem(number, "kode", lambda c=commodity: gettext(
                "%(name)s may not be bought with the Sembako balance (%(category)s); it has "
                "no HET.") % {"name": c.name, "category": c.get_category_display()}))
        elif code in seen:
            problems.append(_problem(number, "kode", lambda c=code, r=seen[code]: gettext(
                "%(code)s is already on row %(row)s.") % {"code": c, "row": r}))
        price = _price(cells["het_rp"])
        if price is None:
            problems.append(_problem(number, "het_rp", lambda: gettext(
                "The HET must be a whole number of rupiah above zero.")))
        if code and code not in seen:
            seen[code] = number
        if commodity is not None and price is not None:
            prices[code] = price
    if not problems and not prices:
        raise _refused(lambda: gettext("The file holds no price; fill in the template."))
    if problems:
        raise _refused(lambda: gettext("The file was refused: %(n)s problems; nothing was "
                                       "imported.") % {"n": len(problems)}, problems)
    return prices


def _header(first_row: tuple) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, value in enumerate(first_row):
        text = str(value or "").strip().lower()
        for name, names in ALIASES.items():
            if text in names and name not in found:
                found[name] = i
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        errors = [_problem(1, name, lambda n=name: gettext(
            "The column %(column)s is missing in the first row.") % {"column": n})
            for name in missing]
        raise _refused(lambda: gettext("The file does not have the template's columns."),
                       errors)
    return {name: found[name] for name in REQUIRED}


def _blank(value) -> bool:
    return value is None or str(value).strip() == ""


def _price(value) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        price = value
    elif isinstance(value, float):
        if not value.is_integer():
            return None
        price = int(value)
    else:
        text = str(value).strip().replace(" ", "")
        match = RUPIAH.match(text)
        if not match:
            return None
        price = int(match.group(2).replace(".", ""))
    return price if 0 < price <= 100_000_000 else None


def import_het(ctx: Context, content: bytes, file_name: str, region_prefix: str,
               valid_from: date, valid_until: date | None = None) -> Imported:
    """Import one HET list; atomic and idempotent (see the module docstring)."""
    region_prefix = (region_prefix or "").strip()
    check_request(ctx.actor, region_prefix, valid_from, valid_until)
    prices = parse(content)
    ctx = replace(ctx, source=Source.IMPORT, source_ref=ctx.source_ref or file_name[:200])
    digest = hashlib.sha256(content).hexdigest()
    for _attempt in range(2):
        try:
            return _write(ctx, prices, digest, file_name, region_prefix, valid_from,
                          valid_until)
        except IntegrityError:  # the same version written at the same moment elsewhere
            continue
    raise _refused(lambda: gettext("Another import of this price list ran at the same time; "
                                   "try again."))


def _write(ctx, prices, digest, file_name, region_prefix, valid_from, valid_until) -> Imported:
    with transaction.atomic():
        latest = (HetList.objects.select_for_update()
                  .filter(region_prefix=region_prefix, valid_from=valid_from)
                  .order_by("-version").first())
        if latest and latest.sha256 == digest and latest.valid_until == valid_until:
            return Imported(latest, created=False)
        het_list = HetList.objects.create(
            region_prefix=region_prefix, valid_from=valid_from, valid_until=valid_until,
            version=(latest.version + 1) if latest else 1, file_name=file_name[:200],
            sha256=digest,
            created_by=ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None)
        HetPrice.objects.bulk_create(HetPrice(het_list=het_list, commodity_id=code,
                                              max_price=price)
                                     for code, price in sorted(prices.items()))
        record(ctx, "ewarong.het.import", het_list, {
            "region": [None, region_prefix], "valid_from": [None, str(valid_from)],
            "valid_until": [None, str(valid_until) if valid_until else None],
            "version": [None, het_list.version], "prices": [None, len(prices)],
            "sha256": [None, digest]}, region_code=region_prefix)
    return Imported(het_list, created=True)


def import_context(user, job_id: int | None = None) -> Context:
    return Context(user, source=Source.IMPORT, reason="HET import",
                   source_ref=f"job:{job_id}" if job_id else "")


def template_xlsx(prices: dict[str, int] | None = None) -> bytes:
    """The template: the allowed commodities with their unit, the HET column to fill (or
    filled with `prices`), and a sheet that explains the columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "HET"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for commodity in Commodity.objects.exclude(category__in=BANNED_CATEGORIES).order_by(
            "category", "name"):
        sheet.append([commodity.code, commodity.name, commodity.unit,
                      (prices or {}).get(commodity.code)])
    for column, width in zip("ABCD", (24, 30, 10, 14), strict=True):
        sheet.column_dimensions[column].width = width
    notes = book.create_sheet(gettext("Instructions"))
    for line in (
        gettext("One row per commodity; keep the first row as it is."),
        gettext("kode: the commodity code of the catalogue (do not change it)."),
        gettext("het_rp: the highest price in rupiah per unit (a whole number)."),
        gettext("Leave a row's het_rp empty or delete the row for a commodity without HET."),
        gettext("The region and the period are chosen on the import page."),
        gettext("Cigarettes, alcohol and processed goods may not be bought; they have no HET."),
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
