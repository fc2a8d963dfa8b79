"""The event log is append-only, and every change to the registry leaves an event."""

import pytest
from django.db import DatabaseError, transaction

from accounts.models import Role
from audit.models import Event
from audit.services import Context, history
from conftest import VILLAGE_A
from registry import services
from registry.models import Status

pytestmark = pytest.mark.django_db


def test_events_cannot_be_edited_or_deleted_even_by_the_database_user(make_household):
    household = make_household(VILLAGE_A)
    event = history(household).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=event.pk).delete()
    assert Event.objects.get(pk=event.pk).reason == ""


def test_every_registry_change_leaves_an_event_with_before_and_after(make_user, make_household):
    operator = make_user(Role.PUSAT)  # direct registry edits are the data centre's only
    household = make_household(VILLAGE_A, actor=operator)
    ctx = Context(actor=operator, reason="alamat salah ketik")
    household = services.update_household(
        ctx, household.id, household.revision, {"address": "Jl. Melati No. 2", "rt": "003"}
    )
    services.change_status(Context(actor=operator), household, Status.INACTIVE, "moved")
    actions = [e.action for e in history(household)]
    assert actions == [
        "registry.household.status",
        "registry.household.update",
        "registry.household.create",
    ]
    update = history(household).get(action="registry.household.update")
    assert update.actor == operator
    assert update.reason == "alamat salah ketik"
    assert update.changes == {
        "address": ["Jl. Mawar No. 1", "Jl. Melati No. 2"],
        "rt": ["001", "003"],
    }
    assert update.region_code == VILLAGE_A


def test_opening_a_member_record_is_logged(make_user, make_household):
    household = make_household(VILLAGE_A)
    operator = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    member = household.members.get()
    services.open_member(Context(actor=operator), member)
    event = history(member).get()
    assert (event.action, event.actor) == ("read", operator)


def test_admin_site_offers_no_way_to_change_events(make_user, client):
    admin = make_user(Role.ADMINISTRATOR, username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    event = Event.objects.create(action="x", object_type="t", object_id="1")
    assert client.get(f"/admin/audit/event/{event.pk}/delete/").status_code == 403
    response = client.post(f"/admin/audit/event/{event.pk}/change/", {"reason": "x"})
    assert response.status_code == 403
