"""The registry pages as officials use them: counts and search limited to their area, records
outside it invisible, changes only for roles that may change, every change and opening logged."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import Event
from conftest import VILLAGE_A, VILLAGE_B, VILLAGE_OTHER_DISTRICT
from registry.identity import format_nik_for_district
from registry.models import Household, Status

pytestmark = pytest.mark.django_db


def nik(serial: int, district: str = "32.01.01") -> str:
    return format_nik_for_district(district, date(1985, 8, 12), "L", serial)


def kk(serial: int) -> str:
    return f"320101{serial:010d}"


@pytest.fixture
def household_in(make_household):
    """A household with its own NIK, KK and name, so searches can tell them apart."""
    serials = iter(range(1, 10_000))

    def make(village: str = VILLAGE_A, name: str = "Budi Santoso"):
        serial = next(serials)
        return make_household(village=village, nik=nik(serial), kk=kk(serial), name=name)

    return make


@pytest.fixture
def english(client):
    """Show pages in English, so assertions on UI text do not depend on compiled catalogs."""
    client.post(reverse("set_language"), {"language": "en"})
    return client


def edit_data(household: Household, **changes) -> dict:
    data = {"revision": household.revision, "address": household.address, "rt": household.rt,
            "rw": household.rw, "latitude": "", "longitude": "", "reason": ""}
    return data | changes


# --- home ---------------------------------------------------------------------------------


def test_home_counts_only_the_households_of_the_users_village(client, make_user, household_in):
    household_in(VILLAGE_A)
    household_in(VILLAGE_A)
    household_in(VILLAGE_B)
    household_in(VILLAGE_OTHER_DISTRICT)
    client.force_login(make_user(Role.OPERATOR_DESA, VILLAGE_A))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["households"] == {"active": 2, "inactive": 0, "total": 2}
    assert response.context["members"]["total"] == 2
    assert [a["code"] for a in response.context["areas"]] == [VILLAGE_A]


def test_home_of_a_regency_lists_its_districts_by_name(client, make_user, household_in):
    household_in(VILLAGE_A)
    household_in(VILLAGE_B)
    household_in(VILLAGE_OTHER_DISTRICT)
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "32.01"))
    response = client.get(reverse("home"))
    areas = {a["code"]: a for a in response.context["areas"]}
    assert areas["32.01.01"]["total"] == 2
    assert areas["32.01.02"]["total"] == 1
    html = response.content.decode()
    assert areas["32.01.01"]["name"] in html
    assert "?region=32.01.01" in html


# --- list and search ----------------------------------------------------------------------


def test_search_by_nik_finds_the_member(client, make_user, household_in):
    household_in(name="Siti Aminah")
    household_in(name="Budi Santoso")
    client.force_login(make_user(Role.OPERATOR_DESA, VILLAGE_A))
    response = client.get(reverse("member_list"), {"q": nik(1)})
    assert [m.name for m in response.context["members"]] == ["Siti Aminah"]


def test_search_by_kk_finds_the_family(client, make_user, household_in):
    household_in(name="Siti Aminah")
    household_in(name="Budi Santoso")
    client.force_login(make_user(Role.OPERATOR_DESA, VILLAGE_A))
    response = client.get(reverse("member_list"), {"q": kk(2)})
    assert [m.name for m in response.context["members"]] == ["Budi Santoso"]


def test_search_by_name_prefix_ignores_case(client, make_user, household_in):
    household_in(name="Siti Aminah")
    household_in(name="Sitti Rahma")
    household_in(name="Budi Santoso")
    client.force_login(make_user(Role.OPERATOR_DESA, VILLAGE_A))
    response = client.get(reverse("member_list"), {"q": "sit"})
    assert sorted(m.name for m in response.context["members"]) == ["Siti Aminah", "Sitti Rahma"]
    assert "Budi Santoso" not in response.content.decode()


def test_a_number_that_is_not_16_digits_is_explained(client, english, make_user, household_in):
    household_in()
    client.force_login(make_user(Role.OPERATOR_DESA, VILLAGE_A))
    response = client.get(reverse("member_list"), {"q": "320101"})
    assert response.context["members"] == []
    assert "16 digits" in response.content.decode()


def test_list_shows_50_rows_and_a_next_link_when_there_are_more(client, make_user, household_in):
    for i in range(51):
        household_in(name=f"Warga {i:02d}")
    client.force_login(make_user(Role.OPERATOR_DESA, VILLAGE_A))
    first = client.get(reverse("member_list"), {"q": "warga"})
    assert len(first.context["members"]) == 50
    assert first.context["has_next"]
    assert 'rel="next"' in first.content.decode()
    second = client.get(reverse("member_list") + first.context["next_query"])
    assert [m.name for m in second.context["members"]] == ["Warga 50"]
    assert not second.context["has_next"]
    assert 'rel="prev"' in second.content.decode()


def test_htmx_search_returns_only_the_results_table(client, make_user, household_in):
    household_in(name="Siti Aminah")
    client.force_login(make_user(Role.OPERATOR_DESA, VILLAGE_A))
    response = client.get(reverse("member_list"), {"q": "siti"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Siti Aminah" in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_list_filters_by_region_status_and_sex(client, make_user, household_in):
    household_in(VILLAGE_A, name="Ani Desa A")
    household_in(VILLAGE_B, name="Ani Desa B")
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "32.01"))
    response = client.get(reverse("member_list"), {"q": "ani", "region": VILLAGE_B})
    assert [m.name for m in response.context["members"]] == ["Ani Desa B"]
    response = client.get(reverse("member_list"), {"q": "ani", "status": Status.INACTIVE})
    assert response.context["members"] == []
    response = client.get(reverse("member_list"), {"q": "ani", "sex": "P"})
    assert response.context["members"] == []


def test_village_operator_does_not_find_members_of_another_village(client, make_user, household_in):
    household_in(VILLAGE_B, name="Siti Tetangga")
    client.force_login(make_user(Role.OPERATOR_DESA, VILLAGE_A))
    response = client.get(reverse("member_list"), {"q": nik(1)})
    assert response.context["members"] == []
    response = client.get(reverse("member_list"), {"q": "siti", "region": VILLAGE_B})
    assert response.context["members"] == []
    assert "Siti Tetangga" not in response.content.decode()


# --- household page -----------------------------------------------------------------------


def test_village_operator_cannot_open_or_change_a_household_of_another_village(
    client, make_user, household_in
):
    other = household_in(VILLAGE_B)
    client.force_login(make_user(Role.OPERATOR_DESA, VILLAGE_A))
    assert client.get(reverse("household_detail", args=[other.pk])).status_code == 404
    edit = client.post(reverse("household_update", args=[other.pk]),
                       edit_data(other, address="Jl. Diubah"))
    status = client.post(reverse("household_status", args=[other.pk]),
                         {"status": "inactive", "inactive_reason": "moved"})
    assert (edit.status_code, status.status_code) == (404, 404)
    other.refresh_from_db()
    assert (other.address, other.status) == ("Jl. Mawar No. 1", Status.ACTIVE)


def test_member_of_another_village_is_not_found(client, make_user, household_in):
    other = household_in(VILLAGE_B)
    client.force_login(make_user(Role.OPERATOR_DESA, VILLAGE_A))
    member = other.members.get()
    assert client.get(reverse("member_detail", args=[member.pk])).status_code == 404


def test_household_page_shows_members_answers_and_records_the_opening(
    client, make_user, household_in
):
    household = household_in(name="Siti Aminah")
    operator = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    client.force_login(operator)
    response = client.get(reverse("household_detail", args=[household.pk]))
    html = response.content.decode()
    assert "Siti Aminah" in html
    assert "Kepala rumah tangga" in html  # relationship label from the instrument code list
    assert "Keterangan perumahan" in html  # block title in Indonesian
    assert Event.objects.filter(action="read", object_type="registry.household",
                                object_id=str(household.pk), actor=operator).count() == 1


def test_household_page_speaks_english_when_chosen(client, english, make_user, household_in):
    household = household_in()
    client.force_login(make_user(Role.OPERATOR_DESA, VILLAGE_A))
    html = client.get(reverse("household_detail", args=[household.pk])).content.decode()
    assert "Head of household" in html
    assert "Housing" in html


def test_auditor_sees_no_forms_and_cannot_post_changes(client, make_user, household_in):
    household = household_in()
    client.force_login(make_user(Role.AUDITOR, "32.01"))
    page = client.get(reverse("household_detail", args=[household.pk]))
    assert page.status_code == 200
    assert page.context["address_form"] is None
    assert reverse("household_update", args=[household.pk]) not in page.content.decode()
    edit = client.post(reverse("household_update", args=[household.pk]),
                       edit_data(household, address="Jl. Auditor"))
    status = client.post(reverse("household_status", args=[household.pk]),
                         {"status": "inactive", "inactive_reason": "moved"})
    assert (edit.status_code, status.status_code) == (403, 403)
    household.refresh_from_db()
    assert (household.address, household.status, household.revision) == (
        "Jl. Mawar No. 1", Status.ACTIVE, 1)
    assert not Event.objects.exclude(action__in=["read", "registry.household.create"]).exists()


def test_a_change_through_the_form_is_saved_and_shown_in_the_audit_history(
    client, make_user, household_in
):
    household = household_in()
    operator = make_user(Role.PUSAT, username="pusdatin")
    client.force_login(operator)
    response = client.post(
        reverse("household_update", args=[household.pk]),
        edit_data(household, address="Jl. Melati 7", rt="5", reason="Pindah rumah"),
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.address, household.rt, household.revision) == ("Jl. Melati 7", "005", 2)
    event = Event.objects.get(action="registry.household.update", object_id=str(household.pk))
    assert event.actor == operator and event.reason == "Pindah rumah"
    page = client.get(response.url)
    history = page.content.decode().split('id="audit-history"')[1]
    assert "Jl. Mawar No. 1" in history and "Jl. Melati 7" in history
    assert "pusdatin" in history and "Pindah rumah" in history


def test_a_stale_revision_shows_a_message_and_does_not_overwrite(
    client, english, make_user, household_in
):
    household = household_in()
    operator = make_user(Role.PUSAT)
    client.force_login(operator)
    read_by_both = edit_data(household)
    first = client.post(reverse("household_update", args=[household.pk]),
                        read_by_both | {"address": "Jl. Pertama"})
    assert first.status_code == 302
    second = client.post(reverse("household_update", args=[household.pk]),
                         read_by_both | {"address": "Jl. Kedua"})
    assert second.status_code == 409
    assert "changed by someone else" in second.content.decode()
    household.refresh_from_db()
    assert household.address == "Jl. Pertama"


def test_deactivating_through_the_form_needs_a_reason(client, english, make_user, household_in):
    household = household_in()
    client.force_login(make_user(Role.PUSAT))
    url = reverse("household_status", args=[household.pk])
    refused = client.post(url, {"status": "inactive", "inactive_reason": "", "note": ""})
    assert refused.status_code == 400
    household.refresh_from_db()
    assert household.status == Status.ACTIVE
    done = client.post(url, {"status": "inactive", "inactive_reason": "moved", "note": "Ke Bekasi"})
    assert done.status_code == 302
    household.refresh_from_db()
    assert (household.status, household.inactive_reason) == (Status.INACTIVE, "moved")
    page = client.get(done.url).content.decode()
    assert "Ke Bekasi" in page and "Moved" in page


def test_reloading_a_form_address_after_an_error_leads_back_to_the_household(
    client, make_user, household_in
):
    """A form error is shown at the form's address; a reload or language switch there must
    not end on an error page."""
    household = household_in()
    client.force_login(make_user(Role.OPERATOR_DESA, VILLAGE_A))
    for name in ("household_update", "household_status"):
        response = client.get(reverse(name, args=[household.pk]))
        assert response.status_code == 302
        assert response.url == reverse("household_detail", args=[household.pk])


def test_a_member_can_be_deactivated_and_activated_again_from_the_member_page(
    client, make_user, household_in
):
    household = household_in()
    member = household.members.get()
    client.force_login(make_user(Role.PUSAT))
    url = reverse("member_status", args=[member.pk])
    assert client.post(url, {"status": "inactive", "inactive_reason": ""}).status_code == 400
    client.post(url, {"status": "inactive", "inactive_reason": "deceased", "note": "akta"})
    member.refresh_from_db()
    assert (member.status, member.inactive_reason) == (Status.INACTIVE, "deceased")
    client.post(url, {"status": "active", "note": "salah input"})
    member.refresh_from_db()
    assert (member.status, member.inactive_reason) == (Status.ACTIVE, "")


def test_auditor_cannot_change_a_member_status(client, make_user, household_in):
    member = household_in().members.get()
    client.force_login(make_user(Role.AUDITOR))
    response = client.post(reverse("member_status", args=[member.pk]),
                           {"status": "inactive", "inactive_reason": "moved"})
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.status == Status.ACTIVE


# --- member page --------------------------------------------------------------------------


def test_opening_a_member_page_writes_a_read_event(client, make_user, household_in):
    household = household_in(name="Siti Aminah")
    member = household.members.get()
    operator = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    client.force_login(operator)
    response = client.get(reverse("member_detail", args=[member.pk]))
    assert response.status_code == 200
    assert "Siti Aminah" in response.content.decode()
    event = Event.objects.get(action="read", object_type="registry.member")
    assert (event.object_id, event.actor) == (str(member.pk), operator)
    assert event.region_code == VILLAGE_A


def test_member_page_warns_when_the_nik_disagrees_with_the_record(
    client, english, make_user, make_household
):
    # NIK says 12 Aug 1985 and male; record it as a woman born on another day.
    household = make_household(nik="3201011208850003")
    member = household.members.get()
    type(member).objects.filter(pk=member.pk).update(birth_date=date(1985, 8, 13), sex="P")
    client.force_login(make_user(Role.OPERATOR_DESA, VILLAGE_A))
    html = client.get(reverse("member_detail", args=[member.pk])).content.decode()
    assert "The birth date in the NIK differs" in html
    assert "The sex in the NIK differs" in html
    assert "12 Aug 1985" in html


def test_village_operator_sees_who_changed_the_record_but_not_who_opened_it(
    client, english, make_user, household_in
):
    household = household_in()
    centre = client.__class__()
    centre.force_login(make_user(Role.PUSAT, username="pusdatin"))
    centre.post(reverse("household_update", args=[household.pk]),
                edit_data(household, address="Jl. Melati 7", reason="Salah ketik"))
    client.force_login(make_user(Role.OPERATOR_DESA, VILLAGE_A, username="operator-desa"))
    history = client.get(reverse("household_detail", args=[household.pk])).content.decode()
    history = history.split('id="audit-history"')[1]
    assert "Jl. Melati 7" in history and "pusdatin" in history
    assert 'id="access-log"' not in history
    auditor_client = client.__class__()
    auditor_client.force_login(make_user(Role.AUDITOR))
    page = auditor_client.get(reverse("household_detail", args=[household.pk])).content.decode()
    assert 'id="access-log"' in page
