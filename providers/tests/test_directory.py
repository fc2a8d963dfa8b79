"""The provider directory: filters, region scope (national units visible to all), and the
accreditation state of LKS."""

from datetime import date

import pytest
from django.db import IntegrityError

from accounts.models import Role
from providers import selectors
from providers.models import Cluster, Grade, Kind, ServiceBase, ServiceForm

from .conftest import TODAY


@pytest.fixture
def directory_data(make_provider):
    return {
        "sentra": make_provider(
            "Sentra Antasena", Kind.SENTRA, "34.03", [Cluster.DRUG_ABUSE],
            [ServiceForm.THERAPY], residential=True, capacity=100,
        ),
        "lksa": make_provider(
            "LKSA Harapan Bogor", Kind.LKS, "32.01.01", [Cluster.CHILDREN],
            [ServiceForm.CARE_PARENTING], residential=True, family_based=True,
        ),
        "lansia": make_provider(
            "LKS Lansia Gunungputri", Kind.LKS, "32.01.02", [Cluster.ELDERLY],
            [ServiceForm.CARE_PARENTING, ServiceForm.THERAPY], community_based=True,
        ),
        "gk": make_provider("LKS Gunungkidul", Kind.LKS, "34.03.01", [Cluster.CHILDREN]),
        "closed": make_provider(
            "LKS Tutup", Kind.LKS, "32.01.01", [Cluster.CHILDREN], active=False
        ),
    }  # fmt: skip


def names(qs) -> set[str]:
    return {p.name for p in qs}


def test_regency_operator_sees_own_region_and_national_units_only(directory_data, make_user):
    user = make_user(Role.OPERATOR_KABUPATEN, "32.01")
    assert names(selectors.directory(user)) == {
        "Sentra Antasena", "LKSA Harapan Bogor", "LKS Lansia Gunungputri"
    }  # fmt: skip


def test_national_user_sees_every_active_provider(directory_data, make_user):
    user = make_user(Role.PUSAT)
    assert len(selectors.directory(user)) == 4
    assert "LKS Tutup" in names(selectors.directory(user, include_inactive=True))


def test_referral_search_everywhere_drops_the_region_scope(directory_data, make_user):
    user = make_user(Role.PEKERJA_SOSIAL, "32.01")
    assert "LKS Gunungkidul" in names(selectors.directory(user, everywhere=True))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"cluster": Cluster.CHILDREN}, {"LKSA Harapan Bogor"}),
        ({"service": ServiceForm.THERAPY}, {"Sentra Antasena", "LKS Lansia Gunungputri"}),
        ({"base": ServiceBase.RESIDENTIAL}, {"Sentra Antasena", "LKSA Harapan Bogor"}),
        ({"base": ServiceBase.COMMUNITY}, {"LKS Lansia Gunungputri"}),
        ({"kind": Kind.SENTRA}, {"Sentra Antasena"}),
        ({"region": "32.01.02"}, {"LKS Lansia Gunungputri"}),
        ({"text": "harapan"}, {"LKSA Harapan Bogor"}),
        ({"base": "no-such-base"}, set()),
        ({"cluster": Cluster.CHILDREN, "service": ServiceForm.THERAPY}, set()),
    ],
)
def test_directory_filters(directory_data, make_user, filters, expected):
    user = make_user(Role.OPERATOR_KABUPATEN, "32.01")
    assert names(selectors.directory(user, **filters)) == expected


def test_village_operator_without_the_role_sees_nothing(directory_data, make_user):
    user = make_user(Role.OPERATOR_DESA, "32.01.01.1001")
    # Every role may read the directory; its scope is the village, plus national units.
    assert names(selectors.directory(user)) == {"Sentra Antasena"}


def test_provider_for_refuses_a_provider_outside_the_scope(directory_data, make_user):
    from django.http import Http404

    user = make_user(Role.OPERATOR_KABUPATEN, "32.01")
    with pytest.raises(Http404):
        selectors.provider_for(user, directory_data["gk"].pk)
    assert selectors.provider_for(user, directory_data["sentra"].pk).name == "Sentra Antasena"


# --- accreditation --------------------------------------------------------------------------


def accredited_lks(make_provider, valid_until: date, grade: str = Grade.B):
    return make_provider(
        "LKS Terakreditasi",
        accreditation_grade=grade,
        accredited_on=date(2022, 1, 1),
        accreditation_valid_until=valid_until,
    )


def test_accreditation_is_valid_up_to_and_including_its_last_day(make_provider):
    lks = accredited_lks(make_provider, date(2026, 12, 31))
    assert lks.accreditation_valid_on(date(2026, 12, 31))
    assert not lks.accreditation_valid_on(date(2027, 1, 1))
    assert not lks.accreditation_valid_on(date(2021, 12, 31))


@pytest.mark.parametrize(
    ("valid_until", "state"),
    [
        (date(2026, 11, 29), "expired"),
        (date(2026, 12, 30), "expiring"),
        (date(2027, 6, 30), "valid"),
    ],
)
def test_accreditation_state_flags_expired_and_expiring(make_provider, valid_until, state):
    lks = accredited_lks(make_provider, valid_until)
    assert selectors.accreditation_state(lks, TODAY).code == state


def test_an_lks_without_accreditation_has_none(make_provider):
    assert selectors.accreditation_state(make_provider(), TODAY).code == "none"


def test_accredited_keeps_only_lks_valid_on_the_date(make_provider):
    valid = accredited_lks(make_provider, date(2027, 1, 1))
    accredited_lks(make_provider, date(2026, 1, 1))
    from providers.models import Provider

    assert list(selectors.accredited(Provider.objects.all(), TODAY)) == [valid]


def test_expiring_accreditations_lists_ended_and_ending(make_provider, make_user):
    accredited_lks(make_provider, date(2026, 12, 15))
    make_provider(
        "LKS Lama", accreditation_grade=Grade.C, accredited_on=date(2020, 1, 1),
        accreditation_valid_until=date(2025, 1, 1),
    )  # fmt: skip
    make_provider(
        "LKS Baik", accreditation_grade=Grade.A, accredited_on=date(2025, 1, 1),
        accreditation_valid_until=date(2030, 1, 1),
    )  # fmt: skip
    user = make_user(Role.OPERATOR_KABUPATEN, "32.01")
    found = [p.name for p in selectors.expiring_accreditations(user, TODAY)]
    assert found == ["LKS Lama", "LKS Terakreditasi"]


def test_the_database_refuses_accreditation_of_a_unit_that_is_not_an_lks(make_provider):
    with pytest.raises(IntegrityError):
        make_provider(
            "Sentra X", Kind.SENTRA, accreditation_grade=Grade.A,
            accredited_on=date(2025, 1, 1), accreditation_valid_until=date(2030, 1, 1),
        )  # fmt: skip
