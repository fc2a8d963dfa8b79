"""Reads that serve the public cek bansos page. They read only the lookup tables (refreshed by
portal/tasks.py) and return what the page may show: region, masked name, age, desil and the
programs with status and period; never the NIK, the address, health or disability data."""

from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.utils import timezone

from registry.names import name_key
from wilayah import selectors as regions

from .masking import mask_name
from .models import LookupPerson, LookupProgram

MIN_NAME_LETTERS = 4  # shorter names would match too many people
MAX_RESULTS = 10  # people with exactly the same name in one village


@dataclass(frozen=True)
class ProgramLine:
    code: str
    name: str
    period: str
    status: str
    status_label: str


@dataclass(frozen=True)
class PublicResult:
    """One person as the public page shows them."""

    region: str
    masked_name: str
    age: int | None
    desil: int | None
    programs: list[ProgramLine] = field(default_factory=list)


def normalised_name(text: str) -> str:
    """The name as the registry keys it (case, accents, punctuation and spaces folded); ''
    when it is too short to ask for."""
    key = name_key(text or "")
    return key if len(key.replace(" ", "")) >= MIN_NAME_LETTERS else ""


def age_on(birth_date: date | None, today: date) -> int | None:
    if birth_date is None:
        return None
    return today.year - birth_date.year - ((today.month, today.day)
                                           < (birth_date.month, birth_date.day))


def by_name(village_code: str, name: str) -> list[PublicResult]:
    """People of the village whose normalised name equals the normalised `name` exactly."""
    key = normalised_name(name)
    if not key or not village_code:
        return []
    people = LookupPerson.objects.filter(village_code=village_code, name_key=key)
    return _results(list(people.order_by("member_id")[:MAX_RESULTS]))


def by_nik(nik: str) -> list[PublicResult]:
    digits = "".join(ch for ch in nik or "" if ch.isdigit())
    if len(digits) != 16:
        return []
    return _results(list(LookupPerson.objects.filter(nik=digits).order_by("member_id")[:1]))


def _results(people: list[LookupPerson]) -> list[PublicResult]:
    if not people:
        return []
    today = timezone.localdate()
    lines: dict[int, list[LookupProgram]] = {}
    for row in LookupProgram.objects.filter(
            household_id__in={p.household_id for p in people}).order_by("program_code", "id"):
        lines.setdefault(row.household_id, []).append(row)
    out = []
    for p in people:
        programs = [ProgramLine(r.program_code, r.program_name, r.period, r.status,
                                str(r.get_status_display()))
                    for r in lines.get(p.household_id, [])
                    if r.member_id is None or r.member_id == p.member_id]
        out.append(PublicResult(region=region_label(p.village_code),
                                masked_name=mask_name(p.name), age=age_on(p.birth_date, today),
                                desil=p.desil, programs=programs))
    return out


def region_label(code: str) -> str:
    """Village, district, regency, province by name: the region path, no address detail.
    Cached (region names change with a Kepmendagri update, not per request)."""
    return cache.get_or_set(f"portal:region:{code}", lambda: regions.label(code), 3600)
