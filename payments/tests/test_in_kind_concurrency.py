"""Two officers recording the same in-kind delivery at the same moment (PostgreSQL, threads
with their own connections): one delivery, one event, one audit record, one proof file; the
other officer is refused. SQLite serialises writers, so this runs where the suite runs on
PostgreSQL."""

from datetime import date

import pytest
from django.db import connection

from audit.models import Event
from payments import cycles, in_kind
from payments.errors import PaymentError
from payments.models import InKindDelivery, Payment, PaymentEvent

from .builders import at_once, ctx

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="concurrent writers need PostgreSQL (SQLite has one writer)"),
]


def test_two_officers_recording_one_delivery_at_once_make_one(_flushable_logs, build, officers,
                                                              var_dir):
    from registry.instrument import shipped_definition
    from registry.models import InstrumentVersion

    InstrumentVersion.objects.get_or_create(  # an earlier flush took the instrument
        code="dtks", version=1, defaults={"title": "DTKS", "definition": shipped_definition()})
    run = build.frozen_run("beras", "2021", build.households(1))
    cycle = cycles.approve(ctx(officers["keuangan"]), cycles.prepare(ctx(officers["program"]),
                                                                      run))
    payment_id = Payment.objects.get(cycle=cycle).pk
    users = [officers["keuangan"], officers["keuangan2"]]

    def work(i):
        payment = Payment.objects.select_related("cycle").get(pk=payment_id)
        return in_kind.record_delivery(
            ctx(users[i]), payment, delivered_on=date(2021, 7, 20), delivered_by=f"Petugas {i}",
            proof=in_kind.Proof(f"bukti-{i}.jpg", b"\xff\xd8" + bytes([i]) * 50))

    results = at_once(2, work)
    won = [r for r in results if isinstance(r, InKindDelivery)]
    lost = [r for r in results if isinstance(r, PaymentError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert Payment.objects.get(pk=payment_id).status == "delivered"
    assert InKindDelivery.objects.count() == 1
    assert PaymentEvent.objects.filter(to_status="delivered").count() == 1
    assert Event.objects.filter(action="payments.in_kind.deliver").count() == 1
    folder = var_dir / "payments" / "proof" / str(cycle.pk)
    assert [p.name for p in folder.iterdir()] == [won[0].proof_file.rsplit("/", 1)[-1]]
