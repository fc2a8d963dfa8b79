"""Workers of Bogor (32.01): certified pekerja sosial, supervisors, other professionals."""

from datetime import date

import pytest

from registry.identity import format_nik_for_district
from workforce.models import Assignment, Certificate, Worker, WorkerKind

TODAY = date(2026, 11, 30)


def nik(serial: int) -> str:
    return format_nik_for_district("32.01.01", date(1985, 5, 17), "L", serial)


@pytest.fixture
def make_worker(db):
    def make(
        name: str = "Sri Wahyuni",
        kind: str = WorkerKind.PEKERJA_SOSIAL,
        region: str = "32.01",
        **fields,
    ) -> Worker:
        return Worker.objects.create(name=name, kind=kind, region_id=region, **fields)

    return make


@pytest.fixture
def certify(db):
    def make(
        worker: Worker,
        valid_until: date = date(2028, 1, 1),
        supervision: bool = False,
        issued_on: date = date(2023, 1, 1),
        number: str | None = None,
    ) -> Certificate:
        return Certificate.objects.create(
            worker=worker,
            number=number or f"LSPS-{worker.pk}-{valid_until:%Y%m%d}",
            issued_on=issued_on,
            valid_until=valid_until,
            supervision=supervision,
        )

    return make


@pytest.fixture
def assign(db):
    def make(worker: Worker, provider=None, region: str | None = None, **fields) -> Assignment:
        fields.setdefault("start_date", date(2025, 1, 1))
        return Assignment.objects.create(
            worker=worker, provider=provider, region_id=region, **fields
        )

    return make


@pytest.fixture
def make_provider(db):
    from providers.models import Kind, Provider

    def make(name: str = "LKS Harapan", region: str = "32.01.01", kind: str = Kind.LKS):
        return Provider.objects.create(name=name, kind=kind, region_id=region)

    return make
