"""The complaints API (token, scope, audit) and the operator pages."""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.services import issue_api_token
from audit.models import Event
from conftest import VILLAGE_A, VILLAGE_B
from grievance.models import Submission

from .conftest import complaint_data

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _token, raw = issue_api_token(user, "helpdesk")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_files_complaints_within_the_token_users_region(client, make_user):
    user = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    headers = bearer(user)
    body = complaint_data()
    r = client.post("/api/complaints", body, content_type="application/json", **headers)
    assert r.status_code == 201, r.content
    number = r.json()["tracking_number"]
    assert Submission.objects.get(tracking_number=number).channel == "api"
    r = client.post("/api/complaints", complaint_data(village_code=VILLAGE_B),
                    content_type="application/json", **headers)
    assert r.status_code == 403
    r = client.post("/api/complaints", complaint_data(category="nope"),
                    content_type="application/json", **headers)
    assert r.status_code == 422
    r = client.get(f"/api/complaints/{number}", **headers)
    assert r.status_code == 200 and "submitter_phone" not in r.json()
    assert Event.objects.filter(action="read", object_id=str(Submission.objects.get().pk),
                                source="api").exists()
    other = bearer(make_user(Role.OPERATOR_DESA, VILLAGE_B))
    assert client.get(f"/api/complaints/{number}", **other).status_code == 404
    assert client.get("/api/complaints").status_code == 401


def test_operator_queue_detail_and_resolve(client, complaint, make_user):
    sub = complaint()
    operator = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    client.force_login(operator)
    r = client.get(reverse("grievance:queue"))
    assert r.status_code == 200 and sub.tracking_number in r.content.decode()
    r = client.get(reverse("grievance:detail", args=[sub.pk]))
    assert r.status_code == 200
    r = client.post(reverse("grievance:action", args=[sub.pk, "resolve"]),
                    {"resolution": "paid", "message": "Sudah cair."})
    assert r.status_code == 302
    sub.refresh_from_db()
    assert sub.status == "resolved"


def test_pages_refuse_other_regions_and_roles(client, complaint, make_user):
    sub = complaint()
    client.force_login(make_user(Role.OPERATOR_DESA, VILLAGE_B))
    assert client.get(reverse("grievance:detail", args=[sub.pk])).status_code == 404
    assert sub.tracking_number not in client.get(reverse("grievance:queue")).content.decode()
    client.force_login(make_user(Role.KEUANGAN))
    assert client.get(reverse("grievance:queue")).status_code == 403


def test_report_page_and_xlsx(client, complaint, make_user):
    complaint()
    complaint(category="ewarong_goods", subject_nik="")
    officer = make_user(Role.OPERATOR_KABUPATEN, "32.01")
    client.force_login(officer)
    r = client.get(reverse("grievance:report"))
    assert r.status_code == 200
    r = client.get(reverse("grievance:report") + "?format=xlsx")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(r.content))
    assert {"category", "region", "age", "channel", "merchant"} <= set(wb.sheetnames)
    assert wb["category"].max_row == 3


def test_operator_records_a_walk_in_complaint(client, make_user):
    operator = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    client.force_login(operator)
    r = client.post(reverse("grievance:record"), complaint_data(channel="walk_in"))
    assert r.status_code == 302
    assert Submission.objects.get().channel == "walk_in"


def test_incident_pages_group_and_resolve_reports(client, complaint, make_user):
    from grievance.models import Incident, Notification

    subs = [complaint(category="card_problem", submitter_phone=f"0812000011{i}",
                      subject_nik="") for i in range(2)]
    officer = make_user(Role.OPERATOR_KABUPATEN, "32.01")
    client.force_login(officer)
    r = client.post(reverse("grievance:incidents"),
                    {"title": "EDC bank mati", "category": "card_problem",
                     "region_code": "32.01"})
    incident = Incident.objects.get()
    assert r.status_code == 302
    client.post(reverse("grievance:incident", args=[incident.pk]), {"do": "attach"})
    assert incident.submissions.count() == 2
    client.post(reverse("grievance:incident", args=[incident.pk]),
                {"do": "resolve", "resolution": "fixed", "message": "EDC sudah diganti."})
    assert Notification.objects.filter(submission__in=subs).count() == 2
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "34.03"))
    assert client.get(reverse("grievance:incident", args=[incident.pk])).status_code == 403
