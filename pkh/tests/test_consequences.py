"""Consequences: a violation cuts the next stage's payment, compliance restores it, the ladder
of repeated violations, appeals, and the household page's words."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from payments import cycles
from payments.models import ChannelRule, FileLayout, Payment, PaymentChannel
from pkh import services
from pkh.blocks import household_block
from pkh.models import CommitmentResult, Graduation, StageResult
from pkh.selectors import rules_in_force, stage_cuts

from .conftest import ctx
from .test_commitments import attendance

pytestmark = pytest.mark.django_db
COMPONENTS = "sd:1,usia_dini:1,"  # 900,000 + 3,000,000 a year: 975,000 a stage


@pytest.fixture(autouse=True)
def _channels(db):
    from payments import layouts

    layouts.install(PaymentChannel, ChannelRule, FileLayout)


def school_family(build):
    f = build.family("pupil_sd", "toddler")
    return f


def comply_toddler(f, officers, on):
    services.record_visits(ctx(officers["pendamping"]), f.household, [
        services.VisitRecord(f.members["toddler"].pk, "imunisasi", on),
        services.VisitRecord(f.members["toddler"].pk, "penimbangan", on)])


def pay(build, officers, period, families):
    run = build.frozen_run(period, families, [COMPONENTS] * len(families))
    cycle = cycles.prepare(ctx(officers["program"]), run)
    return dict(Payment.objects.filter(cycle=cycle).values_list("household_id", "amount"))


def test_a_violation_cuts_the_next_stage_and_compliance_restores_it(build, officers):
    """Seed 003 via issue 15: "A violation cuts the next payment; it is restored when the
    family complies again." Stage 2's low attendance (70% < 85%) cuts the SD component from
    stage 3; compliance in stage 3 pays stage 4 in full."""
    f, g = school_family(build), school_family(build)
    build.frozen_run("2026-T2", [f, g], [COMPONENTS] * 2)
    for fam in (f, g):
        comply_toddler(fam, officers, date(2026, 5, 5))
    attendance(f, "pupil_sd", 35)  # 70%
    attendance(g, "pupil_sd", 48)  # 96%
    services.verify_stage(ctx(officers["program"]), 2026, 2)

    stage3 = pay(build, officers, "2026-T3", [f, g])
    assert stage3 == {f.household.pk: 750_000, g.household.pk: 975_000}

    for fam in (f, g):
        comply_toddler(fam, officers, date(2026, 8, 5))
        attendance(fam, "pupil_sd", 45, stage=3)
    services.verify_stage(ctx(officers["program"]), 2026, 3)
    stage4 = pay(build, officers, "2026-T4", [f, g])
    assert stage4 == {f.household.pk: 975_000, g.household.pk: 975_000}


def test_the_cut_rule_is_data_component_or_whole_family(build, officers):
    f = school_family(build)
    build.frozen_run("2026-T2", [f], [COMPONENTS])
    comply_toddler(f, officers, date(2026, 5, 5))
    attendance(f, "pupil_sd", 10)
    services.publish_rules(ctx(officers["program"]),
                           rules_in_force().definition | {"cut": "family"})
    services.verify_stage(ctx(officers["program"]), 2026, 2)
    run = build.frozen_run("2026-T3", [f], [COMPONENTS])
    cycle = cycles.prepare(ctx(officers["program"]), run)
    payment = Payment.objects.get(cycle=cycle)
    assert (payment.amount, payment.status) == (0, "cancelled")
    assert (cycle.total_amount, cycle.kpm_count) == (0, 0)  # a cancelled payment is no KPM


def test_the_household_page_explains_the_cut_in_words(build, officers):
    f = school_family(build)
    build.frozen_run("2026-T2", [f], [COMPONENTS])
    comply_toddler(f, officers, date(2026, 5, 5))
    attendance(f, "pupil_sd", 35)
    services.verify_stage(ctx(officers["program"]), 2026, 2)
    block = household_block(officers["dinsos"], f.household)
    (year, stage, words), = block.context["cuts"]
    assert (year, stage) == (2026, 3)
    assert words == [f"Komponen anak SD ({f.members['pupil_sd'].name}) "
                     "dipotong pada tahap berikutnya: kehadiran 70.0% di bawah ambang 85% pada "
                     "tahap 2 tahun 2026; dipulihkan setelah keluarga kembali memenuhi komitmen."]
    assert household_block(officers["keuangan"], f.household) is None  # no PKH view right


def violate(build, officers, f, year, stage):
    attendance(f, "pupil_sd", 5, year=year, stage=stage)
    return services.verify_stage(ctx(officers["program"]), year, stage)


def test_repeated_violations_climb_the_ladder_to_a_forced_exit(build, officers):
    """Issue 15, item 3: "repeated violations climb a ladder that is data (warning, suspension
    of the component, exit)"; item 5: "paksa after N stages of violation (data)"."""
    f = build.family("pupil_sd")
    build.frozen_run("2026-T1", [f], ["sd:1,"])
    steps = []
    for stage in (1, 2, 3):
        violate(build, officers, f, 2026, stage)
        steps.append(StageResult.objects.get(household=f.household, stage=stage).step)
    assert steps == ["warning", "suspension", "exit"]
    graduation = Graduation.objects.get(household=f.household)
    assert (graduation.kind, graduation.on) == ("paksa", date(2026, 10, 1))
    cut = stage_cuts("pkh", "2026", 4, [f.household.pk])[f.household.pk]
    assert cut.family and cut.graduation == graduation
    # A graduated family is not verified again.
    services.verify_stage(ctx(officers["program"]), 2026, 4)
    assert not StageResult.objects.filter(household=f.household, stage=4).exists()


