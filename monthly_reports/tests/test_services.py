"""The monthly report's life: prepared by the region's Dinas Sosial, submitted (its numbers
frozen), signed off by the region's own head of service, or returned for correction."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import Event
from audit.services import Context
from monthly_reports import rules, selectors, services
from monthly_reports.models import MonthlyReport, ReportLine, Status
from reports.models import RegionFigure

from .conftest import PERIOD, put


def ctx(user) -> Context:
    return Context(actor=user)


def submitted(officers, code="32.01", op="op_bogor") -> MonthlyReport:
    report = services.prepare(ctx(officers[op]), PERIOD, code, "Bulan yang tenang.")
    return services.submit(ctx(officers[op]), report)


def signed(officers, code="32.01", op="op_bogor", head="head_bogor") -> MonthlyReport:
    return services.sign(ctx(officers[head]), submitted(officers, code, op))


def value(report: MonthlyReport, metric: str, program: str = "") -> int:
    return report.lines.get(metric=metric, program=program).value


def test_a_submitted_report_does_not_change_when_the_data_changes(figures, officers):
    """Issue 16 (done when): "a submitted report does not change when the data changes". The
    kabupaten's report is frozen at submission; the summary tables move on (a new refresh,
    a corrected figure), the report keeps the numbers it was submitted and signed with."""
    report = submitted(officers)
    assert value(report, "households") == 1200
    assert value(report, "kpm", "sembako") == 410
    assert value(report, "disbursed_amount", "sembako") == 80_000_000
    assert value(report, "complaints_received") == 7
    assert value(report, "atensi_closed_cases") == 0  # every metric of the report, zeros too

    put(PERIOD, "32.01", {"households": 1500, ("kpm", "sembako"): 999, "complaints_received": 50,
                          ("kpm", "bst"): 77})
    RegionFigure.objects.filter(region_code="32.01", metric="workers").delete()
    report = services.sign(ctx(officers["head_bogor"]), report)

    doc = selectors.document(PERIOD, "32.01", report)
    assert doc.values[("households", "")] == 1200
    assert doc.values[("kpm", "sembako")] == 410
    assert ("kpm", "bst") not in doc.values
    assert doc.values[("complaints_received", "")] == 7
    assert doc.values[("workers", "")] == 9
    kpm = next(t for t in doc.tables if t.key == "kpm")
    assert [r[1] for r in kpm.rows][-1] == 560  # total of the frozen lines: 410 + 150
    # A draft, by contrast, shows the figures of the moment.
    live = selectors.document(PERIOD, "32.01", None)
    assert live.values[("households", "")] == 1500 and live.values[("kpm", "bst")] == 77


def test_a_submitted_report_survives_a_refresh_of_the_summary_tables(
        officers, make_household, settings, tmp_path):
    """The same through the batch engine: households registered after submission reach the
    summary tables at the next refresh, never the submitted report."""
    from reports import summaries

    settings.VAR_DIR = tmp_path / "var"
    march = timezone.make_aware(datetime(2021, 3, 20, 12, 0))
    make_household()
    summaries.refresh(now=march)
    report = submitted(officers)
    assert value(report, "households") == 1 and value(report, "members") == 1

    make_household(nik="3201011208850011", kk="3201010101200011", name="Ani")
    summaries.refresh(now=march)
    assert selectors.document(PERIOD, "32.01", None).values[("households", "")] == 2
    report.refresh_from_db()
    frozen = selectors.document(PERIOD, "32.01", report)
    assert frozen.values[("households", "")] == 1 and frozen.values[("members", "")] == 1
    assert frozen.stock_period == PERIOD and frozen.data_as_of < timezone.now()


def test_the_report_is_signed_only_by_the_head_of_service_of_that_region(figures, officers):
    report = submitted(officers)
    for other in ("head_gk", "head_jabar", "head_pusat", "op_bogor", "prov_jabar", "pusat"):
        with pytest.raises(PermissionDenied):
            services.sign(ctx(officers[other]), report)
        with pytest.raises(PermissionDenied):
            services.return_for_correction(ctx(officers[other]), report, "Periksa lagi")
    report = services.sign(ctx(officers["head_bogor"]), report)
    assert report.status == Status.SIGNED and report.signed_by == officers["head_bogor"]
    event = Event.objects.get(action="monthly_reports.sign")
    assert (event.actor, event.region_code, event.object_id) == (
        officers["head_bogor"], "32.01", str(report.pk))


def test_the_officer_who_prepared_the_report_never_signs_it(figures, officers):
    head = officers["head_bogor"]
    with pytest.raises(PermissionDenied):  # a head of service does not prepare reports
        services.prepare(ctx(head), PERIOD, "32.01")
    report = submitted(officers)
    MonthlyReport.objects.filter(pk=report.pk).update(submitted_by=head)
    with pytest.raises(services.ReportError, match="pejabat lain"):
        services.sign(ctx(head), report)
    assert MonthlyReport.objects.get(pk=report.pk).status == Status.SUBMITTED


def test_only_the_region_own_dinas_sosial_prepares_its_report(figures, officers):
    for other in ("op_gk", "prov_jabar", "pusat"):
        with pytest.raises(PermissionDenied):
            services.prepare(ctx(officers[other]), PERIOD, "32.01")
    with pytest.raises(PermissionDenied):  # a kabupaten operator does not consolidate
        services.prepare(ctx(officers["op_bogor"]), PERIOD, "32")
    report = services.prepare(ctx(officers["op_bogor"]), PERIOD, "32.01")
    with pytest.raises(PermissionDenied):
        services.submit(ctx(officers["prov_jabar"]), report)


def test_a_report_moves_once_submitted_twice_or_signed_twice_is_refused(figures, officers):
    report = submitted(officers)
    with pytest.raises(services.ReportError, match="sudah diajukan"):
        services.submit(ctx(officers["op_bogor"]), report)
    with pytest.raises(services.ReportError, match="sudah diajukan"):
        services.prepare(ctx(officers["op_bogor"]), PERIOD, "32.01", "ubah")
    services.sign(ctx(officers["head_bogor"]), report)
    with pytest.raises(services.ReportError, match="sudah ditandatangani"):
        services.sign(ctx(officers["head_bogor"]), report)
    with pytest.raises(services.ReportError, match="sudah ditandatangani"):
        services.return_for_correction(ctx(officers["head_bogor"]), report, "terlambat")
    assert ReportLine.objects.filter(report=report).count() == len(
        selectors.document(PERIOD, "32.01", report).values)
    assert Event.objects.filter(action="monthly_reports.submit").count() == 1


def test_a_returned_report_is_a_draft_again_and_freezes_the_new_numbers_on_resubmission(
        figures, officers):
    report = submitted(officers)
    with pytest.raises(services.ReportError, match="Sebutkan alasan"):
        services.return_for_correction(ctx(officers["head_bogor"]), report, "  ")
    report = services.return_for_correction(ctx(officers["head_bogor"]), report,
                                            "Angka pengaduan belum lengkap")
    assert report.status == Status.DRAFT and not report.lines.exists()
    assert report.submitted_by is None and report.return_reason == "Angka pengaduan belum lengkap"
    event = Event.objects.get(action="monthly_reports.return")
    assert event.reason == "Angka pengaduan belum lengkap"
    put(PERIOD, "32.01", {"complaints_received": 9})
    report = services.submit(ctx(officers["op_bogor"]), report)
    assert value(report, "complaints_received") == 9


def test_a_month_that_is_not_over_cannot_be_reported(figures, officers):
    this_month = rules.local_date("32.01").strftime("%Y-%m")
    with pytest.raises(services.ReportError, match="belum berakhir"):
        services.prepare(ctx(officers["op_bogor"]), this_month, "32.01")


def test_stocks_come_from_the_last_refresh_at_or_before_the_month(officers):
    """Stocks are kept under the month of the refresh that took them; flows under their own
    month. A month without its own refresh reports the stocks of the last one before it."""
    put("2021-01", "32.01", {"households": 1000})
    put("2021-05", "32.01", {"households": 1300})
    put(PERIOD, "32.01", {"households_added": 5})
    report = submitted(officers)
    assert value(report, "households") == 1000 and value(report, "households_added") == 5
    assert report.stock_period == "2021-01"


def test_the_deadlines_and_whether_a_report_came_in_on_time():
    assert rules.deadline("2021-03", rules.KABUPATEN) == date(2021, 4, 10)
    assert rules.deadline("2021-12", rules.PROVINCE) == date(2022, 1, 20)
    assert rules.deadline("2021-01", rules.NATION) == date(2021, 2, 28)
    after = date(2021, 5, 1)
    # Dates are the region's own: 23:30 WIB on the 10th is in time, 00:10 on the 11th is not.
    on_time = datetime(2021, 4, 10, 16, 30, tzinfo=UTC)
    late = on_time + timedelta(minutes=40)
    assert rules.timeliness("32.01", 2, PERIOD, on_time, after) == rules.ON_TIME
    assert rules.timeliness("32.01", 2, PERIOD, late, after) == rules.LATE
    assert rules.timeliness("32.01", 2, PERIOD, None, after) == rules.OVERDUE
    assert rules.timeliness("32.01", 2, PERIOD, None, date(2021, 4, 10)) == rules.DUE
