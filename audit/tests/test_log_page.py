"""The audit-log page: auditors and national officers read the append-only event log, filtered
by actor, action, record, dates, source and run, page by page, only within their region; the
page changes nothing, and reading it is itself an event."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit import views
from audit.models import Event, Source
from audit.services import LOG_READ

pytestmark = pytest.mark.django_db
URL = "/audit/"


def event(action="registry.member.update", actor=None, object_type="registry.member",
          object_id="1", region="32.01.01.1001", source=Source.FORM, source_ref="", **extra):
    return Event.objects.create(action=action, actor=actor, object_type=object_type,
                                object_id=object_id, region_code=region, source=source,
                                source_ref=source_ref, **extra)


@pytest.fixture
def log(make_user):
    operator = make_user(Role.OPERATOR_DESA, "32.01.01.1001", first_name="Siti",
                         last_name="Rahayu")
    return {
        "operator": operator,
        "update": event(actor=operator, changes={"name": ["Budi", "Budi Santoso"]},
                        reason="salah ketik"),
        "read": event("read", actor=operator, object_id="7"),
        "batch": event("programs.run.enrollment", object_type="programs.eligibilityrun",
                       object_id="12", region="", source=Source.BATCH,
                       source_ref="eligibility:12"),
        "gunungkidul": event(region="34.03.01.2001", object_id="99"),
    }


def shown(page) -> set[int]:
    return {row["event"].pk for row in page.context["rows"]}


def test_the_url_is_the_audit_log_page():
    assert reverse("audit:event_list") == URL


def test_an_auditor_reads_every_event_newest_first_with_changes_and_reason(
        client, make_user, log):
    client.force_login(make_user(Role.AUDITOR))
    page = client.get(URL)
    assert page.status_code == 200
    assert [row["event"].pk for row in page.context["rows"]] == sorted(
        (e.pk for e in log.values() if isinstance(e, Event)), reverse=True)
    html = page.content.decode()
    assert "Budi → Budi Santoso" in html and "salah ketik" in html
    assert "eligibility:12" in html and "Siti Rahayu" in html


@pytest.mark.parametrize("query,expected", [
    ({"actor": "siti"}, ["update", "read"]),
    ({"actor": "operator_desa-32_01_01_1001"}, ["update", "read"]),
    ({"action": "registry."}, ["update", "gunungkidul"]),
    ({"action": "read"}, ["read"]),
    ({"object_type": "programs"}, ["batch"]),
    ({"object_type": "registry.member", "object_id": "7"}, ["read"]),
    ({"source": "batch"}, ["batch"]),
    ({"source_ref": "eligibility:"}, ["batch"]),
    ({"region": "34.03"}, ["gunungkidul"]),
])
def test_the_log_is_filtered(client, make_user, log, query, expected):
    client.force_login(make_user(Role.AUDITOR))
    assert shown(client.get(URL, query)) == {log[name].pk for name in expected}


def test_a_date_range_is_inclusive_in_jakarta_days(client, make_user, log):
    client.force_login(make_user(Role.AUDITOR))
    today = timezone.localdate()
    assert len(shown(client.get(URL, {"since": today, "until": today}))) == 4
    assert shown(client.get(URL, {"until": today - timedelta(days=1)})) == set()
    refused = client.get(URL, {"since": today, "until": today - timedelta(days=1)})
    assert refused.status_code == 400
    assert "sebelum awalnya" in refused.content.decode()


def test_a_regional_auditor_reads_only_the_events_of_the_region(client, make_user, log):
    client.force_login(make_user(Role.AUDITOR, "32.01"))
    assert shown(client.get(URL)) == {log["update"].pk, log["read"].pk}
    refused = client.get(URL, {"region": "34.03"})  # outside the scope: refused, no rows
    assert refused.status_code == 400 and refused.context["rows"] == []


def test_national_officers_read_it_and_other_roles_may_not(client, make_user, log):
    client.force_login(make_user(Role.PUSAT))
    assert client.get(URL).status_code == 200
    others = [make_user(role, region) for role, region in [
        (Role.PROGRAM_MANAGER, None), (Role.OPERATOR_KABUPATEN, "32.01"),
        (Role.ADMINISTRATOR, None)]]
    for user in [log["operator"], *others]:
        client.force_login(user)
        assert client.get(URL).status_code == 403, user.role


def test_the_navbar_links_the_log_for_auditors_only(client, make_user, log):
    client.force_login(make_user(Role.AUDITOR))
    assert 'id="nav-audit-log"' in client.get(reverse("home"), follow=True).content.decode()
    client.force_login(log["operator"])
    assert 'id="nav-audit-log"' not in client.get(reverse("home"), follow=True).content.decode()


def test_reading_the_log_is_itself_an_event_naming_the_filter(client, make_user, log):
    auditor = make_user(Role.AUDITOR, "32.01")
    client.force_login(auditor)
    client.get(URL, {"actor": "siti"})
    read = Event.objects.get(action=LOG_READ)
    assert (read.actor, read.region_code, read.object_type) == (auditor, "32.01", "audit.event")
    assert read.changes == {"filters": {"actor": "siti"}, "shown": 2}
    assert read.object_id == f"{log['update'].pk}-{log['read'].pk}"
    client.get(URL, {"actor": "nobody"})  # nothing shown, nothing read
    assert Event.objects.filter(action=LOG_READ).count() == 1


def test_the_page_is_read_only(client, make_user, log):
    client.force_login(make_user(Role.AUDITOR))
    assert client.post(URL, {"action": "x"}).status_code == 405
    assert Event.objects.filter(action=LOG_READ).count() == 0


def test_pages_of_events(client, make_user, log, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client.force_login(make_user(Role.AUDITOR))
    first = client.get(URL, {"action": "r"})  # registry.* and read: three events
    assert len(first.context["rows"]) == 2 and "action=r" in first.context["next_query"]
    second = client.get(URL + first.context["next_query"])
    assert len(second.context["rows"]) == 1 and not second.context["next_query"]
    assert shown(first) | shown(second) == {log["update"].pk, log["read"].pk,
                                            log["gunungkidul"].pk}