def test_the_exit_step_comes_from_the_data(build, officers):
    f = build.family("pupil_sd")
    build.frozen_run("2026-T1", [f], ["sd:1,"])
    ladder = [{"after": 1, "step": "warning"}, {"after": 2, "step": "exit"}]
    services.publish_rules(ctx(officers["program"]),
                           rules_in_force().definition | {"ladder": ladder})
    violate(build, officers, f, 2026, 1)
    assert not Graduation.objects.exists()
    violate(build, officers, f, 2026, 2)
    assert Graduation.objects.get(household=f.household).kind == "paksa"


def test_a_suspended_component_stays_cut_through_a_stage_not_verified(build, officers):
    f = build.family("pupil_sd")
    build.frozen_run("2026-T1", [f], ["sd:1,"])
    violate(build, officers, f, 2026, 1)
    violate(build, officers, f, 2026, 2)
    services.verify_stage(ctx(officers["program"]), 2026, 3)  # nothing reported for stage 3
    result = StageResult.objects.get(household=f.household, stage=3)
    assert (result.status, result.step) == ("not_verified", "suspension")
    assert stage_cuts("pkh", "2026", 4)[f.household.pk].components == {"sd": 1}
    attendance(f, "pupil_sd", 50, stage=4)
    services.verify_stage(ctx(officers["program"]), 2026, 4)
    assert f.household.pk not in stage_cuts("pkh", "2027", 1)


def test_an_appeal_filed_by_the_pendamping_and_upheld_by_dinsos_lifts_the_cut(build,
                                                                             officers):
    """Issue 15, item 3: "an appeal the pendamping files and the Dinas Sosial decides"."""
    f = build.family("pupil_sd")
    build.frozen_run("2026-T2", [f], ["sd:1,"])
    violate(build, officers, f, 2026, 2)
    line = CommitmentResult.objects.get(result__household=f.household)
    with pytest.raises(PermissionDenied):
        services.file_appeal(ctx(officers["dinsos"]), line, "sakit")
    appeal = services.file_appeal(ctx(officers["pendamping"]), line,
                                  "Anak dirawat di rumah sakit (surat dokter)")
    with pytest.raises(PermissionDenied):
        services.decide_appeal(ctx(officers["pendamping"]), appeal, True)
    with pytest.raises(services.PkhError, match="has appeals"):
        services.verify_stage(ctx(officers["program"]), 2026, 2)
    services.decide_appeal(ctx(officers["dinsos"]), appeal, True, "surat dokter sah")
    line.refresh_from_db()
    assert line.status == "excused"
    assert StageResult.objects.get(household=f.household, stage=2).status == "compliant"
    assert f.household.pk not in stage_cuts("pkh", "2026", 3)
    assert pay(build, officers, "2026-T3", [f])[f.household.pk] == 975_000
    with pytest.raises(services.PkhError, match="already decided"):
        services.decide_appeal(ctx(officers["dinsos"]), appeal, False)


def test_the_household_page_shows_the_cut_and_the_appeal_link(client, build, officers):
    from django.urls import reverse

    f = school_family(build)
    build.frozen_run("2026-T2", [f], [COMPONENTS])
    comply_toddler(f, officers, date(2026, 5, 5))
    attendance(f, "pupil_sd", 35)
    services.verify_stage(ctx(officers["program"]), 2026, 2)
    client.force_login(officers["pendamping"])
    page = client.get(reverse("household_detail", args=[f.household.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "dipotong pada tahap berikutnya" in text and "kehadiran 70.0%" in text
    line = CommitmentResult.objects.get(component="sd")
    assert reverse("pkh:appeal", args=[line.pk]) in text
