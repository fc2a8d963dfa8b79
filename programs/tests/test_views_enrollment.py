"""The run page, the KPM list with its XLSX export, and freezing: counts in words, rows limited
to the user's region, exports that hold the filtered rows and leave an audit trail."""

import io

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import Event
from audit.services import Context
from jobs.models import Job
from programs import exports
from programs.models import EligibilityRun, Enrollment
from programs.services import freeze
from registry.models import Member

from .kpm_data import BOGOR_VILLAGE, PERIOD, sembako_run, world


@pytest.fixture
def w(db, make_user):
    return world(make_user)


def run_url(run, name="programs:run_detail"):
    return reverse(name, args=(run.program.code, run.pk))


def login(client, make_user, role, region=None, **extra):
    user = make_user(role, region, **extra)
    client.force_login(user)
    return user


def test_run_page_shows_counts_reasons_in_words_cost_and_regions(client, make_user, w):
    login(client, make_user, Role.PROGRAM_MANAGER)
    page = client.get(run_url(w.run))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Dikecualikan: Ada anggota berstatus ASN" in html  # the clause in words, not its id
    assert w.run.snapshot in html
    assert "Rp400.000" in html  # two KPM x Rp200,000 per month
    assert "Rp4.800.000" in html  # per year
    regions = page.context["regions"]
    assert [(r["code"], r["enrolled"]) for r in regions] == [("32", 1), ("34", 1)]
    assert page.context["can_freeze"] is True


def test_a_kabupaten_operator_sees_only_the_districts_of_its_kabupaten(client, make_user, w):
    login(client, make_user, Role.OPERATOR_KABUPATEN, "34.03")
    page = client.get(run_url(w.run))
    assert [r["code"] for r in page.context["regions"]] == ["34.03.01"]
    assert page.context["can_freeze"] is False
    assert 'id="freeze-form"' not in page.content.decode()


def test_a_run_under_another_program_code_is_404(client, make_user, w):
    login(client, make_user, Role.PROGRAM_MANAGER)
    url = reverse("programs:run_detail", args=("pkh", w.run.pk))
    assert client.get(url).status_code == 404


def test_kpm_list_of_an_operator_holds_only_its_kabupaten(client, make_user, w):
    login(client, make_user, Role.OPERATOR_KABUPATEN, "34.03")
    page = client.get(run_url(w.run, "programs:enrollment_list"))
    households = [item["e"].household_id for item in page.context["items"]]
    assert households == [w.registry.other.household.pk]
    assert "Budi Santoso" not in page.content.decode()


def test_kpm_list_region_outside_the_scope_is_refused_without_rows(client, make_user, w):
    login(client, make_user, Role.OPERATOR_KABUPATEN, "34.03")
    page = client.get(run_url(w.run, "programs:enrollment_list"), {"region": "32.01"})
    assert page.status_code == 400
    assert page.context["items"] == []


def test_a_role_without_view_enrollment_gets_no_kpm_list(client, make_user, w):
    login(client, make_user, Role.PEKERJA_SOSIAL, "32.01")
    assert client.get(run_url(w.run, "programs:enrollment_list")).status_code == 403


def test_kpm_list_shows_head_masked_nik_village_segment_and_amount(client, make_user, w):
    login(client, make_user, Role.OPERATOR_KABUPATEN, "32.01")
    page = client.get(run_url(w.run, "programs:enrollment_list"))
    html = page.content.decode()
    nik = w.registry.eligible.niks[0]
    assert "Budi Santoso" in html
    assert nik not in html and f"{nik[:4]}********{nik[-4:]}" in html
    assert reverse("household_detail", args=(w.registry.eligible.household.pk,)) in html
    assert "Rp200.000" in html
    item = page.context["items"][0]
    assert item["segment"].startswith("Tanpa lansia/disabilitas, kepala keluarga 40")  # seg. 4


