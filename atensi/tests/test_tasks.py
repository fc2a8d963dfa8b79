"""Tasks and alerts: due and overdue stages, follow-ups this week, emergencies waiting, sign-offs
waiting; per worker, supervisor and provider; caseload per worker."""

from datetime import timedelta

import pytest
from django.utils import timezone

from atensi import selectors, services
from atensi.models import Case
from audit.services import Context
from workforce.hooks import worker_blocks

pytestmark = pytest.mark.django_db


def test_tasks_per_worker_supervisor_and_provider(world):
    today = timezone.localdate()
    urgent = world.case(emergency=True)
    late = world.case(world.person(name="Rina", birth_date=None))
    Case.objects.filter(pk=late.pk).update(stage_due=today - timedelta(days=2))
    services.request_signoff(Context(world.worker), urgent)
    groups = selectors.my_tasks(world.worker, today)
    assert [c.pk for c in groups["worker"].emergencies] == [urgent.pk]
    assert [c.pk for c in groups["worker"].overdue] == [late.pk]
    assert "supervisor" not in groups  # the worker holds no supervision competency
    supervisor = selectors.my_tasks(world.supervisor, today)["supervisor"]
    assert [c.pk for c in supervisor.to_sign_off] == [urgent.pk]
    provider = selectors.my_tasks(world.uncertified, today)["provider"]
    assert {c.pk for c in provider.overdue} == {late.pk}
    assert selectors.my_tasks(world.other_worker, today)["provider"].count == 0


def test_follow_ups_due_this_week(world):
    case = world.case()
    case.stage = "aftercare"
    case.save(update_fields=["stage"])
    today = timezone.localdate()
    soon = services.schedule_follow_up(Context(world.worker), case, today + timedelta(3), "Visit")
    services.schedule_follow_up(Context(world.worker), case, today + timedelta(30), "Later")
    tasks = selectors.my_tasks(world.worker, today)["worker"]
    assert [f.pk for f in tasks.follow_ups] == [soon.pk]


def test_caseload_per_worker_and_on_the_worker_page(world):
    world.case()
    world.case(world.person(name="Rina"), emergency=True)
    rows = selectors.caseload_per_worker(Case.objects.all())
    assert rows[0]["worker__username"] == "peksos"
    assert (rows[0]["open"], rows[0]["emergency"]) == (2, 1)
    blocks = worker_blocks(world.supervisor, world.worker.worker)
    figures = {label: value for label, value, _url in blocks[0].context["rows"]}
    assert 2 in figures.values()


def test_report_counts_are_scoped_and_count_cases(world):
    from accounts.models import Role

    world.case()
    world.case(world.person(name="Rina"), clusters=["children", "disability"])
    dinsos = world.make_user(Role.OPERATOR_KABUPATEN, "32.01", username="dinsos")
    elsewhere = world.make_user(Role.OPERATOR_KABUPATEN, "34.03", username="dinsos-gk")
    qs = selectors.reportable_cases(dinsos)
    assert selectors.report_counts(qs, "stage") == [("access", 2)]
    assert dict(selectors.report_counts(qs, "cluster")) == {"children": 2, "disability": 1}
    assert selectors.report_counts(qs, "level2") == [("32.01", 2)]
    assert selectors.report_counts(selectors.reportable_cases(elsewhere), "stage") == []
