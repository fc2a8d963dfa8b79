"""Defects found walking the demo: the receiving side of a referral, tasks listed once, saved
forms shown with their labels, the article 43 list scoped and translated, links only for
what a user may do, the intake's region and the cluster's age, one duration link, and a
report without a region."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as WebClient
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from atensi import selectors, services
from atensi.models import Case, Referral, Service
from audit.models import Event
from audit.services import Context
from conftest import VILLAGE_A

pytestmark = pytest.mark.django_db


def web(user, language: str = "") -> WebClient:
    client = WebClient()
    client.force_login(user)
    if language:
        client.post(reverse("set_language"), {"language": language})
    return client


def refer(world, case, sections=("identity", "plan")) -> Referral:
    return services.refer(Context(world.worker), case, world.other_lks, "Terapi", list(sections))


# --- 1. the receiving provider sees the referral and acts on it --------------------------


def test_a_referred_case_shows_in_the_receivers_caseload_and_tasks_marked_referred_in(world):
    case = world.case()
    refer(world, case)
    receiver = web(world.other_worker)
    html = receiver.get(reverse("atensi:caseload")).content.decode()
    assert 'id="referrals-in"' in html and "data-referred-in" in html and case.number in html
    tasks = receiver.get(reverse("atensi:tasks")).content.decode()
    assert 'id="referrals-in"' in tasks and case.number in tasks


def test_the_receiver_accepts_and_records_the_services_it_delivers(world):
    """Article 24: the service is recorded in the case file under the referred provider."""
    case = world.case()
    referral = refer(world, case, ("identity", "plan", "services"))
    receiver = web(world.other_worker)
    page = receiver.get(reverse("atensi:case", args=[case.pk])).content.decode()
    assert 'id="accept-referral"' in page
    response = receiver.post(reverse("atensi:referral_in", args=[referral.pk, "accept"]))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == "accepted" and referral.accepted_by == world.other_worker
    response = receiver.post(
        reverse("atensi:referred_service", args=[referral.pk]),
        {
            "form": "therapy",
            "basis": "family",
            "delivered_on": timezone.localdate().isoformat(),
            "description": "Konseling keluarga",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    service = Service.objects.get(case=case)
    assert service.provider == world.other_lks and service.recorded_by == world.other_worker
    assert Event.objects.filter(action="atensi.referral.accept").exists()
    # The receiver still cannot record in the rest of the file.
    form = reverse("atensi:form", args=[case.pk, "initial_assessment"])
    assert receiver.get(form).status_code == 404


def test_a_service_needs_an_accepted_referral_and_the_receivers_provider(world):
    case = world.case()
    referral = refer(world, case)
    with pytest.raises(services.Refused):
        services.record_referred_service(
            Context(world.other_worker), referral, "therapy", "family", "Konseling"
        )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.accept_referral(Context(world.sentra_worker), referral)


def test_the_receiver_declines_with_a_reason_and_the_referrer_sees_it(world):
    case = world.case()
    referral = refer(world, case)
    receiver = web(world.other_worker)
    url = reverse("atensi:referral_in", args=[referral.pk, "close"])
    receiver.post(url, {"note": ""})
    referral.refresh_from_db()
    assert referral.ended_at is None  # a decline needs a reason
    receiver.post(url, {"note": "Kapasitas penuh"})
    referral.refresh_from_db()
    assert referral.state == "declined"
    assert receiver.get(reverse("atensi:case", args=[case.pk])).status_code == 404
    html = web(world.worker).get(reverse("atensi:case", args=[case.pk])).content.decode()
    assert "Kapasitas penuh" in html


def test_the_receiver_ends_an_accepted_referral(world):
    case = world.case()
    referral = refer(world, case)
    services.accept_referral(Context(world.other_worker), referral)
    services.close_referral(Context(world.other_worker), referral)
    referral.refresh_from_db()
    assert referral.state == "ended"
    assert not selectors.caseload(world.other_worker).filter(pk=case.pk).exists()


# --- 8. each case once on "my tasks" -------------------------------------------------------


def test_my_tasks_lists_each_case_once_in_the_most_specific_group(world):
    today = timezone.localdate()
    own = world.case()
    supervised = world.case(world.person(name="Rina"))
    Case.objects.filter(pk=supervised.pk).update(worker=world.uncertified)
    Case.objects.update(stage_due=today - timedelta(days=1))
    services.request_signoff(Context(world.uncertified), Case.objects.get(pk=supervised.pk))
    groups = selectors.my_tasks(world.supervisor, today)
    seen = [
        c.pk
        for g in groups.values()
        for c in g.overdue + g.to_sign_off + g.due_this_week + g.emergencies + g.returned
        if c.pk == supervised.pk
    ]
    assert seen == [supervised.pk, supervised.pk]  # overdue and to sign off, one group
    assert {c.pk for c in groups["supervisor"].to_sign_off} == {supervised.pk}
    assert groups["provider"].to_sign_off == [] and groups["provider"].overdue == []
    assert own.pk in {c.pk for c in selectors.my_tasks(world.worker, today)["worker"].overdue}


def test_long_task_lists_are_collapsed_and_the_page_explains_the_counts(world):
    today = timezone.localdate()
    for i in range(12):
        world.case(world.person(name=f"Anak {i}"))
    Case.objects.update(stage_due=today - timedelta(days=1))
    html = web(world.worker, "en").get(reverse("atensi:tasks")).content.decode()
    assert 'data-more="overdue"' in html and "Show all 12" in html
    assert 'id="tasks-explained"' in html and "12 open cases" in html


# --- 3. saved forms with their labels ------------------------------------------------------


def test_saved_entries_show_labels_choices_and_formatted_dates(world):
    case = world.case()
    Case.objects.filter(pk=case.pk).update(stage="engagement")
    case.refresh_from_db()
    ctx = Context(world.worker)
    services.record_form(ctx, case, "initial_assessment", {"summary": "S", "risk": "medium"})
    services.record_form(
        ctx, case, "initial_agreement", {"consent": True, "by": "Ibu", "agreed_on": "2026-11-02"}
    )
    html = web(world.worker, "en").get(reverse("atensi:case", args=[case.pk])).content.decode()
    assert "Medium" in html and "medium<" not in html
    assert "2 Nov 2026" in html and "2026-11-02" not in html
    html = web(world.worker).get(reverse("atensi:case", args=[case.pk])).content.decode()
    assert "Sedang" in html or "Menengah" in html


# --- 4. the article 43 list ----------------------------------------------------------------


def test_dtks_reports_are_scoped_to_the_workers_provider_and_in_the_users_language(world):
    case = world.case(world.person())  # no NIK: the report lists what is missing
    other = world.other_worker
    assert list(selectors.dtks_reports(other)) == []
    assert [r.case_id for r in selectors.dtks_reports(world.worker)] == [case.pk]
    dinsos = world.make_user(Role.OPERATOR_KABUPATEN, "32.01", username="dinsos")
    assert [r.case_id for r in selectors.dtks_reports(dinsos)] == [case.pk]
    english = web(world.worker, "en").get(reverse("atensi:dtks_reports")).content.decode()
    assert "The NIK is unknown" in english
    indonesian = web(world.worker).get(reverse("atensi:dtks_reports")).content.decode()
    assert "The NIK is unknown" not in indonesian and "NIK" in indonesian


# --- 5. no link that answers 403 -----------------------------------------------------------


def test_the_new_intake_link_is_shown_only_to_who_may_take_intakes(world):
    desa = world.make_user(Role.OPERATOR_DESA, VILLAGE_A, username="desa")
    html = web(desa).get(reverse("atensi:caseload")).content.decode()
    assert reverse("atensi:intake") not in html
    assert web(desa).get(reverse("atensi:intake")).status_code == 403
    html = web(world.worker).get(reverse("atensi:caseload")).content.decode()
    assert reverse("atensi:intake") in html


# --- 6. and 11. the intake's region and the cluster's age ----------------------------------


def test_a_residence_must_be_a_desa_outreach_may_name_a_kecamatan(world):
    with pytest.raises(ValidationError) as error:
        world.intake(world.person(region_code="32.01.01"))
    assert "region" in error.value.message_dict
    found = world.intake(world.person(region_code="32.01.01"), source="outreach")
    assert found.client.region_id == "32.01.01"


def test_the_intake_form_shows_the_region_error_on_the_field(world):
    response = web(world.worker, "en").post(
        reverse("atensi:intake"),
        {
            "provider": world.lks.pk,
            "source": "complaint",
            "referrer": "Tetangga",
            "problem": "Anak terlantar",
            "name": "Dewi",
            "sex": "P",
            "region": "32.01.01",
            "pas_group": "vulnerable_children",
            "clusters": ["children"],
            "worker": world.worker.pk,
            "supervisor": world.supervisor.pk,
        },
    )
    assert response.status_code == 200
    assert "Choose the desa/kelurahan where the person lives" in response.content.decode()


def test_an_adult_is_not_a_child_and_the_elderly_are_60_or_more(world):
    """UU 35/2014 art. 1(1): a child is under 18; UU 13/1998 art. 1(2): lansia are 60+."""
    year = timezone.localdate().year
    adult = world.person(name="Joko", birth_date=date(year - 30, 1, 1))
    with pytest.raises(ValidationError) as error:
        world.case(adult)
    assert {"clusters", "pas_group"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        world.case(
            world.person(name="Tono", birth_date=date(year - 50, 1, 1)),
            pas_group="neglected_elderly",
            clusters=["elderly"],
        )
    assert {"clusters", "pas_group"} <= set(error.value.message_dict)
    old = world.case(
        world.person(name="Mbah", birth_date=date(year - 70, 1, 1)),
        pas_group="neglected_elderly",
        clusters=["elderly"],
    )
    assert old.pk
    assert world.case(world.person(name="Anak", birth_date=date(year - 17, 12, 31))).pk


# --- 12. one duration link; a report needs its region --------------------------------------


def test_the_case_page_links_the_duration_form_once(world):
    case = world.case()
    Case.objects.filter(pk=case.pk).update(stage="assessment")
    html = web(world.worker).get(reverse("atensi:case", args=[case.pk])).content.decode()
    assert html.count(reverse("atensi:form", args=[case.pk, "duration"])) == 1


def test_the_article_52_report_without_a_region_says_so(world):
    dinsos = world.make_user(Role.OPERATOR_KABUPATEN, "32.01", username="dinsos")
    response = web(dinsos, "en").get(reverse("atensi:article52", args=["pdf"]))
    assert response.status_code == 400
    assert "Choose the province or kabupaten of the report." in response.content.decode()


# --- 9. and 10. the usulan page in Indonesian; the intake's defaults -----------------------


def test_the_atensi_usulan_page_is_indonesian_with_formatted_birth_dates(world):
    from atensi.tests.conftest import nik

    person = world.person(nik=nik(502), kk_number="3201010505120002", marital_status=1)
    case = world.case(person, usulan_person=person)
    url = reverse("registration_proposal_detail", args=[case.dtks_report.proposal_id])
    html = web(world.worker).get(url).content.decode()
    assert "Diajukan ke musyawarah desa" in html
    assert "Submitted to the village meeting" not in html
    assert "6 Mei 2012" in html and "2012-05-06" not in html


def test_the_intake_form_starts_at_the_users_provider_worker_and_kabupaten(world):
    from atensi.forms import IntakeForm

    form = IntakeForm(user=world.other_worker)
    assert form.fields["provider"].initial == world.other_lks.pk
    assert form.fields["worker"].initial == world.other_worker.pk
    assert form.fields["region"].initial == "32.01"