def test_kpm_list_filters_by_status_and_change(client, make_user, w):
    login(client, make_user, Role.PROGRAM_MANAGER)
    url = run_url(w.run, "programs:enrollment_list")
    assert len(client.get(url, {"status": "enrolled", "change": "new"}).context["items"]) == 2
    assert client.get(url, {"status": "waiting"}).context["items"] == []
    assert client.get(url, {"change": "continuing"}).context["items"] == []
    assert len(client.get(url, {"region": BOGOR_VILLAGE}).context["items"]) == 1


def exported(client, run_jobs, run, filters=None):
    """Start the export as the list page's button does, run the worker, download the file."""
    started = client.post(run_url(run, "programs:enrollment_export"), filters or {})
    assert started.status_code == 302 and "/pekerjaan/" in started.url
    assert run_jobs() == 1
    job = Job.objects.get(kind="kpm_export")
    assert job.state == "done", job.error
    return client.get(reverse("jobs:download", args=(job.pk, job.output["files"][0])))


def test_xlsx_export_holds_the_rows_of_the_filter_and_is_audited(client, make_user, w,
                                                                   run_jobs):
    from openpyxl import load_workbook

    user = login(client, make_user, Role.OPERATOR_KABUPATEN, "32.01")
    response = exported(client, run_jobs, w.run, {"status": "enrolled"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cover, rows = book.worksheets
    cover_text = " ".join(str(c.value) for r in cover.iter_rows() for c in r if c.value)
    assert "sembako" in cover_text and "2021-03" in cover_text and "32.01" in cover_text
    data = list(rows.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in data] == [w.registry.eligible.household.pk]
    assert data[0][1] == "Budi Santoso" and "*" in data[0][2]
    event = Event.objects.get(action=exports.EXPORT_ACTION)
    assert (event.actor, event.object_id, event.region_code) == (user, str(w.run.pk), "32.01")
    assert event.changes["rows"] == 1 and event.changes["filters"] == {"status": "enrolled"}
    assert w.registry.eligible.niks[0] not in str(event.changes)


def test_xlsx_export_of_another_kabupaten_holds_none_of_ours(client, make_user, w, run_jobs):
    from openpyxl import load_workbook

    login(client, make_user, Role.OPERATOR_KABUPATEN, "34.03")
    response = exported(client, run_jobs, w.run)
    rows = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[1]
    data = list(rows.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in data] == [w.registry.other.household.pk]


def test_the_export_runs_once_per_request_and_its_file_is_for_the_one_who_asked(
        client, make_user, w, run_jobs):
    login(client, make_user, Role.OPERATOR_KABUPATEN, "32.01")
    url = run_url(w.run, "programs:enrollment_export")
    first, second = (client.post(url, {"status": "enrolled"}) for _ in range(2))
    assert first.url == second.url and Job.objects.filter(kind="kpm_export").count() == 1
    run_jobs()
    job = Job.objects.get(kind="kpm_export")
    download = reverse("jobs:download", args=(job.pk, job.output["files"][0]))
    login(client, make_user, Role.OPERATOR_KABUPATEN, "34.03")
    assert client.get(download).status_code == 404


def test_two_officers_asking_for_the_same_list_each_get_their_own_file(
        client, make_user, w, run_jobs):
    url = run_url(w.run, "programs:enrollment_export")
    login(client, make_user, Role.OPERATOR_KABUPATEN, "32.01")
    first = client.post(url, {"status": "enrolled"}).url
    login(client, make_user, Role.VERIFIER_KABUPATEN, "32.01")
    second = client.post(url, {"status": "enrolled"}).url
    assert first != second and Job.objects.filter(kind="kpm_export").count() == 2
    run_jobs()
    job = Job.objects.get(kind="kpm_export", created_by__role=Role.VERIFIER_KABUPATEN)
    assert job.state == "done", job.error
    assert client.get(reverse("jobs:download", args=(job.pk, job.output["files"][0]))
                      ).status_code == 200


def test_freezing_twice_is_refused_with_a_message(client, make_user, w):
    login(client, make_user, Role.PROGRAM_MANAGER)
    freeze = run_url(w.run, "programs:run_freeze")
    first = client.post(freeze, follow=True)
    w.run.refresh_from_db()
    assert w.run.state == EligibilityRun.State.FROZEN
    assert 'id="frozen-note"' in first.content.decode()
    assert 'id="freeze-form"' not in first.content.decode()
    again = client.post(freeze, follow=True)
    shown = [str(m) for m in again.context["messages"]]
    assert any("sudah dibekukan" in m for m in shown), shown
    assert Event.objects.filter(action="programs.run.freeze").count() == 1


def test_an_operator_cannot_freeze(client, make_user, w):
    login(client, make_user, Role.OPERATOR_KABUPATEN, "32.01")
    assert client.post(run_url(w.run, "programs:run_freeze")).status_code == 403
    w.run.refresh_from_db()
    assert w.run.state == EligibilityRun.State.DONE


def test_a_regional_user_sees_run_wide_figures_labelled_national_and_its_own_apart(
        client, make_user, w):
    login(client, make_user, Role.OPERATOR_KABUPATEN, "34.03")
    page = client.get(run_url(w.run))
    assert "Seluruh penetapan (nasional)" in page.content.decode()
    own = page.context["own"]
    assert (own["enrolled"], own["waiting"], own["cost"]) == (1, 0, 200_000)


def test_a_run_reading_in_program_without_a_frozen_list_warns(client, make_user, w):
    from programs.models import Program
    from programs.services import RunRequest, run_eligibility

    bst = run_eligibility(RunRequest(Program.objects.get(code="bst"), PERIOD),
                          Context(actor=w.admin))
    login(client, make_user, Role.PROGRAM_MANAGER)
    warnings = client.get(run_url(bst)).context["list_warnings"]
    assert any("belum ada daftar kpm beku untuk program sembako" in m.lower()
               for m in warnings), warnings


def test_a_run_whose_lists_read_changed_cannot_be_frozen_from_the_page(client, make_user, w):
    from programs.models import Program
    from programs.services import RunRequest, run_eligibility

    bst = run_eligibility(RunRequest(Program.objects.get(code="bst"), PERIOD),
                          Context(actor=w.admin))
    freeze(w.run, Context(actor=w.admin))  # Sembako's list in force changes after the BST run
    login(client, make_user, Role.PROGRAM_MANAGER)
    page = client.get(run_url(bst))
    assert page.context["stale"] is True and page.context["can_freeze"] is False
    html = page.content.decode()
    assert 'id="freeze-form"' not in html and 'id="stale-note"' in html


def test_a_second_run_of_a_frozen_period_says_so_and_offers_no_freeze(client, make_user, w):
    freeze(w.run, Context(actor=w.admin))
    again = sembako_run(w.admin)
    login(client, make_user, Role.PROGRAM_MANAGER)
    page = client.get(run_url(again))
    assert page.context["frozen_other"] == w.run and page.context["can_freeze"] is False
    html = page.content.decode()
    assert 'id="period-frozen-note"' in html and 'id="freeze-form"' not in html


def test_a_page_past_the_end_shows_the_last_page_with_the_total(client, make_user, w):
    login(client, make_user, Role.PROGRAM_MANAGER)
    page = client.get(run_url(w.run, "programs:enrollment_list"), {"page": 9999})
    assert page.status_code == 200
    assert len(page.context["items"]) == 2
    assert "Baris 1–2 dari 2" in page.content.decode()


def test_a_head_without_nik_shows_a_dash_not_a_mask(client, make_user, w):
    head = w.registry.eligible.household.members.get(relation_to_household_head=1)
    Member.objects.filter(pk=head.pk).update(nik="")
    login(client, make_user, Role.OPERATOR_KABUPATEN, "32.01")
    page = client.get(run_url(w.run, "programs:enrollment_list"))
    item = page.context["items"][0]
    assert item["nik"] == "—" and "****************" not in page.content.decode()


def test_a_waiting_row_has_no_change():
    waiting = Enrollment(status=Enrollment.Status.WAITING, change=Enrollment.Change.NEW)
    enrolled = Enrollment(status=Enrollment.Status.ENROLLED, change=Enrollment.Change.NEW)
    assert exports.change_label(waiting) == "—"
    assert exports.change_label(enrolled) == str(Enrollment.Change.NEW.label)
