"""The region picker: its options never leave the user's scope, and the field it feeds keeps
the most specific choice."""

import pytest
from django.urls import reverse

from accounts.models import Role
from conftest import VILLAGE_A, VILLAGE_B, VILLAGE_OTHER_DISTRICT
from wilayah.forms import RegionField, RegionPicker

pytestmark = pytest.mark.django_db


def option_values(response) -> list[str]:
    html = response.content.decode()
    return [part.split('"', 1)[0] for part in html.split('<option value="')[1:] if part[0] != '"']


def test_children_of_the_users_district_are_its_villages(client, make_user):
    client.force_login(make_user(Role.PEKERJA_SOSIAL, "32.01.01"))
    codes = option_values(client.get(reverse("region_children"), {"parent": "32.01.01"}))
    assert VILLAGE_A in codes and VILLAGE_B in codes
    assert all(code.startswith("32.01.01.") for code in codes)


def test_regions_outside_the_scope_are_not_offered(client, make_user):
    client.force_login(make_user(Role.PEKERJA_SOSIAL, "32.01.01"))
    assert option_values(client.get(reverse("region_children"), {"parent": "32.01.02"})) == []
    assert option_values(client.get(reverse("region_children"), {"parent": "34"})) == []
    # Above the scope only the path down to it is offered.
    assert option_values(client.get(reverse("region_children"), {"parent": ""})) == ["32"]
    regency = client.get(reverse("region_children"), {"parent": "32.01"})
    assert option_values(regency) == ["32.01.01"]


def test_a_national_user_gets_every_province(client, make_user):
    client.force_login(make_user(Role.PUSAT))
    codes = option_values(client.get(reverse("region_children"), {"parent": ""}))
    assert {"32", "34"} <= set(codes)


def test_the_select_that_triggered_htmx_names_the_parent(client, make_user):
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "32.01"))
    response = client.get(reverse("region_children"), {"region_2": "32.01"},
                          headers={"HX-Request": "true", "HX-Trigger-Name": "region_2"})
    codes = option_values(response)
    assert {"32.01.01", "32.01.02"} <= set(codes)
    client.cookies["django_language"] = "en"
    emptied = client.get(reverse("region_children"), {"level": "4", "region_3": ""},
                         headers={"HX-Request": "true", "HX-Trigger-Name": "region_3"})
    assert option_values(emptied) == []
    assert "Village" in emptied.content.decode()


def test_the_endpoint_needs_a_signed_in_user(client):
    assert client.get(reverse("region_children"), {"parent": ""}).status_code == 302


def test_picker_keeps_the_deepest_consistent_choice():
    picker = RegionPicker(scope="32.01")
    data = {"region_3": "32.01.01", "region_4": VILLAGE_A}
    assert picker.value_from_datadict(data, {}, "region") == VILLAGE_A
    # A village left over from another district (chosen before the district changed) is dropped.
    stale = {"region_3": "32.01.02", "region_4": VILLAGE_A}
    assert picker.value_from_datadict(stale, {}, "region") == "32.01.02"
    assert picker.value_from_datadict({"region": "32.01.01"}, {}, "region") == "32.01.01"
    assert RegionPicker(scope=VILLAGE_A).value_from_datadict({}, {}, "region") == VILLAGE_A


def test_field_refuses_a_region_outside_the_scope_and_one_too_broad():
    field = RegionField(scope="32.01.01", min_level=4)
    assert field.clean(VILLAGE_A) == VILLAGE_A
    for code in (VILLAGE_OTHER_DISTRICT, "32.01.01"):
        with pytest.raises(Exception) as error:
            field.clean(code)
        assert error.type.__name__ == "ValidationError"


def test_picker_renders_only_levels_below_the_scope_with_the_choice_selected():
    html = RegionPicker(scope="32.01.01").render("region", VILLAGE_A)
    assert 'name="region_4"' in html and 'name="region_3"' not in html
    assert f'value="{VILLAGE_A}" selected' in html
    assert VILLAGE_OTHER_DISTRICT not in html
