"""Certification and supervision competency (Permensos 7/2021 articles 1, 11(4), 42) and the
selectors that H-atensi builds on: supervisors_for, provider_of, workers_for."""

from datetime import date

import pytest

from accounts.models import Role
from workforce import selectors, services
from workforce.models import WorkerKind

from .conftest import TODAY


def test_a_pekerja_sosial_with_a_valid_certificate_is_certified(make_worker, certify):
    # Art. 1: "Pekerja Sosial adalah seseorang ... serta telah mendapatkan sertifikat kompetensi."
    worker = make_worker()
    assert not services.is_certified(worker, TODAY)
    certify(worker, valid_until=date(2027, 1, 1))
    assert services.is_certified(worker, TODAY)


def test_certificate_is_valid_through_its_last_day_and_not_after(make_worker, certify):
    worker = make_worker()
    certify(worker, valid_until=TODAY)
    assert services.is_certified(worker, TODAY)
    assert not services.is_certified(worker, date(2026, 12, 1))
    assert not services.is_certified(worker, date(2022, 12, 31))  # before it was issued


def test_supervision_needs_a_valid_certificate_with_supervision_competency(make_worker, certify):
    # Art. 11(4): "Proses manajemen kasus ... dilakukan supervisi pekerjaan sosial oleh Pekerja
    # Sosial" -- the supervising pekerja sosial holds supervision competency.
    worker = make_worker()
    certify(worker, supervision=False)
    assert services.is_certified(worker, TODAY)
    assert not services.can_supervise(worker, TODAY)
    certify(worker, supervision=True, number="SUP-1")
    assert services.can_supervise(worker, TODAY)


def test_an_expired_certificate_cannot_supervise(make_worker, certify):
    worker = make_worker()
    certify(worker, supervision=True, valid_until=date(2026, 11, 29))
    assert not services.can_supervise(worker, TODAY)
    assert services.can_supervise(worker, date(2026, 11, 29))


def test_an_inactive_worker_supervises_nobody(make_worker, certify):
    worker = make_worker(active=False)
    certify(worker, supervision=True)
    assert not services.can_supervise(worker, TODAY)


def test_only_a_pekerja_sosial_is_certified(make_worker, certify):
    psychologist = make_worker("Dewi", kind=WorkerKind.PSYCHOLOGIST)
    certify(psychologist, supervision=True)  # wrongly stored: still does not count
    assert not services.is_certified(psychologist, TODAY)
    assert not services.can_supervise(psychologist, TODAY)


def test_supervisors_for_a_provider(make_worker, certify, assign, make_provider):
    lks = make_provider()
    other = make_provider("LKS Lain")
    sup = make_worker("Bambang")
    certify(sup, supervision=True)
    assign(sup, lks)
    expired = make_worker("Rina")
    certify(expired, supervision=True, valid_until=date(2026, 1, 1))
    assign(expired, lks)
    plain = make_worker("Dwi")
    certify(plain)
    assign(plain, lks)
    elsewhere = make_worker("Agus")
    certify(elsewhere, supervision=True)
    assign(elsewhere, other)
    ended = make_worker("Heru")
    certify(ended, supervision=True)
    assign(ended, lks, end_date=date(2026, 6, 30))
    assert [w.name for w in selectors.supervisors_for(lks, TODAY)] == ["Bambang"]


def test_supervisors_for_a_region_include_providers_inside_it(
    make_worker, certify, assign, make_provider
):
    lks = make_provider(region="32.01.02")
    at_lks = make_worker("Bambang")
    certify(at_lks, supervision=True)
    assign(at_lks, lks)
    at_dinas = make_worker("Heru")
    certify(at_dinas, supervision=True)
    assign(at_dinas, region="32.01")
    gk = make_worker("Sri", region="34.03")
    certify(gk, supervision=True)
    assign(gk, region="34.03.01")
    assert [w.name for w in selectors.supervisors_for("32.01.02", TODAY)] == ["Bambang"]
    assert [w.name for w in selectors.supervisors_for("32.01", TODAY)] == ["Bambang", "Heru"]


def test_provider_of_follows_the_users_running_assignments(
    make_worker, assign, make_provider, make_user
):
    user = make_user(Role.PEKERJA_SOSIAL, "32.01")
    worker = make_worker(user=user)
    lks, old, future = make_provider("LKS A"), make_provider("LKS B"), make_provider("LKS C")
    assign(worker, lks)
    assign(worker, old, end_date=date(2026, 1, 31))
    assign(worker, future, start_date=date(2027, 1, 1))
    assign(worker, region="32.01.01")
    assert list(selectors.provider_of(user, TODAY)) == [lks]
    assert selectors.worker_of(user) == worker
    assert not selectors.provider_of(make_user(Role.PEKERJA_SOSIAL, "32.01", username="x"))


def test_workers_for_is_scoped_by_region_and_assignment(
    make_worker, assign, make_provider, make_user
):
    make_worker("Bogor", region="32.01")
    make_worker("Gunungkidul", region="34.03")
    seconded = make_worker("Diperbantukan", region="34.03")
    assign(seconded, make_provider(region="32.01.02"))
    names = {w.name for w in selectors.workers_for(make_user(Role.OPERATOR_KABUPATEN, "32.01"))}
    assert names == {"Bogor", "Diperbantukan"}
    assert selectors.workers_for(make_user(Role.PUSAT)).count() == 3
    assert not selectors.workers_for(make_user(Role.OPERATOR_DESA, "32.01.01.1001")).exists()


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("3201011705850001", True),
        ("", True),
        ("32010117058500", False),  # 14 digits
        ("3201013205850001", False),  # day 32
        ("320101170585000A", False),
    ],
)
def test_nik_is_validated_with_the_registry_rules(db, value, ok):
    assert (services.nik_error(value) is None) is ok


def test_certification_of_a_page_of_workers_matches_the_single_checks(make_worker, certify):
    sup, plain, expired, nurse = (
        make_worker("A"), make_worker("B"), make_worker("C"),
        make_worker("D", kind=WorkerKind.NURSE),
    )  # fmt: skip
    certify(sup, supervision=True)
    certify(plain)
    certify(expired, supervision=True, valid_until=date(2026, 1, 1))
    certify(nurse, supervision=True)
    status = services.certification_of([w.pk for w in (sup, plain, expired, nurse)], TODAY)
    assert status == {sup.pk: "supervisor", plain.pk: "certified"}
    for w in (sup, plain, expired, nurse):
        assert (status.get(w.pk) == "supervisor") == services.can_supervise(w, TODAY)
        assert (w.pk in status) == services.is_certified(w, TODAY)
