"""Up the hierarchy: the province consolidates the signed reports of its kabupaten/kota, the
ministry those of the provinces, and both list the regions whose report is missing or late."""

from datetime import UTC, date, datetime

from monthly_reports import rules, selectors, services
from monthly_reports.models import MonthlyReport

from .conftest import PERIOD, SUKABUMI, put
from .test_services import ctx, signed, submitted, value


def consolidated(officers, code: str, op: str, head: str | None = None) -> MonthlyReport:
    report = services.prepare(ctx(officers[op]), PERIOD, code)
    report = services.submit(ctx(officers[op]), report)
    return services.sign(ctx(officers[head]), report) if head else report


def test_reports_climb_the_hierarchy_kabupaten_province_ministry(figures, officers, sukabumi):
    """Seed 001, Permensos 7/2021 art. 52: "Gubernur dan bupati/wali kota wajib membuat laporan
    tertulis secara berjenjang mengenai pelaksanaan ATENSI sesuai dengan kewenangannya." The
    kabupaten/kota reports to its province, the province to the ministry: each level's numbers
    are the sums of the signed reports of the level below, and the regions that did not report
    are named."""
    signed(officers)  # Bogor
    # The summary tables move on after Bogor signed; the province sums Bogor's frozen lines,
    # and never reads the province's own summary figures.
    put(PERIOD, "32.01", {"households": 5000})
    put(PERIOD, "32", {"households": 99_999})
    jabar = consolidated(officers, "32", "prov_jabar", "head_jabar")
    assert value(jabar, "households") == 1200
    assert value(jabar, "kpm", "sembako") == 410
    assert value(jabar, "disbursed_amount", "sembako") == 80_000_000
    sources = {s.region_code: s for s in jabar.sources.all()}
    assert set(sources) == {"32.01", SUKABUMI}
    assert sources["32.01"].child.region_code == "32.01" and sources[SUKABUMI].child is None

    nation = consolidated(officers, "", "pusat", "head_pusat")
    assert value(nation, "households") == 1200 and value(nation, "workers") == 9
    missing = {s.region_code for s in nation.sources.all() if s.child is None}
    assert missing == {"34"}
    doc = selectors.document(PERIOD, "", nation)
    regions = doc.tables[0]
    assert regions.key == "regions"
    assert [(r[0], r[2]) for r in regions.rows][1] == ("34", "Belum ada: belum ditandatangani")
    assert regions.rows[0][3] == 1200  # Jawa Barat's households


def test_consolidation_sums_the_children_and_leaves_out_the_unsigned(figures, officers):
    signed(officers, "34.03", "op_gk", "head_gk")
    bogor = submitted(officers)  # submitted, not signed yet: not sent up
    consolidated(officers, "34", "prov_diy", "head_diy")
    jabar = consolidated(officers, "32", "prov_jabar")
    assert not jabar.lines.filter(value__gt=0).exists()  # nothing signed in Jawa Barat
    assert [s.child for s in jabar.sources.all()] == [None]

    services.sign(ctx(officers["head_bogor"]), bogor)
    jabar.refresh_from_db()  # the submitted consolidation stays as it was submitted
    assert [s.child for s in jabar.sources.all()] == [None]
    jabar = services.return_for_correction(ctx(officers["head_jabar"]), jabar,
                                           "Bogor sudah masuk")
    jabar = services.sign(ctx(officers["head_jabar"]),
                          services.submit(ctx(officers["prov_jabar"]), jabar))
    assert [s.child_id for s in jabar.sources.all()] == [bogor.pk]

    nation = consolidated(officers, "", "pusat")
    assert value(nation, "households") == 1200 + 800
    assert value(nation, "disbursed_amount", "sembako") == 80_000_000 + 40_000_000
    assert value(nation, "kpm", "sembako") == 410 + 200
    assert value(nation, "kpm", "pkh") == 150
    assert {s.region_code for s in nation.sources.all() if s.child} == {"32", "34"}


def test_a_draft_consolidation_shows_what_has_been_signed_so_far(figures, officers, sukabumi):
    doc = selectors.document(PERIOD, "32", None)
    assert {s.region_code for s in doc.missing} == {"32.01", SUKABUMI}
    assert doc.values[("households", "")] == 0
    signed(officers)
    doc = selectors.document(PERIOD, "32", None)
    assert {s.region_code for s in doc.missing} == {SUKABUMI}
    assert doc.values[("households", "")] == 1200


def test_a_child_signed_after_its_deadline_is_included_and_marked_late(figures, officers):
    bogor = signed(officers)
    MonthlyReport.objects.filter(pk=bogor.pk).update(
        signed_at=datetime(2021, 4, 12, 3, 0, tzinfo=UTC))
    jabar = consolidated(officers, "32", "prov_jabar")
    source = jabar.sources.get(region_code="32.01")
    assert source.child_id == bogor.pk and source.signed_late


def _sign_on(report: MonthlyReport, day: date) -> None:
    MonthlyReport.objects.filter(pk=report.pk).update(
        signed_at=datetime(day.year, day.month, day.day, 3, 0, tzinfo=UTC))


def test_late_reports_are_those_not_signed_by_the_deadline_or_signed_after_it(
        figures, officers, sukabumi):
    _sign_on(signed(officers), date(2021, 4, 9))  # Bogor: on time
    _sign_on(signed(officers, "34.03", "op_gk", "head_gk"), date(2021, 4, 15))  # late
    after = date(2021, 6, 1)
    late = {r.region_code: r.timeliness for r in selectors.late(officers["pusat"], PERIOD, after)}
    assert late == {"": rules.OVERDUE, "32": rules.OVERDUE, "34": rules.OVERDUE,
                    SUKABUMI: rules.OVERDUE, "34.03": rules.LATE}
    # A province sees its own province and kabupaten/kota only.
    jabar = {r.region_code for r in selectors.late(officers["prov_jabar"], PERIOD, after)}
    assert jabar == {"32", SUKABUMI}
    assert selectors.late(officers["op_bogor"], PERIOD, after) == []
    # Before the deadline nothing unsigned is late yet.
    early = selectors.late(officers["pusat"], PERIOD, date(2021, 4, 10))
    assert {r.region_code: r.timeliness for r in early} == {"34.03": rules.LATE}
