"""Directory and provider pages, and the provider form: who may change what, field-named errors,
audit events."""

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import Event
from providers.models import Cluster, Kind, Provider, ServiceForm


def form_data(**overrides) -> dict:
    data = {
        "name": "LKS Cahaya",
        "kind": Kind.LKS,
        "region": "32.01.01",
        "address": "Jl. Raya 1",
        "family_based": "on",
        "services": [ServiceForm.FAMILY_SUPPORT, ServiceForm.THERAPY],
        "clusters": [Cluster.CHILDREN],
        "active": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_directory_page_lists_providers_in_scope(client, make_user, make_provider):
    make_provider("LKS Bogor", region="32.01.01", clusters=[Cluster.CHILDREN])
    make_provider("LKS Gunungkidul", region="34.03.01")
    client.force_login(make_user(Role.PEKERJA_SOSIAL, "32.01"))
    page = client.get(reverse("providers_directory"), {"cluster": Cluster.CHILDREN})
    assert page.status_code == 200
    assert "LKS Bogor" in page.text and "LKS Gunungkidul" not in page.text


def test_directory_highlights_an_expired_accreditation(client, make_user, make_provider):
    from datetime import date

    make_provider(
        "LKS Kedaluwarsa", accreditation_grade="B", accredited_on=date(2019, 1, 1),
        accreditation_valid_until=date(2024, 1, 1),
    )  # fmt: skip
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "32.01"))
    page = client.get(reverse("providers_directory"))
    assert "text-bg-danger" in page.text
    assert "Akreditasi yang berakhir" in page.text or "Accreditations ended" in page.text


def test_provider_page_outside_the_scope_is_not_found(client, make_user, make_provider):
    other = make_provider("LKS Gunungkidul", region="34.03.01")
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "32.01"))
    assert client.get(reverse("providers_detail", args=[other.pk])).status_code == 404


def test_regency_operator_registers_an_lks_with_its_offer(client, make_user):
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "32.01"))
    response = client.post(reverse("providers_create"), form_data())
    provider = Provider.objects.get(name="LKS Cahaya")
    assert response.status_code == 302
    assert sorted(provider.services.values_list("form", flat=True)) == [
        ServiceForm.FAMILY_SUPPORT, ServiceForm.THERAPY
    ]  # fmt: skip
    assert list(provider.clusters.values_list("cluster", flat=True)) == [Cluster.CHILDREN]
    event = Event.objects.get(action="providers.provider.create")
    assert event.region_code == "32.01.01"


def test_edit_records_what_changed(client, make_user, make_provider):
    provider = make_provider("LKS Lama", region="32.01.01")
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "32.01"))
    response = client.post(
        reverse("providers_edit", args=[provider.pk]), form_data(name="LKS Baru")
    )
    assert response.status_code == 302
    event = Event.objects.get(action="providers.provider.update")
    assert event.changes["name"] == ["LKS Lama", "LKS Baru"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"accreditation_grade": "A", "accredited_on": "2025-06-01",
             "accreditation_valid_until": "2024-06-01"},
            "accreditation_valid_until",
        ),
        ({"accreditation_grade": "A"}, "accredited_on"),
        ({"kind": Kind.UPTD_KABUPATEN, "accreditation_grade": "A",
          "accredited_on": "2025-06-01", "accreditation_valid_until": "2030-06-01"},
         "accreditation_grade"),
        ({"capacity": "20"}, "capacity"),
        ({"legal_entity": "on"}, "legal_number"),
        ({"region": "34.03.01"}, "region"),
        ({"kind": Kind.SENTRA}, "kind"),
        ({"name": ""}, "name"),
    ],
)  # fmt: skip
def test_form_refuses_bad_input_naming_the_field(client, make_user, overrides, field):
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "32.01"))
    response = client.post(reverse("providers_create"), form_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert not Provider.objects.exists()


def test_a_social_worker_may_read_but_not_change_the_directory(client, make_user, make_provider):
    provider = make_provider("LKS Bogor", region="32.01.01")
    client.force_login(make_user(Role.PEKERJA_SOSIAL, "32.01"))
    assert client.get(reverse("providers_detail", args=[provider.pk])).status_code == 200
    assert client.get(reverse("providers_create")).status_code == 403
    assert (
        client.post(reverse("providers_edit", args=[provider.pk]), form_data()).status_code == 403
    )


def test_only_national_roles_edit_a_national_unit(client, make_user, make_provider):
    sentra = make_provider("Sentra Antasena", Kind.SENTRA, region="34.03")
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "34.03"))
    url = reverse("providers_edit", args=[sentra.pk])
    assert client.get(url).status_code == 403
    client.force_login(make_user(Role.PUSAT))
    response = client.post(url, form_data(kind=Kind.SENTRA, region="34.03", name="Sentra A"))
    assert response.status_code == 302


def test_anonymous_visitor_is_sent_to_login(client):
    assert client.get(reverse("providers_directory")).status_code == 302


def test_the_renewal_alert_says_expired_not_valid_until(client, make_user, make_provider):
    """The alert above the directory shows the same state as the provider page."""
    from datetime import date

    make_provider(
        "LKS Kedaluwarsa", accreditation_grade="B", accredited_on=date(2019, 1, 1),
        accreditation_valid_until=date(2024, 1, 1),
    )  # fmt: skip
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "32.01"))
    page = client.get(reverse("providers_directory"))
    alert = page.text.split('role="status"')[1].split("<form")[0]
    assert 'data-accreditation="expired"' in page.text
    assert "berlaku sampai" not in alert and "valid until" not in alert
    assert "kedaluwarsa" in alert.lower() or "expired" in alert.lower()


def test_the_workforce_lead_is_fully_in_one_language(client, make_user):
    user = make_user(Role.OPERATOR_KABUPATEN, "32.01")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en"})
    english = client.get(reverse("workforce_list")).text
    assert "social volunteers and social extension workers" in english
    client.post(reverse("set_language"), {"language": "id"})
    indonesian = client.get(reverse("workforce_list")).text
    assert (
        "relawan sosial dan penyuluh sosial" in indonesian
        and " and " not in indonesian.split("Pasal 42")[0][-200:]
    )
