"""Worker pages and forms: who may see and change what, field-named errors, audit trail, and the
block other apps (atensi) add to the worker page."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Role
from audit.models import Event
from audit.services import Context
from workforce import hooks, services
from workforce.models import Assignment, Certificate, Worker, WorkerKind

from .conftest import nik


def worker_data(**overrides) -> dict:
    data = {
        "name": "Dwi Astuti",
        "nik": nik(11),
        "kind": WorkerKind.PEKERJA_SOSIAL,
        "region": "32.01",
        "phone": "0812",
        "active": "on",
    } | overrides
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def dinsos(make_user):
    return make_user(Role.OPERATOR_KABUPATEN, "32.01")


def test_operator_adds_a_worker_and_the_change_is_audited(client, dinsos):
    client.force_login(dinsos)
    response = client.post(reverse("workforce_create"), worker_data())
    worker = Worker.objects.get()
    assert response.status_code == 302
    assert (worker.nik, worker.region_id) == (nik(11), "32.01")
    event = Event.objects.get(action="workforce.worker.create")
    assert event.region_code == "32.01" and event.actor == dinsos


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"nik": "12345"}, "nik"),
        ({"nik": "3201013205850001"}, "nik"),
        ({"name": ""}, "name"),
        ({"kind": "wizard"}, "kind"),
        ({"region": "34.03"}, "region"),
        ({"region": ""}, "region"),
    ],
)
def test_worker_form_refuses_bad_input_naming_the_field(client, dinsos, overrides, field):
    client.force_login(dinsos)
    response = client.post(reverse("workforce_create"), worker_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Worker.objects.exists()


def test_a_nik_already_held_by_another_worker_is_refused(client, dinsos, make_worker):
    make_worker("Lain", nik=nik(11))
    client.force_login(dinsos)
    response = client.post(reverse("workforce_create"), worker_data())
    assert "nik" in response.context["form"].errors


def test_service_refuses_a_bad_nik_with_a_field_named_error(dinsos):
    with pytest.raises(ValidationError) as caught:
        services.add_worker(
            Context(actor=dinsos), name="X", nik="99", kind=WorkerKind.TKS, region_id="32.01"
        )
    assert "nik" in caught.value.message_dict


def test_service_refuses_a_region_outside_the_actors_scope(dinsos):
    with pytest.raises(PermissionDenied):
        services.add_worker(Context(actor=dinsos), name="X", kind=WorkerKind.TKS, region_id="34.03")


def test_certificate_is_recorded_for_a_pekerja_sosial(client, dinsos, make_worker):
    worker = make_worker()
    client.force_login(dinsos)
    url = reverse("workforce_certificate_add", args=[worker.pk])
    data = {"number": "LSPS-1", "issued_on": "2024-01-01", "valid_until": "2029-01-01",
            "supervision": "on"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    assert services.can_supervise(worker, date(2026, 11, 30))
    assert Event.objects.filter(action="workforce.certificate.create").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"number": "C-1", "issued_on": "2025-01-01", "valid_until": "2024-01-01"},
         "valid_until"),
        ({"number": "C-1", "issued_on": "", "valid_until": "2029-01-01"}, "issued_on"),
        ({"number": "", "issued_on": "2025-01-01", "valid_until": "2029-01-01"}, "number"),
        ({"number": "C-1", "issued_on": "1-1-2025x", "valid_until": "2029-01-01"}, "issued_on"),
    ],
)  # fmt: skip
def test_certificate_form_refuses_bad_input_naming_the_field(
    client, dinsos, make_worker, data, field
):
    worker = make_worker()
    client.force_login(dinsos)
    response = client.post(reverse("workforce_certificate_add", args=[worker.pk]), data)
    assert response.status_code == 422
    assert field in response.context["certificate_form"].errors
    assert not Certificate.objects.exists()


def test_no_certificate_for_another_kind_of_worker(client, dinsos, make_worker):
    nurse = make_worker("Siti", kind=WorkerKind.NURSE)
    client.force_login(dinsos)
    data = {"number": "C-1", "issued_on": "2025-01-01", "valid_until": "2029-01-01"}
    response = client.post(reverse("workforce_certificate_add", args=[nurse.pk]), data)
    assert response.status_code == 422
    assert response.context["certificate_form"].non_field_errors()


def test_assignment_to_a_provider_and_its_end(client, dinsos, make_worker, make_provider):
    worker, lks = make_worker(), make_provider()
    client.force_login(dinsos)
    data = {"provider": lks.pk, "role": "Manajer kasus", "start_date": "2026-01-01"}
    assert (
        client.post(reverse("workforce_assignment_add", args=[worker.pk]), data).status_code == 302
    )
    assignment = Assignment.objects.get()
    url = reverse("workforce_assignment_end", args=[assignment.pk])
    client.post(url, {"end_date": "2026-06-30"})
    assignment.refresh_from_db()
    assert assignment.end_date == date(2026, 6, 30)
    assert Event.objects.filter(action="workforce.assignment.update").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"role": "x", "start_date": "2026-01-01"}, "provider"),
        ({"region": "32.01.01", "start_date": "2026-02-01", "end_date": "2026-01-01"},
         "end_date"),
        ({"region": "34.03.01", "start_date": "2026-01-01"}, "region"),
        ({"region": "32.01.01"}, "start_date"),
    ],
)  # fmt: skip
def test_assignment_form_refuses_bad_input_naming_the_field(
    client, dinsos, make_worker, data, field
):
    worker = make_worker()
    client.force_login(dinsos)
    response = client.post(reverse("workforce_assignment_add", args=[worker.pk]), data)
    assert response.status_code == 422
    assert field in response.context["assignment_form"].errors
    assert not Assignment.objects.exists()


def test_social_worker_may_view_but_not_manage(client, make_user, make_worker):
    worker = make_worker()
    client.force_login(make_user(Role.PEKERJA_SOSIAL, "32.01"))
    assert client.get(reverse("workforce_list")).status_code == 200
    page = client.get(reverse("workforce_detail", args=[worker.pk]))
    assert page.status_code == 200 and "certificate_form" not in page.context
    assert client.get(reverse("workforce_create")).status_code == 403
    data = {"number": "C-1", "issued_on": "2025-01-01", "valid_until": "2029-01-01"}
    url = reverse("workforce_certificate_add", args=[worker.pk])
    assert client.post(url, data).status_code == 403


def test_village_operator_has_no_workforce_pages(client, make_user):
    client.force_login(make_user(Role.OPERATOR_DESA, "32.01.01.1001"))
    assert client.get(reverse("workforce_list")).status_code == 403


def test_worker_outside_the_scope_is_not_found(client, dinsos, make_worker):
    other = make_worker("Gunungkidul", region="34.03")
    client.force_login(dinsos)
    assert client.get(reverse("workforce_detail", args=[other.pk])).status_code == 404


def test_opening_a_worker_page_is_logged_and_the_nik_masked_for_readers(
    client, make_user, make_worker
):
    worker = make_worker(nik=nik(12))
    client.force_login(make_user(Role.PEKERJA_SOSIAL, "32.01"))
    page = client.get(reverse("workforce_detail", args=[worker.pk]))
    assert nik(12) not in page.text
    assert Event.objects.filter(action="read", object_id=str(worker.pk)).exists()


def test_list_filters_by_provider_and_kind(client, dinsos, make_worker, make_provider, assign):
    lks = make_provider()
    at_lks = make_worker("Di LKS")
    assign(at_lks, lks)
    make_worker("Perawat", kind=WorkerKind.NURSE)
    client.force_login(dinsos)
    page = client.get(reverse("workforce_list"), {"provider": lks.pk})
    assert [r["worker"].name for r in page.context["rows"]] == ["Di LKS"]
    page = client.get(reverse("workforce_list"), {"kind": WorkerKind.NURSE})
    assert [r["worker"].name for r in page.context["rows"]] == ["Perawat"]


def test_other_apps_add_a_block_to_the_worker_page(client, dinsos, make_worker, monkeypatch):
    worker = make_worker()
    monkeypatch.setattr(hooks.worker_page, "_sources", [])

    def caseload(user, w):
        return hooks.WorkerBlock(
            "Caseload", "workforce/_block_figures.html", {"rows": [("open cases", 7, "")]}
        )

    hooks.register_worker_block(caseload)
    client.force_login(dinsos)
    page = client.get(reverse("workforce_detail", args=[worker.pk]))
    assert "Caseload" in page.text and "open cases" in page.text


def test_worker_is_linked_to_a_social_workers_account(client, dinsos, make_user):
    account = make_user(Role.PEKERJA_SOSIAL, "32.01", username="dwi")
    client.force_login(dinsos)
    response = client.post(reverse("workforce_create"), worker_data(user=account.pk))
    assert response.status_code == 302
    assert Worker.objects.get().user == account
    # One account, one worker: the account is no longer offered for another worker.
    response = client.post(reverse("workforce_create"), worker_data(nik=nik(13), user=account.pk))
    assert "user" in response.context["form"].errors


def test_accounts_of_other_roles_or_regions_cannot_be_linked(client, dinsos, make_user):
    other_role = make_user(Role.OPERATOR_DESA, "32.01.01.1001")
    other_region = make_user(Role.PEKERJA_SOSIAL, "34.03", username="gk")
    client.force_login(dinsos)
    for account in (other_role, other_region):
        response = client.post(reverse("workforce_create"), worker_data(user=account.pk))
        assert "user" in response.context["form"].errors
