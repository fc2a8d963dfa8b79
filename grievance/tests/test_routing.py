"""Routing by category and region to a unit with an SLA, and escalation when overdue."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import VILLAGE_A
from grievance import services
from grievance.models import RoutingRule

pytestmark = pytest.mark.django_db


def test_not_receiving_goes_to_the_village_with_three_days(complaint):
    sub = complaint()
    assert (sub.unit, sub.unit_region_code) == ("village", VILLAGE_A)
    assert sub.due_at - sub.created_at == timedelta(hours=72)


def test_goods_at_an_ewarong_go_to_the_regency_supervisor(complaint):
    sub = complaint(category="ewarong_goods")
    assert (sub.unit, sub.unit_region_code) == ("ewarong_supervisor", "32.01")


def test_a_regional_rule_overrides_the_national_one(complaint):
    RoutingRule.objects.create(category="not_receiving", region_prefix="32.01",
                               unit="dinsos_kabupaten", sla_hours=24)
    sub = complaint()
    assert (sub.unit, sub.unit_region_code) == ("dinsos_kabupaten", "32.01")
    assert sub.due_at - sub.created_at == timedelta(hours=24)


def test_overdue_complaint_escalates_one_level_up_after_the_sla(complaint):
    sub = complaint()
    start = sub.created_at
    assert services.escalate_overdue(now=start + timedelta(hours=71)) == 0
    assert services.escalate_overdue(now=start + timedelta(hours=73)) == 1
    sub.refresh_from_db()
    assert (sub.unit, sub.unit_region_code, sub.status) == ("dinsos_kabupaten", "32.01",
                                                           "escalated")
    # the regency's own SLA (as for a complaint routed there), then the province
    later = start + timedelta(hours=73 + 169)
    assert services.escalate_overdue(now=later) == 1
    sub.refresh_from_db()
    assert (sub.unit, sub.unit_region_code, sub.escalations) == ("dinsos_provinsi", "32", 2)


def test_resolved_complaints_do_not_escalate(complaint, make_user):
    from audit.services import Context

    sub = complaint()
    services.resolve(Context(make_user("operator_desa", VILLAGE_A)), sub, "paid", "Sudah cair.")
    assert services.escalate_overdue(now=timezone.now() + timedelta(days=30)) == 0


def test_escalation_command_runs(complaint, capsys):
    from django.core.management import call_command

    complaint()
    call_command("escalate_complaints")
    assert "0 escalated" in capsys.readouterr().out
