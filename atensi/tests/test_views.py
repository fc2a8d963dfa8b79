"""The ATENSI pages, driven like a user: a complaint through the seven stages to termination,
with each sign-off, a case conference and an emergency response; and who sees what."""

import pytest
from django.test import Client as WebClient
from django.urls import reverse
from django.utils import timezone

from atensi.models import Case, FollowUp
from audit.models import Event
from conftest import VILLAGE_A

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate().isoformat()


def web(user) -> WebClient:
    client = WebClient()
    client.force_login(user)
    return client


def post_ok(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


STAGE_POSTS = {
    "engagement": [
        ("case_response", {"actions": "Anak dievakuasi ke rumah aman"}),
        ("initial_assessment", {"summary": "Anak tanpa pengasuh", "risk": "high"}),
        ("initial_agreement", {"consent": "on", "by": "Nenek (wali)", "agreed_on": TODAY}),
    ],
    "assessment": [
        ("domain_assessment", {"domain": "psychosocial", "score": "2", "findings": "Trauma"}),
        ("domain_assessment", {"domain": "legal", "score": "3", "findings": "Tanpa akta"}),
    ],
    "planning": [
        ("resource_mapping", {"providers": "SENTRA"}),
        (
            "plan_goal",
            {"domain": "psychosocial", "goal": "Pulih dari trauma", "service_form": "therapy"},
        ),
        ("joint_agreement", {"consent": "on", "by": "Nenek", "agreed_on": TODAY}),
    ],
    "implementation": [
        (
            "service",
            {
                "form": "therapy",
                "basis": "family",
                "delivered_on": TODAY,
                "description": "Terapi psikososial",
            },
        ),
        (
            "service",
            {
                "form": "social_assistance",
                "basis": "family",
                "delivered_on": TODAY,
                "description": "Sembako",
                "amount_rupiah": "250000",
            },
        ),
    ],
    "monitoring": [
        (
            "indicator",
            {
                "level": level,
                "name": f"Indikator {level}",
                "target": "1",
                "achieved": "1",
                "met": "true",
                "measured_on": TODAY,
            },
        )
        for level in ("input", "process", "output", "outcome", "impact")
    ],
    "aftercare": [
        ("follow_up", {"due_on": TODAY, "purpose": "Kunjungan rumah"}),
        ("termination", {"reason": "goals_achieved", "note": "Kembali ke keluarga"}),
    ],
}


def test_a_complaint_through_the_pages_to_termination(world):
    """Pasal 19 (1)-(3): tujuh tahapan, masing-masing "harus melalui supervisi pekerjaan
    sosial" oleh "Pekerja Sosial yang memiliki kompetensi supervisi pekerjaan sosial"."""
    worker, supervisor = web(world.worker), web(world.supervisor)
    response = worker.post(
        reverse("atensi:intake"),
        {
            "provider": world.lks.pk,
            "source": "complaint",
            "referrer": "Ibu Sari",
            "problem": "Anak ditelantarkan",
            "emergency": "on",
            "name": "Dewi Lestari",
            "birth_date": "2012-05-06",
            "sex": "P",
            "region": VILLAGE_A,
            "pas_group": "vulnerable_children",
            "clusters": ["children"],
            "worker": world.worker.pk,
            "supervisor": world.supervisor.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get()
    page = reverse("atensi:case", args=[case.pk])
    assert "Dewi Lestari" in worker.get(page).content.decode()
    # A case conference with other professionals (article 27(2)).
    post_ok(
        worker,
        reverse("atensi:conference", args=[case.pk]),
        {
            "kind": "case",
            "held_on": TODAY,
            "participants": "dr. Rina - psikolog\nAni - peksos",
            "findings": "Trauma",
            "decisions": "Layanan keluarga",
            "duration_days": "90",
        },
    )
    for _round in range(7):
        case.refresh_from_db()
        for form, data in STAGE_POSTS.get(case.stage, []):
            data = {k: (str(world.sentra.pk) if v == "SENTRA" else v) for k, v in data.items()}
            post_ok(worker, reverse("atensi:form", args=[case.pk, form]), data)
        post_ok(worker, reverse("atensi:signoff", args=[case.pk, "request"]), {"note": "Siap"})
        assert 'id="approve"' in supervisor.get(page).content.decode()
        post_ok(supervisor, reverse("atensi:signoff", args=[case.pk, "approve"]), {"note": "OK"})
    case.refresh_from_db()
    assert case.status == "terminated" and case.termination_reason == "goals_achieved"
    assert case.duration_days == 90 and case.responded_at is not None
    html = worker.get(page).content.decode()
    assert 'id="terminated"' in html and html.count('data-kind="approve"') == 7
    follow_up = FollowUp.objects.get(case=case)
    assert follow_up.due_on == timezone.localdate()


def test_the_stage_does_not_move_without_the_supervisor(world):
    case = world.case()
    page = reverse("atensi:case", args=[case.pk])
    worker = web(world.worker)
    post_ok(worker, reverse("atensi:signoff", args=[case.pk, "request"]), {})
    # The worker cannot approve; an uncertified colleague cannot either.
    worker.post(reverse("atensi:signoff", args=[case.pk, "approve"]), {})
    assert (
        web(world.uncertified)
        .post(reverse("atensi:signoff", args=[case.pk, "approve"]), {})
        .status_code
        == 403
    )
    case.refresh_from_db()
    assert case.stage == "access"
    # Returned work shows why.
    post_ok(
        web(world.supervisor),
        reverse("atensi:signoff", args=[case.pk, "return"]),
        {"reason": "Kontak pelapor belum lengkap"},
    )
    assert "Kontak pelapor belum lengkap" in worker.get(page).content.decode()


def test_an_lks_worker_cannot_open_another_providers_case(world):
    case = world.case()
    other = web(world.other_worker)
    assert other.get(reverse("atensi:case", args=[case.pk])).status_code == 404
    assert (
        other.get(reverse("atensi:form", args=[case.pk, "initial_assessment"])).status_code == 404
    )
    assert case.client.name not in other.get(reverse("atensi:caseload")).content.decode()


def test_a_referred_provider_sees_only_the_shared_parts(world):
    case = world.case()
    post_ok(
        web(world.worker),
        reverse("atensi:referral", args=[case.pk]),
        {
            "to_provider": world.other_lks.pk,
            "purpose": "Pengasuhan berbasis keluarga",
            "sections": ["identity", "plan"],
        },
    )
    html = web(world.other_worker).get(reverse("atensi:case", args=[case.pk])).content.decode()
    assert 'id="section-identity"' in html and 'id="section-plan"' in html
    for hidden in ("intake", "assessment", "services", "supervision"):
        assert f'id="section-{hidden}"' not in html
    assert "Ibu Sari" not in html  # who reported stays with the owning provider
    assert 'id="actions"' not in html


def test_every_read_of_a_case_file_is_logged(world):
    case = world.case()
    page = reverse("atensi:case", args=[case.pk])
    reads = Event.objects.filter(action="read", object_type="atensi.case", object_id=str(case.pk))
    before = reads.count()
    web(world.worker).get(page)
    web(world.supervisor).get(page)
    web(world.worker).get(page)
    assert reads.count() == before + 3


def test_a_supervisor_outside_scope_states_a_reason_shown_to_the_worker(world):
    case = world.case()
    page = reverse("atensi:case", args=[case.pk])
    outsider = web(world.outside_supervisor)
    # Not a dead end: a supervisor is offered to state a reason (no case data shown).
    offer = outsider.get(page)
    assert offer.status_code == 403
    assert reverse("atensi:outside_scope", args=[case.pk]) in offer.content.decode()
    assert case.client.name not in offer.content.decode()
    post_ok(
        outsider,
        reverse("atensi:outside_scope", args=[case.pk]),
        {"reason": "Supervisi silang atas permintaan Dinas"},
    )
    assert outsider.get(page).status_code == 200
    assert outsider.get(page).status_code == 200  # reads again in the same session
    html = web(world.worker).get(page).content.decode()
    # One opening, shown once to the case worker.
    assert html.count("Supervisi silang atas permintaan Dinas") == 1


def test_others_outside_scope_still_get_404(world):
    case = world.case()
    page = reverse("atensi:case", args=[case.pk])
    assert web(world.other_worker).get(page).status_code == 404
    missing = reverse("atensi:case", args=[case.pk + 999])
    assert web(world.outside_supervisor).get(missing).status_code == 404


def test_my_tasks_shows_the_emergency_and_the_waiting_sign_off(world):
    urgent = world.case(emergency=True)
    html = web(world.worker).get(reverse("atensi:tasks")).content.decode()
    assert urgent.number in html
    web(world.worker).post(reverse("atensi:signoff", args=[urgent.pk, "request"]), {})
    html = web(world.supervisor).get(reverse("atensi:tasks")).content.decode()
    assert "Sign-off" in html or "Persetujuan" in html
    assert urgent.number in html


def test_pages_render_in_indonesian(world):
    case = world.case()
    client = web(world.worker)
    for url in [
        reverse("atensi:caseload"),
        reverse("atensi:tasks"),
        reverse("atensi:intake"),
        reverse("atensi:case", args=[case.pk]),
        reverse("atensi:form", args=[case.pk, "initial_assessment"]),
    ]:
        assert client.get(url, HTTP_ACCEPT_LANGUAGE="id").status_code == 200, url


def test_a_referral_without_identity_does_not_name_the_client_in_lists(world):
    case = world.case()
    post_ok(
        web(world.worker),
        reverse("atensi:referral", args=[case.pk]),
        {
            "to_provider": world.other_lks.pk,
            "purpose": "Terapi",
            "sections": ["plan"],
        },
    )
    html = web(world.other_worker).get(reverse("atensi:caseload")).content.decode()
    assert case.number in html and "Dewi Lestari" not in html
