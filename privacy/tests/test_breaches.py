"""The breach register (UU 27/2022 art. 46): the subjects and the authority are notified in
writing within 3x24 hours of discovery; the register shows that deadline, overdue highlighted."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from audit.services import Context
from privacy import breaches

from .conftest import row_of

pytestmark = pytest.mark.django_db



@pytest.fixture
def record(officer):
    def make(discovered_hours_ago: float = 2, **extra):
        discovered = timezone.now() - timedelta(hours=discovered_hours_ago)
        values = {"title": "Laptop operator hilang", "description": "Berisi ekspor BNBA.",
                  "data_categories": ["identity", "address"],
                  "occurred_at": discovered - timedelta(days=1), "discovered_at": discovered,
                  "subjects_affected": 412, "subject_categories": "KPM Sembako Desa Cibinong",
                  "measures": "Akun dinonaktifkan."} | extra
        return breaches.record_breach(Context(actor=officer), **values)

    return make


def test_the_deadline_is_three_times_24_hours_after_discovery(record):
    breach = record()
    assert breach.deadline == breach.discovered_at + timedelta(hours=72)
    assert not breach.overdue(timezone.now())


def test_the_register_shows_the_deadline_and_highlights_an_overdue_breach(client, officer,
                                                                        record):
    late = record(discovered_hours_ago=80, title="Kebocoran ekspor KPM")
    fresh = record(discovered_hours_ago=2)
    client.force_login(officer)
    html = client.get(reverse("privacy:breach_list")).content.decode()
    late_row = row_of(html, late.number)
    assert 'data-overdue="1"' in late_row and "terlambat 8 jam" in late_row
    assert timezone.localtime(late.deadline).strftime("%d-%m-%Y %H:%M") in late_row
    fresh_row = row_of(html, fresh.number)
    assert "data-overdue" not in fresh_row and "69 jam lagi" in fresh_row
    dashboard = client.get(reverse("privacy:dashboard")).content.decode()
    assert late.number in dashboard and "Insiden yang belum diberitahukan" in dashboard


def test_a_notification_after_the_deadline_stays_marked_late(officer, record):
    breach = record(discovered_hours_ago=100)
    now = timezone.now()
    breaches.update_breach(Context(actor=officer), breach, subjects_notified_at=now,
                           authority_notified_at=now, notification_note="Surat tercatat.")
    assert breach.notified and breach.overdue(now)
    on_time = record(discovered_hours_ago=10)
    breaches.update_breach(Context(actor=officer), on_time, subjects_notified_at=now,
                           authority_notified_at=now)
    assert not on_time.overdue(now + timedelta(days=30))


def test_one_missing_notification_keeps_the_breach_overdue(officer, record):
    breach = record(discovered_hours_ago=100)
    breaches.update_breach(Context(actor=officer), breach,
                           authority_notified_at=breach.discovered_at + timedelta(hours=1))
    [row] = breaches.register()
    assert row.overdue and row.missing == ["subjek data"]


def test_a_breach_discovered_before_it_occurred_is_refused_naming_the_field(record):
    with pytest.raises(ValidationError) as error:
        record(occurred_at=timezone.now() - timedelta(hours=1))
    assert error.value.message_dict["discovered_at"] == ["Insiden diketahui setelah terjadi."]


def test_a_notification_before_discovery_is_refused(officer, record):
    breach = record()
    with pytest.raises(ValidationError) as error:
        breaches.update_breach(Context(actor=officer), breach,
                               subjects_notified_at=breach.discovered_at - timedelta(hours=1))
    assert "subjects_notified_at" in error.value.message_dict


def test_every_entry_and_change_is_audited(officer, record):
    breach = record()
    now = timezone.now()
    breaches.update_breach(Context(actor=officer), breach, subjects_notified_at=now)
    actions = list(Event.objects.filter(object_type="privacy.breach", object_id=str(breach.pk))
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["privacy.breach.record", "privacy.breach.update"]
    change = Event.objects.get(action="privacy.breach.update")
    assert change.changes == {"subjects_notified_at": [None, now.isoformat()]}


def test_recording_a_breach_through_the_form(client, officer):
    client.force_login(officer)
    response = client.post(reverse("privacy:breach_new"), {
        "title": "Email berisi daftar KPM salah kirim", "description": "Lampiran XLSX.",
        "data_categories": ["identity", "financial"], "occurred_at": "2026-01-04T08:00",
        "discovered_at": "2026-01-04T10:00", "subjects_affected": "35",
        "subject_categories": "KPM PKH"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "07-01-2026 10:00" in page  # notify by: discovered + 72 h
    assert "Data keuangan: KKS, bank, bantuan (data spesifik)" in page
