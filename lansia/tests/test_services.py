"""Posyandu Lansia rules: membership from age 60, one session per post and month, the ATENSI
referral of a neglected elder living alone, and PKH attendance."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from atensi.models import Intake
from audit.models import Event
from lansia import services
from lansia.models import Referral, Session
from pkh.models import Evidence

from .conftest import SESSION_DAY

pytestmark = pytest.mark.django_db


def test_a_person_under_60_on_the_registration_date_is_refused(world):
    """UU 13/1998 art. 1(2): "Lanjut Usia adalah seseorang yang telah mencapai usia 60 (enam
    puluh) tahun ke atas"."""
    with pytest.raises(ValidationError) as refused:
        world.newcomer(born=date(1966, 7, 15))  # 59 on 14 July 2026, 60 the next day
    assert "60" in refused.value.message_dict["birth_date"][0]
    assert world.newcomer(born=date(1966, 7, 14)).pk


def test_a_dtks_member_under_60_cannot_be_picked(world):
    with pytest.raises(ValidationError) as refused:
        services.register_member(world.ctx(), world.post, person_id=world.family.head.pk,
                                 on=SESSION_DAY)
    assert "person" in refused.value.message_dict


def test_one_active_membership_per_person_per_post(world):
    world.elder()
    with pytest.raises(ValidationError):
        world.elder()


def test_the_session_of_a_month_is_unique_in_the_database(world):
    services.record_session(world.ctx(), world.post, SESSION_DAY, [])
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(post=world.post, year=2026, month=7, held_on=date(2026, 7, 20),
                               recorded_by=world.kader)
    services.record_session(world.ctx(), world.post, date(2026, 7, 21), [])
    assert Session.objects.filter(post=world.post).count() == 1


def test_screening_values_outside_a_plausible_range_are_refused_by_field(world):
    member = world.newcomer()
    with pytest.raises(ValidationError) as refused:
        services.record_session(world.ctx(), world.post, SESSION_DAY, [services.Visit(
            member.pk, present=True, weight_kg=5, systolic=120, diastolic=130)])
    assert set(refused.value.message_dict) == {f"{member.pk}-weight_kg", f"{member.pk}-diastolic"}
    assert not Session.objects.exists()


def test_a_neglected_elder_living_alone_is_referred_to_atensi_once(world):
    """Permensos 7/2021 art. 41(4)c: the post is "membantu proses pengajuan lanjut usia tidak
    potensial dan lanjut usia telantar untuk mendapatkan layanan di balai/loka"."""
    member = world.newcomer()
    flagged = services.Visit(member.pk, present=True, lives_alone=True, neglected=True)
    services.record_session(world.ctx(), world.post, SESSION_DAY, [flagged])
    referral = Referral.objects.get(member=member, kind="atensi")
    intake = services.take_atensi_referral(world.ctx(world.peksos), referral, world.lks)
    referral.refresh_from_db()
    assert referral.intake == intake and referral.status == "taken"
    assert intake.source == "referral" and intake.client.name == "Mbah Sastro"
    # Flagged again next month while the intake is open: nothing new.
    services.record_session(world.ctx(), world.post, date(2026, 8, 11), [flagged])
    assert Referral.objects.filter(member=member, kind="atensi").count() == 1
    assert Intake.objects.count() == 1
    with pytest.raises(ValidationError):
        services.take_atensi_referral(world.ctx(world.peksos), referral, world.lks)
    assert Event.objects.filter(action="lansia.referral.take").count() == 1


def test_only_living_alone_and_neglected_together_refer_to_atensi(world):
    member = world.newcomer()
    services.record_session(world.ctx(), world.post, SESSION_DAY,
                            [services.Visit(member.pk, present=True, lives_alone=True)])
    assert not Referral.objects.filter(kind="atensi").exists()


def test_a_kader_cannot_take_in_an_atensi_referral(world):
    member = world.newcomer()
    services.record_session(world.ctx(), world.post, SESSION_DAY, [services.Visit(
        member.pk, lives_alone=True, neglected=True)])
    with pytest.raises(PermissionDenied):
        services.take_atensi_referral(world.ctx(), Referral.objects.get(), world.lks)


def test_a_pkh_elders_attendance_becomes_a_posyandu_lansia_visit_in_pkh(world):
    """PKH lansia commitment (pkh/data/commitments.json): "Kunjungan pendamping/tenaga
    kesehatan atau hadir di Posyandu Lansia", at least once in the stage."""
    world.build.frozen_run("2026-T3", [world.family], ["lansia:1,"])
    elder, outsider = world.elder(), world.newcomer()
    session = services.record_session(world.ctx(), world.post, SESSION_DAY, [
        services.Visit(elder.pk, present=True), services.Visit(outsider.pk, present=True)])
    waiting = Referral.objects.filter(kind="pkh")
    assert [r.member_id for r in waiting] == [elder.pk]
    services.record_session(world.ctx(), world.post, SESSION_DAY, [
        services.Visit(elder.pk, present=True)])  # recorded again: still one line
    assert waiting.count() == 1
    with pytest.raises(PermissionDenied):  # the kader does not verify PKH
        services.confirm_pkh_attendance(world.ctx(), list(waiting))
    assert services.confirm_pkh_attendance(world.ctx(world.pendamping), list(waiting)) == 1
    assert services.confirm_pkh_attendance(world.ctx(world.pendamping), list(waiting.all())) == 0
    visit = Evidence.objects.get()
    assert (visit.member_id, visit.visit_type, visit.on, visit.attended) == (
        world.family.members["elder"].pk, "posyandu_lansia", session.held_on, True)


def test_an_absent_pkh_elder_is_not_sent_to_pkh(world):
    world.build.frozen_run("2026-T3", [world.family], ["lansia:1,"])
    elder = world.elder()
    services.record_session(world.ctx(), world.post, SESSION_DAY, [services.Visit(elder.pk)])
    assert not Referral.objects.filter(kind="pkh").exists()


def test_a_kader_records_only_at_their_own_posts(world):
    with pytest.raises(PermissionDenied):
        services.record_session(world.ctx(), world.other_post, SESSION_DAY, [])


def test_every_change_is_audited_without_personal_data(world):
    member = world.newcomer()
    services.record_session(world.ctx(), world.post, SESSION_DAY, [services.Visit(
        member.pk, present=True, weight_kg=55, systolic=130, diastolic=85)])
    actions = set(Event.objects.values_list("action", flat=True))
    assert {"lansia.post.create", "lansia.volunteer.assign", "lansia.member.register",
            "lansia.session.record"} <= actions
    text = " ".join(str(e.changes) for e in Event.objects.filter(action__startswith="lansia"))
    assert "Sastro" not in text and "130" not in text
