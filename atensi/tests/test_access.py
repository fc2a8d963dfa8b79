"""Who may open an ATENSI case file, and what is logged when they do."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from accounts.models import Role
from atensi import access, services
from atensi.models import Section
from audit.models import Event
from audit.services import Context

pytestmark = pytest.mark.django_db


def reads(case, action="read"):
    return Event.objects.filter(action=action, object_type="atensi.case", object_id=str(case.pk))


def test_an_lks_worker_cannot_open_another_providers_case(world):
    case = world.case()
    with pytest.raises(Http404):
        access.open_case(Context(world.other_worker), case.pk)
    assert not access.visible_cases(world.other_worker).filter(pk=case.pk).exists()
    assert access.visible_cases(world.worker).filter(pk=case.pk).exists()
    # Staff of the same provider see the whole file.
    assert access.open_case(Context(world.uncertified), case.pk).sections == access.FULL


def test_roles_without_case_work_see_no_case_file(world):
    case = world.case()
    for role, region in [
        (Role.OPERATOR_KABUPATEN, "32.01"),
        (Role.PUSAT, None),
        (Role.ADMINISTRATOR, None),
        (Role.AUDITOR, None),
    ]:
        user = world.make_user(role, region, username=f"x-{role}")
        with pytest.raises(Http404):
            access.open_case(Context(user), case.pk)


def test_a_referred_provider_sees_only_the_shared_parts(world):
    case = world.case()
    services.refer(
        Context(world.worker),
        case,
        world.other_lks,
        "Layanan berbasis keluarga",
        [Section.IDENTITY, Section.ASSESSMENT],
    )
    seen = access.open_case(Context(world.other_worker), case.pk)
    assert seen.basis == "referral"
    assert seen.sections == {Section.IDENTITY, Section.ASSESSMENT}
    assert not seen.shows(Section.INTAKE) and not seen.shows(Section.SUPERVISION)
    assert not seen.may_work
    assert not access.may_record(world.other_worker, case)


def test_the_intake_and_supervision_log_are_never_shared(world):
    case = world.case()
    with pytest.raises(ValidationError):
        services.refer(Context(world.worker), case, world.other_lks, "x", [Section.INTAKE])


def test_every_read_of_a_case_file_is_logged(world):
    """UU 27/2022: processing of personal data, a read included, leaves a trail."""
    case = world.case()
    before = reads(case).count()
    access.open_case(Context(world.worker), case.pk)
    access.open_case(Context(world.supervisor), case.pk)
    assert reads(case).count() == before + 2
    assert set(reads(case).values_list("actor__username", flat=True)) >= {"peksos", "supervisor"}


def test_a_supervisor_opens_a_case_outside_scope_only_with_a_reason(world):
    case = world.case()
    with pytest.raises(Http404):
        access.open_case(Context(world.outside_supervisor), case.pk)
    with pytest.raises(Http404):  # a reason does not help someone without supervision competency
        access.open_case(Context(world.other_worker), case.pk, "Penasaran")
    seen = access.open_case(
        Context(world.outside_supervisor), case.pk, "Audit kualitas supervisi triwulan"
    )
    assert seen.basis == "outside_scope"
    logged = access.outside_scope_reads(case)
    assert [e.reason for e in logged] == ["Audit kualitas supervisi triwulan"]
    assert logged[0].actor == world.outside_supervisor
