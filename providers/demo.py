"""Demo providers for one kabupaten: national sentra (elsewhere, visible to all), the Dinas Sosial
offices, a provincial and a kabupaten UPTD, and LKS with accreditations (one expired, one
expiring). Written in bulk with one audit event per provider naming the demo run."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from audit.models import Source
from audit.services import Context, record_bulk
from wilayah.models import Level, Region
from wilayah.selectors import within_scope

from .models import (
    Cluster,
    Grade,
    Kind,
    Provider,
    ProviderCluster,
    ProviderService,
    ServiceForm,
)

DEMO_REF = "demo:providers"
C, S = Cluster, ServiceForm


@dataclass
class Spec:
    name: str
    kind: str
    where: str  # region code, or 'district:<n>' for the n-th district of the scope
    clusters: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    bases: tuple[bool, bool, bool] = (False, False, False)  # family, community, residential
    capacity: int | None = None
    # LKS: (grade, accredited days ago, valid for days)
    accreditation: tuple[str, int, int] | None = None
    legal: bool = False
    supervisor: str = ""  # name of the supervising unit


ALL_FORMS = list(S.values)
SPECS = [
    Spec("Sentra Antasena Magelang", Kind.SENTRA, "33.08", [C.DRUG_ABUSE], ALL_FORMS,
         (True, True, True), 120),
    Spec("Sentra Terpadu Prof. Dr. Soeharso Surakarta", Kind.SENTRA, "33.72", [C.DISABILITY],
         ALL_FORMS, (True, True, True), 200),
    Spec("Sentra Handayani Jakarta", Kind.SENTRA, "31.75", [C.CHILDREN, C.TUNA_SOSIAL],
         ALL_FORMS, (True, True, True), 100),
    Spec("Sentra Budhi Dharma Bekasi", Kind.SENTRA, "32.75", [C.ELDERLY], ALL_FORMS,
         (True, True, True), 90),
    Spec("Dinas Sosial Daerah Istimewa Yogyakarta", Kind.DINAS_PROVINSI, "province"),
    Spec("Dinas Sosial Kabupaten", Kind.DINAS_KABUPATEN, "scope"),
    Spec("Balai Rehabilitasi Sosial Bina Karya dan Laras (UPTD Provinsi)", Kind.UPTD_PROVINSI,
         "district:0", [C.TUNA_SOSIAL, C.OTHER_PPKS, C.DISASTER],
         [S.DECENT_LIVING, S.THERAPY, S.VOCATIONAL, S.SOCIAL_ASSISTANCE], (False, True, True), 60,
         supervisor="Sentra Antasena Magelang"),
    Spec("UPTD Rumah Perlindungan Sosial Kabupaten", Kind.UPTD_KABUPATEN, "district:1",
         [C.CHILDREN, C.TUNA_SOSIAL, C.DISASTER, C.OTHER_PPKS],
         [S.DECENT_LIVING, S.CARE_PARENTING, S.FAMILY_SUPPORT, S.THERAPY], (True, False, True), 30,
         supervisor="Dinas Sosial Kabupaten"),
    Spec("LKSA Panti Asuhan Putra Harapan", Kind.LKS, "district:2", [C.CHILDREN],
         [S.CARE_PARENTING, S.FAMILY_SUPPORT, S.DECENT_LIVING, S.VOCATIONAL], (True, False, True),
         45, ("A", 400, 1825), True, "Sentra Handayani Jakarta"),
    Spec("LKS Lanjut Usia Sasana Tresna Werdha", Kind.LKS, "district:3", [C.ELDERLY],
         [S.CARE_PARENTING, S.DECENT_LIVING, S.THERAPY], (True, True, True), 35,
         ("B", 1900, 1825), True, "Sentra Budhi Dharma Bekasi"),  # expired
    Spec("Yayasan Rehabilitasi NAPZA Bina Insani", Kind.LKS, "district:4", [C.DRUG_ABUSE],
         [S.THERAPY, S.VOCATIONAL, S.FAMILY_SUPPORT], (True, True, True), 25,
         ("C", 1780, 1825), True, "Sentra Antasena Magelang"),  # expiring soon
    Spec("LKS Disabilitas Bina Karya Mandiri", Kind.LKS, "district:5", [C.DISABILITY],
         [S.THERAPY, S.VOCATIONAL, S.ACCESSIBILITY], (True, True, False), None,
         ("B", 700, 1825), True, "Sentra Terpadu Prof. Dr. Soeharso Surakarta"),
    Spec("LKS Perempuan dan Anak Sekar Melati", Kind.LKS, "district:6",
         [C.CHILDREN, C.TUNA_SOSIAL, C.OTHER_PPKS], [S.FAMILY_SUPPORT, S.THERAPY],
         (True, True, False), None, None, False, "Dinas Sosial Kabupaten"),
    Spec("Posyandu Lansia dan LKS Ngudi Waras", Kind.LKS, "district:7", [C.ELDERLY],
         [S.CARE_PARENTING, S.ACCESSIBILITY], (False, True, False), None, ("C", 300, 1825),
         False, "Dinas Sosial Kabupaten"),
]  # fmt: skip


def _place(spec: Spec, scope: str, districts: list[Region]) -> str:
    if spec.where == "scope":
        return scope
    if spec.where == "province":
        return scope.split(".")[0]
    if spec.where.startswith("district:"):
        n = int(spec.where.split(":")[1])
        return districts[n % len(districts)].code if districts else scope
    # A national unit elsewhere; in a partial region tree it stays in the province.
    return spec.where if Region.objects.filter(code=spec.where).exists() else scope.split(".")[0]


def _name(spec: Spec, scope_name: str) -> str:
    """'Dinas Sosial Kabupaten' -> 'Dinas Sosial Kabupaten Gunungkidul' (or 'Kota ...')."""
    return spec.name.replace("Kabupaten", scope_name)


@transaction.atomic
def seed(scope: str, today: date | None = None) -> dict[str, int]:
    """Create the demo providers of kabupaten `scope` (idempotent: does nothing when the scope
    already has providers). Returns counts per kind."""
    today = today or timezone.localdate()
    region = Region.objects.get(code=scope)
    if Provider.objects.filter(within_scope(scope, "region__code")).exists():
        return {}
    districts = list(Region.objects.filter(parent_id=scope, level=Level.DISTRICT).order_by("code"))
    by_name: dict[str, Provider] = {}
    created: list[Provider] = []
    counts: dict[str, int] = {}
    for i, spec in enumerate(SPECS, start=1):
        name = _name(spec, region.name)
        if spec.kind in (Kind.SENTRA, Kind.DINAS_PROVINSI):
            existing = Provider.objects.filter(name=name).first()
            if existing:  # shared by several demo scopes
                by_name[spec.name] = existing
                continue
        place = _place(spec, scope, districts)
        family, community, residential = spec.bases
        provider = Provider(
            name=name,
            kind=spec.kind,
            region_id=place,
            address=f"Jl. Sosial No. {i * 7}",
            phone=f"0274-39{i:04d}",
            family_based=family,
            community_based=community,
            residential=residential,
            capacity=spec.capacity,
            supervisor=by_name.get(spec.supervisor),
        )
        if spec.kind == Kind.LKS:
            provider.registration_number = f"{scope}/LKS/{i:03d}"
            provider.registration_date = today - timedelta(days=2500 - 90 * i)
            if spec.legal:
                provider.legal_entity = True
                provider.legal_number = f"AHU-00{i}4{i}.AH.01.04.Tahun 2019"
                provider.legal_date = date(2019, 1 + i % 12, 10 + i)
        if spec.accreditation:
            grade, ago, valid_days = spec.accreditation
            provider.accreditation_grade = Grade(grade)
            provider.accreditation_number = f"{i:03d}/AKR-LKS/{today.year}"
            provider.accredited_on = today - timedelta(days=ago)
            provider.accreditation_valid_until = provider.accredited_on + timedelta(days=valid_days)
        provider.save()
        ProviderCluster.objects.bulk_create(
            [ProviderCluster(provider=provider, cluster=c) for c in spec.clusters]
        )
        ProviderService.objects.bulk_create(
            [ProviderService(provider=provider, form=f) for f in spec.services]
        )
        by_name[spec.name] = provider
        created.append(provider)
        counts[spec.kind] = counts.get(spec.kind, 0) + 1
    record_bulk(
        Context(source=Source.SYSTEM, source_ref=DEMO_REF),
        "providers.provider.create",
        "providers.provider",
        [(str(p.pk), p.region_id, {"name": [None, p.name]}) for p in created],
    )
    return counts
