"""The offline counter's file exchange: a signed package out, a file of payouts back, imported
atomically (a file with one bad row writes nothing, every error by row and field) and
idempotently (the same file twice, or a longer file sent again, pays nobody twice)."""

import io
import zipfile

import pytest
from django.utils import timezone

from payments import pos, pos_offline
from payments.errors import PaymentError
from payments.models import CashPayout, CounterUpload, Payment

from .builders import ctx
from .pos_builders import JPEG, PNG, ok_request, pos_cycle, pos_officer, qr_of


@pytest.fixture
def package(build, officers, make_user):
    cycle, _ = pos_cycle(build, officers, build.households(3))
    officer = pos_officer(make_user)
    made, data = pos_offline.build_package(ctx(officer), cycle, "32.01.01.1001")
    return {"cycle": cycle, "officer": officer, "package": made, "data": data}


def rows_for(package, payouts, paid_at=None):
    when = (paid_at or timezone.now()).isoformat()
    return [{"reference": p["reference"], "paid_at": when, "ktp_checked": "1",
             "recipient_is_kpm": "1", "home_delivery": "0", "receipt_file": f"{i}.jpg"}
            for i, p in enumerate(payouts)]


def test_package_is_signed_and_lists_the_expected_payouts_with_masked_nik(package):
    read = pos_offline.read_package(package["data"])
    payouts = read["payouts"]
    assert read["manifest"]["count"] == len(payouts) == 3
    for p in payouts:
        assert pos.read_qr(p["qr"]) == p["reference"]
        assert "********" in p["nik"]
    with zipfile.ZipFile(io.BytesIO(package["data"])) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    files["data/payouts.json"] = files["data/payouts.json"].replace(b"300000", b"900000")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    with pytest.raises(PaymentError):
        pos_offline.read_package(out.getvalue())


def test_file_of_payouts_is_imported_once(package):
    payouts = pos_offline.read_package(package["data"])["payouts"]
    rows = rows_for(package, payouts[:2])
    receipts = {r["receipt_file"]: JPEG for r in rows}
    data = pos_offline.payouts_file(str(package["package"].pk), rows, receipts)
    first = pos_offline.import_payouts(ctx(package["officer"]), data, "loket.zip")
    assert first.created and first.recorded == 2
    assert Payment.objects.filter(status="transacted").count() == 2
    again = pos_offline.import_payouts(ctx(package["officer"]), data, "loket.zip")
    assert not again.created and again.upload == first.upload
    # The counter sends its whole day again, with one more payout: only the new one is paid.
    rows3 = rows + rows_for(package, payouts[2:])
    rows3[2]["receipt_file"] = "2.png"
    longer = pos_offline.payouts_file(str(package["package"].pk), rows3,
                                      receipts | {"2.png": PNG})
    third = pos_offline.import_payouts(ctx(package["officer"]), longer, "loket-2.zip")
    assert (third.recorded, third.skipped) == (1, 2)
    assert CashPayout.objects.count() == 3 and CounterUpload.objects.count() == 2
    assert set(CashPayout.objects.values_list("source", flat=True)) == {"offline"}


def test_a_file_with_errors_is_refused_whole_with_row_and_field(package):
    payouts = pos_offline.read_package(package["data"])["payouts"]
    rows = rows_for(package, payouts)
    rows[1]["recipient_is_kpm"] = "0"  # a proxy collected
    rows[2]["paid_at"] = "03/12/2026"
    rows.append(dict(rows[0]))  # the same reference twice
    data = pos_offline.payouts_file(str(package["package"].pk), rows,
                                    {r["receipt_file"]: JPEG for r in rows})
    with pytest.raises(PaymentError) as refused:
        pos_offline.import_payouts(ctx(package["officer"]), data, "loket.zip")
    found = {(p.line, p.field) for p in refused.value.problems}
    assert found == {(3, "recipient_is_kpm"), (4, "paid_at"), (5, "reference")}
    assert not CashPayout.objects.exists() and not CounterUpload.objects.exists()
    assert Payment.objects.filter(status="sent").count() == 3


def test_a_payout_already_made_at_the_counter_is_refused_in_the_file(package):
    payouts = pos_offline.read_package(package["data"])["payouts"]
    paid = Payment.objects.get(pk=pos.counter_attempt(
        package["officer"], payouts[0]["reference"]).payment_id)
    pos.record_at_counter(ctx(package["officer"]), qr_of(paid), ok_request())
    rows = rows_for(package, payouts)
    data = pos_offline.payouts_file(str(package["package"].pk), rows,
                                    {r["receipt_file"]: JPEG for r in rows})
    with pytest.raises(PaymentError) as refused:
        pos_offline.import_payouts(ctx(package["officer"]), data, "loket.zip")
    assert [(p.line, p.field) for p in refused.value.problems] == [(2, "reference")]
    assert CashPayout.objects.count() == 1


def test_missing_receipt_and_unknown_package_are_named(package, make_user):
    payouts = pos_offline.read_package(package["data"])["payouts"]
    rows = rows_for(package, payouts[:1])
    data = pos_offline.payouts_file(str(package["package"].pk), rows, {})
    with pytest.raises(PaymentError) as refused:
        pos_offline.import_payouts(ctx(package["officer"]), data, "loket.zip")
    assert [(p.line, p.field) for p in refused.value.problems] == [(2, "receipt_file")]
    other = pos_officer(make_user, region="34.03", username="loket-gk")
    data = pos_offline.payouts_file(str(package["package"].pk), rows, {"0.jpg": JPEG})
    with pytest.raises(PaymentError) as refused:
        pos_offline.import_payouts(ctx(other), data, "loket.zip")
    assert refused.value.problems[0].field == "package_id"
