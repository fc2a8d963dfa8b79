"""Races on PostgreSQL: two officers submit or sign the same report at the same moment, each on
its own database connection. SQLite serialises writers itself, so these run where the suite
runs on PostgreSQL and are skipped only on SQLite."""

import pytest
from django.db import connection

from audit.models import Event
from monthly_reports import services
from monthly_reports.models import MonthlyReport, ReportLine, Status
from payments.tests.builders import at_once

from .conftest import PERIOD
from .test_services import ctx, submitted

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="concurrent writers need PostgreSQL (SQLite has one writer)"),
]


def test_two_operators_submitting_at_once_freeze_the_numbers_once(
        _flushable_logs, figures, officers, make_user):
    second = make_user("operator_kabupaten", "32.01", username="op-bogor-2")
    report = services.prepare(ctx(officers["op_bogor"]), PERIOD, "32.01")
    users = [officers["op_bogor"], second]
    results = at_once(2, lambda i: services.submit(ctx(users[i]), report))
    assert sum(isinstance(r, MonthlyReport) for r in results) == 1, results
    assert sum(isinstance(r, services.ReportError) for r in results) == 1, results
    lines = ReportLine.objects.filter(report=report)
    assert lines.count() == lines.values("metric", "program").distinct().count() > 0
    assert Event.objects.filter(action="monthly_reports.submit").count() == 1


def test_two_heads_signing_at_once_sign_once(_flushable_logs, figures, officers, make_user):
    heads = [officers["head_bogor"], make_user("kepala_dinas", "32.01", username="kadis-2")]
    report = submitted(officers)
    results = at_once(2, lambda i: services.sign(ctx(heads[i]), report))
    signed = [r for r in results if isinstance(r, MonthlyReport)]
    assert len(signed) == 1, results
    assert sum(isinstance(r, services.ReportError) for r in results) == 1, results
    report.refresh_from_db()
    assert report.status == Status.SIGNED and report.signed_by == signed[0].signed_by
    assert Event.objects.filter(action="monthly_reports.sign").count() == 1


def test_a_head_returning_while_another_signs_leaves_one_outcome(
        _flushable_logs, figures, officers, make_user):
    heads = [officers["head_bogor"], make_user("kepala_dinas", "32.01", username="kadis-3")]
    report = submitted(officers)

    def work(i):
        if i == 0:
            return services.sign(ctx(heads[0]), report)
        return services.return_for_correction(ctx(heads[1]), report, "Periksa ulang")

    results = at_once(2, work)
    assert sum(isinstance(r, services.ReportError) for r in results) == 1, results
    report.refresh_from_db()
    lines = ReportLine.objects.filter(report=report).exists()
    assert (report.status, lines) in {(Status.SIGNED, True), (Status.DRAFT, False)}
