"""One case from a complaint to termination, through the seven stages of Permensos 7/2021, and
the supervision rules that guard each step."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from atensi import services
from atensi.models import CaseStatus, SignOff, SignOffKind
from atensi.stages import config
from audit.models import Event
from audit.services import Context

pytestmark = pytest.mark.django_db


def fill_stage(world, case):
    """Record what the current stage requires (the worker's part)."""
    ctx = Context(world.worker)
    stage = case.stage
    if stage == "engagement":
        if case.emergency:
            services.respond_to_emergency(ctx, case, "Anak dievakuasi ke rumah aman.")
        services.record_form(ctx, case, "initial_assessment", {"summary": "Anak tanpa pengasuh"})
        services.record_form(ctx, case, "initial_agreement", {"consent": True, "by": "wali"})
    elif stage == "assessment":
        services.score_domain(ctx, case, "psychosocial", 2, "Trauma ringan")
        services.score_domain(ctx, case, "family_tracing", 1, "Ayah tidak diketahui")
    elif stage == "planning":
        services.record_form(ctx, case, "resource_mapping", {"providers": [world.sentra.pk]})
        services.add_goal(
            ctx,
            case,
            "psychosocial",
            "Pulih dari trauma",
            service_form="therapy",
            resource=world.sentra,
        )
        services.record_form(ctx, case, "joint_agreement", {"consent": True, "by": "nenek"})
    elif stage == "implementation":
        services.record_service(ctx, case, "therapy", "family", "Terapi psikososial mingguan")
        services.record_service(
            ctx, case, "social_assistance", "family", "Paket sembako", amount_rupiah=350_000
        )
    elif stage == "monitoring":
        for level in ("input", "process", "output", "outcome", "impact"):
            services.add_indicator(ctx, case, level, f"Indikator {level}", "1", "1", True)
    elif stage == "aftercare":
        services.schedule_follow_up(
            ctx, case, timezone.localdate() + timedelta(days=5), "Kunjungan rumah"
        )
        services.record_termination(ctx, case, "goals_achieved", "Anak kembali ke keluarga")


def advance(world, case):
    services.request_signoff(Context(world.worker), case, "Siap ditinjau")
    services.approve(Context(world.supervisor), case, "Disetujui")
    case.refresh_from_db()
    return case


def test_a_complaint_goes_through_all_seven_stages_to_termination(world):
    """Pasal 19 (1): "Mekanisme pelaksanaan ATENSI terdiri atas tahapan: fasilitasi akses;
    pendekatan awal dan kesepakatan bersama; asesmen komprehensif dan berkelanjutan; perencanaan
    layanan sosial; implementasi; monitoring dan evaluasi; dan pascalayanan dan terminasi."
    (2) "Dalam setiap tahapan ATENSI ... harus melalui supervisi pekerjaan sosial." """
    case = world.case(emergency=True)
    assert case.stage == "access" and case.emergency and case.response_due_at
    seen = [case.stage]
    # Article 27(2): a case conference with other professionals sets the duration.
    services.record_conference(
        Context(world.worker),
        case,
        "case",
        timezone.localdate(),
        [{"name": "dr. Rina", "role": "psikolog"}, {"name": "Peksos", "role": "pekerja sosial"}],
        "Trauma, perlu pengasuhan",
        "Layanan berbasis keluarga 90 hari",
        duration_days=90,
    )
    while case.status == CaseStatus.OPEN:
        fill_stage(world, case)
        case = advance(world, case)
        seen.append(case.stage)
    assert seen[:-1] == [s.code for s in config().stages]
    assert case.termination_reason == "goals_achieved" and case.closed_at
    assert case.duration_days == 90 and case.duration_basis == "case_conference"
    assert case.responded_at is not None
    approvals = SignOff.objects.filter(case=case, kind=SignOffKind.APPROVE)
    assert approvals.count() == 7
    assert set(approvals.values_list("certificate_number", flat=True)) == {"CERT-supervisor"}
    approved = Event.objects.filter(action="atensi.signoff.approve", object_id=str(case.pk))
    assert approved.count() == 7


def test_a_stage_cannot_advance_without_its_sign_off(world):
    """Pasal 19 (2): "Dalam setiap tahapan ATENSI sebagaimana dimaksud pada ayat (1) harus
    melalui supervisi pekerjaan sosial." """
    case = world.case()
    # Nothing asked: the supervisor has nothing to approve.
    with pytest.raises(services.Refused):
        services.approve(Context(world.supervisor), case)
    case = advance(world, case)
    assert case.stage == "engagement"
    # Required forms missing: the worker cannot even ask.
    with pytest.raises(services.Refused):
        services.request_signoff(Context(world.worker), case)
    fill_stage(world, case)
    services.request_signoff(Context(world.worker), case)
    case.refresh_from_db()
    assert case.stage == "engagement"  # asked, not yet approved


def test_returned_work_shows_why_and_can_be_asked_again(world):
    case = world.case()
    services.request_signoff(Context(world.worker), case)
    with pytest.raises(ValidationError):
        services.return_work(Context(world.supervisor), case, "  ")
    services.return_work(Context(world.supervisor), case, "Lengkapi kontak pelapor")
    assert services.last_return(case).note == "Lengkapi kontak pelapor"
    assert services.pending_request(case) is None
    advance(world, case)
    assert [s.kind for s in SignOff.objects.filter(case=case)] == [
        "request",
        "return",
        "request",
        "approve",
    ]


def test_sign_off_by_a_worker_without_supervision_competency_is_refused(world):
    """Pasal 19 (3): "Supervisi sebagaimana dimaksud pada ayat (2) dilaksanakan oleh Pekerja
    Sosial yang memiliki kompetensi supervisi pekerjaan sosial." """
    case = world.case()
    services.request_signoff(Context(world.worker), case)
    with pytest.raises(PermissionDenied):
        services.approve(Context(world.uncertified), case)
    # A supervisor whose certificate has expired supervises nobody.
    world.supervisor.worker.certificates.update(valid_until=date(2021, 1, 1))
    with pytest.raises(PermissionDenied):
        services.approve(Context(world.supervisor), case)
    # Nor does anyone approve their own work.
    with pytest.raises(PermissionDenied):
        services.approve(Context(world.worker), case)
    case.refresh_from_db()
    assert case.stage == "access"


def test_the_supervision_log_is_append_only(world):
    case = world.case()
    request = services.request_signoff(Context(world.worker), case)
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - DB driver error
        SignOff.objects.filter(pk=request.pk).update(note="diubah")
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017
        SignOff.objects.filter(pk=request.pk).delete()
    assert SignOff.objects.get(pk=request.pk).note == ""
    assert connection.vendor in ("sqlite", "postgresql")


def test_an_emergency_runs_on_the_faster_track(world):
    """Pasal 11 (5): "Dalam hal terjadi situasi darurat, layanan ATENSI dapat diberikan melalui
    respon kasus." """
    normal = world.case()
    urgent = world.case(world.person(name="Rudi", sex="L"), emergency=True)
    assert urgent.stage_due < normal.stage_due
    assert urgent.response_due_at - urgent.opened_at == timedelta(
        hours=config().emergency_response_hours
    )
    urgent = advance(world, urgent)
    services.record_form(Context(world.worker), urgent, "initial_assessment", {"summary": "x"})
    services.record_form(Context(world.worker), urgent, "initial_agreement", {"consent": True})
    with pytest.raises(services.Refused):  # the case response is required in an emergency
        services.request_signoff(Context(world.worker), urgent)
    services.respond_to_emergency(Context(world.worker), urgent, "Dirujuk ke rumah aman")
    services.request_signoff(Context(world.worker), urgent)


def test_duration_from_a_family_conference_needs_the_conference(world):
    """Pasal 27 (2): jangka waktu dapat diberikan berdasarkan hasil "konferensi keluarga yang
    melibatkan keluarga." """
    case = world.case()
    with pytest.raises(ValidationError):
        services.set_duration(Context(world.worker), case, 60, "family_conference")
    services.record_conference(
        Context(world.worker),
        case,
        "family",
        timezone.localdate(),
        [{"name": "Nenek", "role": "keluarga"}, {"name": "Peksos", "role": "pekerja sosial"}],
        "Nenek bersedia mengasuh",
        "Pengasuhan oleh nenek",
        duration_days=60,
    )
    case.refresh_from_db()
    assert (case.duration_days, case.duration_basis) == (60, "family_conference")


def test_cash_assistance_is_whole_rupiah(world):
    case = world.case()
    for _stage in range(4):
        fill_stage(world, case)
        case = advance(world, case)
    assert case.stage == "implementation"
    with pytest.raises(ValidationError):
        services.record_service(
            Context(world.worker), case, "social_assistance", "family", "Uang", amount_rupiah=-5
        )
    row = services.record_service(
        Context(world.worker),
        case,
        "social_assistance",
        "family",
        "Bantuan tunai",
        amount_rupiah=1_500_000,
    )
    assert row.amount_rupiah == 1_500_000


def test_a_form_of_a_later_stage_is_refused(world):
    case = world.case()
    with pytest.raises(services.Refused):
        services.record_service(Context(world.worker), case, "therapy", "family", "Terapi")


def test_a_case_cannot_be_supervised_by_its_worker(world):
    intake = world.intake()
    with pytest.raises(ValidationError):
        services.open_case(
            Context(world.worker),
            intake,
            world.worker,
            world.uncertified,
            "vulnerable_children",
            ["children"],
        )
    with pytest.raises((ValidationError, IntegrityError)):
        services.open_case(
            Context(world.worker),
            intake,
            world.worker,
            world.worker,
            "vulnerable_children",
            ["children"],
        )
