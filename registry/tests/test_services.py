"""Registry changes: validation, status with reasons and history, no lost updates."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from audit.services import Context
from conftest import VILLAGE_A
from registry import services
from registry.models import Household, Member, Status, StatusChange

pytestmark = pytest.mark.django_db


def test_stale_update_is_refused_and_the_first_change_is_kept(make_user, make_household):
    operator = make_user(Role.PUSAT)  # direct edits: the data centre only
    household = make_household(VILLAGE_A)
    read_revision = household.revision
    services.update_household(
        Context(actor=operator), household.id, read_revision, {"address": "Jl. Pertama"}
    )
    with pytest.raises(services.StaleRecord):
        services.update_household(
            Context(actor=operator), household.id, read_revision, {"address": "Jl. Kedua"}
        )
    assert Household.objects.get(pk=household.pk).address == "Jl. Pertama"


def test_answers_outside_the_code_list_are_refused_and_nothing_changes(make_user, make_household):
    operator = make_user(Role.PUSAT)  # direct edits: the data centre only
    household = make_household(VILLAGE_A)
    bad = dict(household.answers, floor_material=99)
    with pytest.raises(ValidationError) as error:
        services.update_household(
            Context(actor=operator), household.id, household.revision, {"answers": bad}
        )
    assert "floor_material" in error.value.message_dict
    assert Household.objects.get(pk=household.pk).answers == household.answers


def test_changing_an_answer_updates_its_indexed_copy(make_user, make_household):
    operator = make_user(Role.PUSAT)  # direct edits: the data centre only
    household = make_household(VILLAGE_A)
    answers = dict(household.answers, floor_material=9, floor_area_m2=18)
    household = services.update_household(
        Context(actor=operator), household.id, household.revision, {"answers": answers}
    )
    assert (household.floor_material, household.floor_area_m2) == (9, 18)
    assert Household.objects.filter(floor_material=9, pk=household.pk).exists()


def test_deactivation_needs_a_reason(make_user, make_household):
    operator = make_user(Role.PUSAT)  # direct edits: the data centre only
    household = make_household(VILLAGE_A)
    with pytest.raises(ValidationError):
        services.change_status(Context(actor=operator), household, Status.INACTIVE, "")
    assert Household.objects.get(pk=household.pk).status == Status.ACTIVE


def test_deactivating_a_household_deactivates_its_members_with_history(make_user, make_household):
    operator = make_user(Role.PUSAT)  # direct edits: the data centre only
    household = make_household(VILLAGE_A)
    services.change_status(
        Context(actor=operator), household, Status.INACTIVE, "deceased", note="surat kematian desa"
    )
    member = Member.objects.get(household=household)
    assert (member.status, member.inactive_reason) == (Status.INACTIVE, "deceased")
    history = StatusChange.objects.filter(kind="member", record_id=member.pk).get()
    assert history.actor == operator and history.note == "surat kematian desa"
    services.change_status(Context(actor=operator), household, Status.ACTIVE)
    assert Household.objects.get(pk=household.pk).inactive_reason == ""


def test_invalid_nik_is_refused_with_the_field_named(make_user):
    operator = make_user(Role.PUSAT)  # direct edits: the data centre only
    member = services.MemberData(
        nik="3201013102850001",
        name="Ani",
        sex="P",
        birth_date=None,
        relation_to_household_head=1,
        relation_to_family_head=1,
        family_order=1,
        marital_status=1,
    )
    with pytest.raises(ValidationError) as error:
        services.create_household(
            Context(actor=operator),
            VILLAGE_A,
            "Jl. A",
            [services.FamilyData("3201010101200001", [member])],
            {},
        )
    assert "families[1].members[1].nik" in error.value.message_dict
    assert not Household.objects.filter(address="Jl. A").exists()


def test_database_refuses_an_inactive_record_without_reason(make_household):
    from django.db import IntegrityError, transaction

    household = make_household(VILLAGE_A)
    with pytest.raises(IntegrityError), transaction.atomic():
        Household.objects.filter(pk=household.pk).update(status=Status.INACTIVE)


def test_reactivating_a_household_brings_back_the_members_that_went_with_it(
    make_user, make_household
):
    operator = make_user(Role.PUSAT)  # direct edits: the data centre only
    household = make_household(VILLAGE_A)
    ctx = Context(actor=operator)
    head = household.members.get()
    other = Member.objects.create(
        household=household,
        family=head.family,
        village=head.village,
        nik="",
        name="Ani",
        name_key="ANI",
        sex="P",
        relation_to_household_head=3,
        relation_to_family_head=4,
        family_order=2,
        marital_status=1,
    )
    services.change_status(ctx, other, Status.INACTIVE, "deceased")
    services.change_status(ctx, household, Status.INACTIVE, "moved")
    services.change_status(ctx, household, Status.ACTIVE)
    head.refresh_from_db()
    other.refresh_from_db()
    assert (head.status, head.inactive_reason) == (Status.ACTIVE, "")
    assert (other.status, other.inactive_reason) == (Status.INACTIVE, "deceased")


@pytest.mark.parametrize("text", ["320101120885000", "%", "_", "3201 0112 0885 00x"])
def test_search_text_that_is_neither_a_number_nor_a_name_finds_nobody(text, make_household):
    from accounts.models import User
    from registry.selectors import search_members

    make_household(VILLAGE_A)
    auditor = User.objects.create_user(username="aud", password="x", role=Role.AUDITOR)
    assert not search_members(auditor, text).exists()
    assert search_members(auditor, "").exists()
