"""usul, sanggah, incidents, duplicates, Serasi referrals and scoping."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Role
from audit.services import Context
from conftest import VILLAGE_A, VILLAGE_B, VILLAGE_OTHER_DISTRICT
from grievance import selectors, services
from grievance.models import Notification

pytestmark = pytest.mark.django_db


def test_usul_becomes_a_draft_usulan_for_the_village_operator(complaint, make_user):
    from registration.models import Proposal
    from registration.tests.conftest import new_household_payload

    sub = complaint("usul", is_self="1", category="")
    operator = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    assert sub in selectors.queue(operator)
    proposal = services.take_up_usul(Context(operator), sub, "new_household",
                                     new_household_payload())
    proposal = Proposal.objects.get(pk=proposal.pk)
    assert (proposal.status, proposal.source, proposal.village_id) == (
        "draft", "self_registration", VILLAGE_A)
    sub.refresh_from_db()
    assert sub.proposal_id == proposal.pk and sub.status == "resolved"
    assert Notification.objects.filter(submission=sub).count() == 1


def test_sanggah_is_a_verification_task_for_the_dinas_sosial_not_the_village(
        complaint, make_user):
    sub = complaint("sanggah", category="")
    assert sub.unit == "dinsos_kabupaten"
    verifier = make_user(Role.VERIFIER_KABUPATEN, "32.01")
    assert list(services.verification_tasks(verifier)) == [sub]
    assert sub in selectors.queue(verifier)
    assert sub not in selectors.queue(make_user(Role.OPERATOR_DESA, VILLAGE_A))


def test_incident_resolution_tells_each_complainant(complaint, make_user):
    subs = [complaint(category="card_problem", submitter_phone=f"08120000000{i}",
                      subject_nik="") for i in range(3)]
    elsewhere = complaint(category="card_problem", village_code=VILLAGE_OTHER_DISTRICT)
    officer = make_user(Role.OPERATOR_KABUPATEN, "32.01")
    incident = services.open_incident(Context(officer), "Gangguan bank Cibinong",
                                      "card_problem", "32.01.01")
    assert set(services.incident_candidates(incident)) == set(subs)
    services.attach_to_incident(Context(officer), incident, services.incident_candidates(incident))
    assert services.resolve_incident(Context(officer), incident, "fixed",
                                     "Sistem bank sudah normal; silakan gesek ulang.") == 3
    for sub in subs:
        sub.refresh_from_db()
        assert sub.status == "resolved" and sub.resolution == "fixed"
        note = Notification.objects.get(submission=sub)
        assert note.to == sub.submitter_phone and "normal" in note.message
    elsewhere.refresh_from_db()
    assert elsewhere.status == "received"  # another kecamatan


def test_duplicates_merge_and_the_duplicate_is_told_too(complaint, make_user):
    first, second = complaint(), complaint(submitter_phone="081299998888")
    assert list(selectors.duplicates_of(first)) == [second]
    operator = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    assert services.merge_duplicates(Context(operator), first, [second]) == 1
    services.resolve(Context(operator), first, "paid", "Sudah dibayar.")
    assert Notification.objects.filter(submission=second).count() == 1
    assert selectors.public_timeline(second.tracking_number).status == "resolved"


def test_a_complaint_becomes_an_atensi_intake(complaint, make_user):
    from atensi.models import Intake
    from atensi.tests.conftest import World

    world = World(make_user)
    sub = complaint(category="other", description="Anak terlantar di rumah kosong.",
                    subject_nik="")
    officer = make_user(Role.OPERATOR_KABUPATEN, "32.01")
    referral = services.refer_to_atensi(Context(officer), sub, world.lks)
    assert list(services.atensi_referrals_for(world.worker)) == [referral]
    assert list(services.atensi_referrals_for(world.other_worker)) == []
    intake = services.accept_atensi_referral(Context(world.worker), referral, name="Dewi Kecil",
                                             sex="P", birth_date=date(2014, 1, 1))
    intake = Intake.objects.get(pk=intake.pk)
    assert intake.source == "complaint" and intake.provider == world.lks
    assert sub.tracking_number in intake.referrer
    services.report_referral_outcome(Context(world.worker), referral, "Anak diasuh di LKS.")
    sub.refresh_from_db()
    assert sub.status == "resolved" and sub.resolution == "referred"


def test_operators_see_and_handle_only_their_region(complaint, make_user):
    sub = complaint()
    assert sub in selectors.visible(make_user(Role.OPERATOR_DESA, VILLAGE_A))
    assert sub not in selectors.visible(make_user(Role.OPERATOR_DESA, VILLAGE_B))
    assert sub in selectors.visible(make_user(Role.OPERATOR_KABUPATEN, "32.01"))
    assert sub in selectors.visible(make_user(Role.AUDITOR))
    outsider = make_user(Role.OPERATOR_DESA, VILLAGE_OTHER_DISTRICT)
    with pytest.raises(PermissionDenied):
        services.resolve(Context(outsider), sub, "paid", "x")
    with pytest.raises(PermissionDenied):
        services.resolve(Context(make_user(Role.AUDITOR, username="aud2")), sub, "paid", "x")
    assert sub not in selectors.visible(make_user(Role.KEUANGAN))


def test_operator_records_a_phone_complaint_only_in_their_village(make_user):
    from .conftest import complaint_data

    operator = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    data = complaint_data(submitter_name="", submitter_phone="")
    sub = services.record_complaint(Context(operator), "complaint", data, "phone")
    assert sub.channel == "phone" and sub.created_by == operator
    with pytest.raises(PermissionDenied):
        services.record_complaint(Context(operator), "complaint",
                                  complaint_data(village_code=VILLAGE_B), "walk_in")
