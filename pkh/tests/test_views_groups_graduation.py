"""The web pages of P2K2 groups and sessions and of graduation: what the pendamping and the
Dinas Sosial do in the browser, not only in services."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job
from pkh.models import Graduation, P2k2Attendance, P2k2Group
from pkh.selectors import stage_of_day

pytestmark = pytest.mark.django_db


def this_stage() -> str:
    year, stage = stage_of_day(timezone.localdate())
    return f"{year}-T{stage}"


def test_the_pendamping_groups_the_pkh_families_of_the_area_and_records_a_session(
        client, build, officers, make_user):
    """Issue 15, item 4: "P2K2 (family development sessions): monthly sessions per pendamping
    group, attendance"; the caseload is the families of the pendamping's groups."""
    a, b = build.family("pupil_sd"), build.family("toddler")
    far = build.family("pupil_sd", village="32.01.02.2001")
    build.frozen_run(this_stage(), [a, b, far], ["sd:1,", "usia_dini:1,", "sd:1,"])
    client.force_login(officers["pendamping"])
    page = client.get(reverse("pkh:groups"))
    offered = {h for h, _ in page.context["form"].fields["families"].choices}
    assert offered == {a.household.pk, b.household.pk}  # not the other district's family
    done = client.post(reverse("pkh:groups"), {"name": "Kelompok Melati",
                                               "families": [a.household.pk, b.household.pk]})
    assert done.status_code == 302
    group = P2k2Group.objects.get()
    assert (group.name, group.pendamping, group.families.count()) == (
        "Kelompok Melati", officers["pendamping"], 2)
    assert client.get(reverse("pkh:caseload")).context["due"] == 2
    assert client.get(reverse("pkh:groups")).context["free"] == 0

    url = reverse("pkh:session", args=[group.pk])
    saved = client.post(url, {"held_on": "2026-08-12", "module": "Pengasuhan anak",
                              "present": [a.household.pk]})
    assert saved.status_code == 302
    assert dict(P2k2Attendance.objects.values_list("household_id", "present")) == {
        a.household.pk: True, b.household.pk: False}


def test_another_pendamping_cannot_record_the_groups_session(client, build, officers,
                                                             make_user):
    a = build.family("pupil_sd")
    build.frozen_run(this_stage(), [a], ["sd:1,"])
    client.force_login(officers["pendamping"])
    client.post(reverse("pkh:groups"), {"name": "Kelompok Melati", "families": [a.household.pk]})
    group = P2k2Group.objects.get()
    client.force_login(make_user("pendamping", "32.01.01", username="lain"))
    answer = client.post(reverse("pkh:session", args=[group.pk]),
                         {"held_on": "2026-08-12", "module": "x", "present": []})
    assert answer.status_code == 200
    assert "Hanya pendamping kelompok ini" in answer.content.decode()
    assert not P2k2Attendance.objects.exists()


def test_a_mandiri_graduation_is_recorded_with_its_signed_statement_from_the_household(
        client, build, officers):
    """Issue 15, item 5: "mandiri with a signed statement"; the household page offers it."""
    f = build.family("pupil_sd")
    build.frozen_run(this_stage(), [f], ["sd:1,"])
    client.force_login(officers["dinsos"])
    household = client.get(reverse("household_detail", args=[f.household.pk]))
    assert reverse("pkh:graduate", args=[f.household.pk]) in household.content.decode()
    url = reverse("pkh:graduate", args=[f.household.pk])
    missing = client.post(url, {"kind": "mandiri", "on": "2026-09-01"})
    assert missing.status_code == 200 and "document" in missing.context["form"].errors
    assert not Graduation.objects.exists()
    statement = SimpleUploadedFile("pernyataan.pdf", b"%PDF-1.4 signed", "application/pdf")
    done = client.post(url, {"kind": "mandiri", "on": "2026-09-01", "document": statement})
    assert done.status_code == 302
    g = Graduation.objects.get()
    assert (g.kind, g.on, bool(g.document)) == ("mandiri", date(2026, 9, 1), True)
    listed = client.get(reverse("pkh:graduations"))
    assert [row[0] for row in listed.context["graduations"]] == [g]


def test_a_musdes_graduation_needs_the_meeting_date(client, build, officers):
    f = build.family("pupil_sd")
    client.force_login(officers["dinsos"])
    url = reverse("pkh:graduate", args=[f.household.pk])
    ba = SimpleUploadedFile("berita-acara.pdf", b"%PDF-1.4 BA", "application/pdf")
    answer = client.post(url, {"kind": "musdes", "on": "2026-09-01", "document": ba})
    assert "musdes_date" in answer.context["form"].errors
    ba.seek(0)
    client.post(url, {"kind": "musdes", "on": "2026-09-01", "document": ba,
                      "musdes_date": "2026-08-20"})
    g = Graduation.objects.get()
    assert (g.kind, g.musdes_date) == ("paksa", date(2026, 8, 20))


def test_graduations_of_another_district_are_not_listed_and_cannot_be_recorded(
        client, build, officers, make_user):
    f = build.family("pupil_sd")
    other = make_user("operator_kabupaten", "32.01.02", username="dinsos-lain")
    client.force_login(other)
    statement = SimpleUploadedFile("pernyataan.pdf", b"%PDF-1.4", "application/pdf")
    assert client.post(reverse("pkh:graduate", args=[f.household.pk]),
                       {"kind": "mandiri", "on": "2026-09-01",
                        "document": statement}).status_code == 403
    client.force_login(officers["dinsos"])
    client.post(reverse("pkh:graduate", args=[f.household.pk]),
                {"kind": "mandiri", "on": "2026-09-01",
                 "document": SimpleUploadedFile("p.pdf", b"%PDF-1.4", "application/pdf")})
    client.force_login(other)
    assert client.get(reverse("pkh:graduations")).context["graduations"] == []


def test_the_program_manager_computes_the_stages_graduations_as_a_job(client, build,
                                                                      officers, run_jobs):
    """Issue 15, item 5: "alamiah computed (no eligible component left)"."""
    no_component = build.family()
    build.frozen_run(this_stage(), [no_component], ["sd:1,"])
    client.force_login(officers["program"])
    started = client.post(reverse("pkh:graduate_compute"))
    job = Job.objects.get()
    assert started.url == reverse("jobs:detail", args=[job.pk])
    run_jobs()
    job.refresh_from_db()
    assert job.state == "done"
    assert Graduation.objects.get().kind == "alamiah"
    client.force_login(officers["pendamping"])
    assert client.post(reverse("pkh:graduate_compute")).status_code == 403
