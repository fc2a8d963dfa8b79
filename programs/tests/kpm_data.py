"""A small registry for the enrollment page, household block and API tests: households in two
kabupaten (Bogor 32.01 and Gunungkidul 34.03), their Dukcapil match, desil and an ASN list."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from audit.services import Context
from civil.models import MemberMatch
from programs.models import ListEntry, ListKind, ReferenceList
from ranking.models import HouseholdScore, PmtModel
from registry import identity, services
from registry.instrument import shipped_definition
from registry.models import Household
from wilayah.models import Level, Region

BOGOR_VILLAGE = "32.01.01.1001"
PERIOD = "2021-03"


def other_kabupaten_village() -> str:
    """A village of Gunungkidul (34.03), loaded by the root conftest."""
    return Region.objects.filter(code__startswith="34.03.01.", level=Level.VILLAGE).order_by(
        "code").values_list("code", flat=True)[0]


def _answers() -> dict:
    return {q["key"]: (1 if q["type"] != "boolean" else False)
            for b in shipped_definition()["blocks"] for q in b["questions"]
            if q.get("required")} | {"floor_area_m2": 36}


def nik(village: str, serial: int, birth: date, sex: str = "L") -> str:
    return identity.format_nik_for_district(village[:8], birth, sex, serial)


@dataclass
class Family:
    household: Household
    niks: list[str]


def family(actor, village: str, serial: int, head_name: str, desil: int | None = 2,
           padan: bool = True) -> Family:
    """A couple aged 45/42 (head padan unless told) with desil `desil` (None: not scored)."""
    head_birth, spouse_birth = date(1976, 1, 10), date(1979, 2, 20)
    niks = [nik(village, serial, head_birth), nik(village, serial + 1, spouse_birth, "P")]
    kk = niks[0][:6] + "0101" + f"{serial:06d}"
    members = [
        services.MemberData(nik=niks[0], name=head_name, sex="L", birth_date=head_birth,
                            relation_to_household_head=1, relation_to_family_head=1,
                            family_order=1, marital_status=2),
        services.MemberData(nik=niks[1], name=f"Istri {head_name}", sex="P",
                            birth_date=spouse_birth, relation_to_household_head=2,
                            relation_to_family_head=2, family_order=2, marital_status=2),
    ]
    household = services.create_household(
        Context(actor=actor), village, "Jl. Melati 2",
        [services.FamilyData(kk_number=kk, members=members)], _answers())
    now = timezone.now()
    if padan:
        MemberMatch.objects.bulk_create(
            MemberMatch(member=m, run_ref="test", status="padan", matched_at=now)
            for m in household.members.all())
    if desil is not None:
        model, _ = PmtModel.objects.get_or_create(name="test", version=1,
                                                  defaults={"coefficients": {}})
        HouseholdScore.objects.create(household=household, model=model, run_ref="test",
                                      province=village[:2], score=float(desil),
                                      desil_national=desil, desil_province=desil,
                                      scored_at=now)
    return Family(household, niks)


def on_list(kind: str, *niks: str) -> ReferenceList:
    reference = ReferenceList.objects.create(kind=kind, source_name=f"{kind}.csv",
                                             checksum=f"test-{kind}-{niks[0]}", rows=len(niks))
    ListEntry.objects.bulk_create(ListEntry(reference_list=reference, nik=n, name="x")
                                  for n in niks)
    return reference


@dataclass
class Registry:
    eligible: Family  # Bogor, desil 2, head padan
    asn: Family  # Bogor, the spouse on the ASN list
    unscored: Family  # Bogor, no desil
    other: Family  # Gunungkidul, eligible


def small_registry(actor) -> Registry:
    registry = Registry(
        eligible=family(actor, BOGOR_VILLAGE, 1001, "Budi Santoso"),
        asn=family(actor, BOGOR_VILLAGE, 1011, "Joko Susilo"),
        unscored=family(actor, BOGOR_VILLAGE, 1021, "Agus Salim", desil=None),
        other=family(actor, other_kabupaten_village(), 1031, "Slamet Riyadi"),
    )
    on_list(ListKind.ASN, registry.asn.niks[1])
    return registry


@dataclass
class World:
    registry: Registry
    run: object  # the sembako enrollment run of PERIOD
    admin: object


def sembako_run(admin, period: str = PERIOD):
    """Install the shipped programs and run Program Sembako's enrollment for `period`."""
    from programs.models import Program
    from programs.services import RunRequest, install_shipped, run_eligibility

    install_shipped()
    program = Program.objects.get(code="sembako")
    return run_eligibility(RunRequest(program, period), Context(actor=admin))


def world(make_user) -> World:
    admin = make_user("administrator")
    registry = small_registry(admin)
    return World(registry, sembako_run(admin), admin)
