"""The access policy: each official sees and changes only their own region, by role."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts import policy
from accounts.models import Role
from audit.services import Context
from conftest import VILLAGE_A, VILLAGE_B, VILLAGE_OTHER_DISTRICT
from registry import selectors, services
from registry.models import Household, Status

pytestmark = pytest.mark.django_db


def test_village_operator_lists_only_households_of_their_village(make_user, make_household):
    own = make_household(VILLAGE_A)
    other = make_household(VILLAGE_B, nik="3201014502900001", kk="3201010101200002")
    operator = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    visible = set(selectors.households_for(operator).values_list("id", flat=True))
    assert own.id in visible
    assert other.id not in visible


def test_village_operator_cannot_open_household_of_another_village(make_user, make_household):
    other = make_household(VILLAGE_B)
    operator = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    with pytest.raises(Household.DoesNotExist):
        selectors.household_for(operator, other.id)


def test_village_operator_cannot_change_household_of_another_village(make_user, make_household):
    other = make_household(VILLAGE_B)
    operator = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    with pytest.raises(PermissionDenied):
        services.update_household(
            Context(actor=operator), other.id, other.revision, {"address": "Jl. Lain"}
        )
    with pytest.raises(PermissionDenied):
        services.change_status(Context(actor=operator), other, Status.INACTIVE, "moved")
    other.refresh_from_db()
    assert other.address == "Jl. Mawar No. 1"
    assert other.status == Status.ACTIVE


def test_regency_operator_sees_every_village_of_the_regency_but_not_another(
    make_user, make_household
):
    a = make_household(VILLAGE_A)
    b = make_household(VILLAGE_OTHER_DISTRICT)
    gunungkidul = make_user(Role.OPERATOR_KABUPATEN, "34.03")
    bogor = make_user(Role.OPERATOR_KABUPATEN, "32.01")
    assert set(selectors.households_for(bogor).values_list("id", flat=True)) >= {a.id, b.id}
    assert not selectors.households_for(gunungkidul).filter(id__in=[a.id, b.id]).exists()


def test_auditor_sees_everything_and_can_change_nothing(make_user, make_household):
    household = make_household(VILLAGE_A)
    auditor = make_user(Role.AUDITOR)
    assert selectors.households_for(auditor).filter(id=household.id).exists()
    assert not policy.can(auditor, policy.CHANGE_REGISTRY, VILLAGE_A)
    with pytest.raises(PermissionDenied):
        services.update_household(
            Context(actor=auditor), household.id, household.revision, {"address": "Jl. Baru"}
        )
    with pytest.raises(PermissionDenied):
        services.change_status(Context(actor=auditor), household, Status.INACTIVE, "deceased")


def test_inactive_or_roleless_user_sees_nothing(make_user, make_household):
    make_household(VILLAGE_A)
    user = make_user(Role.PUSAT)
    user.is_active = False
    assert not selectors.households_for(user).exists()


@pytest.mark.parametrize(
    ("role", "region", "ok"),
    [
        (Role.OPERATOR_DESA, VILLAGE_A, True),
        (Role.OPERATOR_DESA, "32.01", False),
        (Role.OPERATOR_KABUPATEN, "32.01", True),
        (Role.OPERATOR_KABUPATEN, "32", False),
        (Role.DINSOS_PROVINSI, "32", True),
        (Role.PUSAT, "", True),
    ],
)
def test_roles_are_bound_to_a_region_of_their_level(role, region, ok):
    assert (policy.scope_problem(role, region) is None) is ok
