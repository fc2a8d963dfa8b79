"""The summary tables equal live counts over a test population, at every level of the region
tree (issue 16: "Every dashboard reads them: no live counting over the registry"), and a refresh
replaces them whole."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from audit.services import Context
from grievance.models import Submission
from payments.models import Payment, PaymentCycle, TreasuryReturn
from payments.tests.builders import Builder
from programs.models import Enrollment
from programs.tests.kpm_data import family, other_kabupaten_village
from registry import services as registry
from registry.models import Household, Member
from reports import selectors, summaries
from reports.models import RegionFigure, SummaryRefresh
from workforce.models import Worker

PAID_ON = timezone.make_aware(datetime(2021, 3, 5, 10, 0))
VILLAGES = ["32.01.01.1001", "32.01.01.1002", "32.01.02.2001"]


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def _cycle(actor, approver, households, month: int, statuses: list[str]) -> PaymentCycle:
    run = Builder(actor).frozen_run("sembako", f"2021-{month:02d}", households, amount=200_000)
    cycle = PaymentCycle.objects.create(
        program=run.program, run=run, period=run.period, stage=1, year=2021, month=month,
        status="closed", prepared_by=actor, approved_by=approver, approved_at=PAID_ON)
    treasury = TreasuryReturn.objects.create(cycle=cycle, amount=200_000, payments_count=1,
                                             date=date(2021, month + 1, 1),
                                             reference=f"NTPN-{month}")
    for enrollment, status in zip(Enrollment.objects.filter(run=run).order_by("pk"), statuses,
                                  strict=True):
        household = enrollment.household
        Payment.objects.create(
            cycle=cycle, program=run.program, period=run.period, stage=1, household=household,
            enrollment=enrollment, village_code=household.village_id, recipient_name="x",
            nik=household.members.first().nik, amount=200_000, status=status,
            status_at=PAID_ON, treasury_return=treasury if status == "returned" else None)
    return cycle


def _complaint(village: str, n: int, status: str, created, due, resolved=None) -> None:
    Submission.objects.create(
        tracking_number=f"T{n:08d}", kind="complaint", category="not_receiving", channel="web",
        status=status, region_id=village, description="x", unit="village",
        unit_region_code=village, created_at=created, due_at=due, resolved_at=resolved)


@pytest.fixture
def population(db, make_user):
    admin = make_user("administrator", username="summary-admin")
    villages = [*VILLAGES, other_kabupaten_village()]
    families = [family(admin, v, 100 + 10 * i, f"Kepala {i}", desil=(i % 4) + 1 if i % 5 else None,
                       padan=i % 3 != 0)
                for i, v in enumerate(villages * 3)]
    registry.change_status(Context(actor=admin), families[0].household, "inactive", "moved")
    households = [f.household for f in families[1:]]
    approver = make_user("keuangan", username="summary-keuangan")
    _cycle(admin, approver, households[:6], 3, ["credited", "transacted", "failed", "returned",
                                      "not_transacted", "sent"])
    _cycle(admin, approver, households[:4], 4, ["delivered", "credited", "credited", "failed"])
    now = timezone.now()
    _complaint(VILLAGES[0], 1, "received", now, now - timedelta(days=1))
    _complaint(VILLAGES[1], 2, "resolved", now - timedelta(days=3), now + timedelta(days=4),
               now - timedelta(days=1))
    _complaint(villages[3], 3, "in_progress", now, now + timedelta(days=5))
    Worker.objects.create(name="Pekerja A", kind="pekerja_sosial", region_id="32.01")
    Worker.objects.create(name="Pekerja B", kind="tks", region_id=VILLAGES[2])
    Worker.objects.create(name="Pekerja C", kind="tks", region_id=VILLAGES[2], active=False)
    return admin


def _live(prefix: str) -> dict[str, int]:
    """What a dashboard would count live in a region (code prefix; '' = the nation)."""
    hh = Household.objects.filter(status="active", village__code__startswith=prefix)
    members = Member.objects.filter(status="active", village__code__startswith=prefix)
    pay = Payment.objects.filter(village_code__startswith=prefix, period="2021-03")
    paid = pay.filter(status__in=summaries.PAID)
    live = {
        "households": hh.count(),
        "members": members.count(),
        "padan_members": members.filter(civil_match__status="padan").count(),
        "desil_none": hh.filter(score__isnull=True).count(),
        "planned_amount": sum(p.amount for p in pay),
        "disbursed_kpm": paid.values("household").distinct().count(),
        "disbursed_amount": sum(p.amount for p in paid),
        "failed_kpm": pay.filter(status="failed").count(),
        "returned_amount": sum(p.amount for p in pay.filter(status="returned")),
        "complaints_open": Submission.objects.filter(
            region__code__startswith=prefix, status__in=summaries.OPEN_COMPLAINTS).count(),
        "complaints_over_sla": Submission.objects.filter(
            region__code__startswith=prefix, status__in=summaries.OPEN_COMPLAINTS,
            due_at__lt=timezone.now()).count(),
        "workers": Worker.objects.filter(active=True, region__code__startswith=prefix).count(),
    }
    for d in range(1, 5):
        live[f"desil_{d}"] = hh.filter(score__desil_national=d).count()
    return live


def _stored(prefix: str) -> dict[str, int]:
    current = summaries.current_period()
    now = selectors.figures(current, prefix)
    march = selectors.figures("2021-03", prefix)
    out = {code: now.get((code, ""), 0) for code in (
        "households", "members", "padan_members", "desil_none", "complaints_open",
        "complaints_over_sla", "workers", *[f"desil_{d}" for d in range(1, 5)])}
    for code in ("planned_amount", "disbursed_kpm", "disbursed_amount", "failed_kpm",
                 "returned_amount"):
        out[code] = march.get((code, "sembako"), 0)
    return out


@pytest.mark.parametrize("prefix", ["", "32", "32.01", "32.01.01", "32.01.01.1001", "34.03"])
def test_summary_tables_equal_live_counts_at_every_level(population, prefix):
    summaries.refresh()
    assert _stored(prefix) == _live(prefix)
    assert _live(prefix)["households"] > 0 or prefix == "32.01.01.1001"


def test_a_flow_is_counted_in_its_month_and_a_region_has_its_children(population):
    summaries.refresh()
    april = selectors.figures("2021-04", "")
    assert april[("disbursed_amount", "sembako")] == 3 * 200_000  # delivered + 2 credited
    children = selectors.children_figures(summaries.current_period(), "32.01", "households")
    assert set(children) == {"32.01.01", "32.01.02"}
    assert sum(children.values()) == selectors.figures(
        summaries.current_period(), "32.01")[("households", "")]


def test_a_refresh_replaces_the_figures_and_records_itself(population, make_user):
    first = summaries.refresh(SummaryRefresh.Reason.NIGHTLY)
    admin = make_user("administrator", username="second-admin")
    family(admin, VILLAGES[0], 900, "Kepala Baru")
    second = summaries.refresh()
    current = summaries.current_period()
    assert selectors.figures(current, "")[("households", "")] == Household.objects.filter(
        status="active").count()
    # one row per (period, region, metric, program): nothing from the first refresh is left twice
    assert RegionFigure.objects.filter(period=current, region_code="",
                                       metric="households").count() == 1
    assert first.rows > 0 and second.finished_at >= first.finished_at
    assert selectors.last_refresh() == second


def _ids(**filters) -> dict[tuple, int]:
    return {(f.period, f.region_code, f.metric, f.program): f.pk
            for f in RegionFigure.objects.filter(**filters)}


def test_a_second_refresh_rewrites_only_the_figures_that_changed(population):
    summaries.refresh()
    before = _ids()
    failed = Payment.objects.filter(status="failed").first()
    Payment.objects.filter(pk=failed.pk).update(status="transacted")  # paid after all
    summaries.refresh()
    assert _stored("") == _live("") and _stored("32.01") == _live("32.01")
    after = _ids()
    month = f"{failed.cycle.year}-{failed.cycle.month:02d}"
    key = (month, failed.village_code, "failed_kpm", "sembako")
    assert key in before and key not in after, "a figure fallen to zero is deleted"
    paid = (month, "", "disbursed_amount", "sembako")
    assert after[paid] != before[paid], "a changed figure is written anew"
    households = (summaries.current_period(), "", "households", "")
    assert after[households] == before[households], "an unchanged figure is left as it was"
