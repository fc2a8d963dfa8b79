"""Post-payment verification: a seeded sample per region that the same seed always draws again,
answers by form or answer sheet (atomic, errors by row and field, idempotent), and the flags
"not received", a shortfall or a cut open, reported per region and channel."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from payments import verification
from payments.errors import PaymentError
from payments.models import Payment, VerificationCase, VerificationFlag

from .builders import ctx
from .pos_builders import pos_cycle

VILLAGE_A, VILLAGE_OTHER = "32.01.01.1001", "32.01.02.2001"


@pytest.fixture
def paid_cycle(build, officers):
    households = build.households(6, VILLAGE_A) + build.households(6, VILLAGE_OTHER)
    cycle, _ = pos_cycle(build, officers, households)
    Payment.objects.filter(cycle=cycle).update(status="transacted")
    return cycle


@pytest.fixture
def pendamping(make_user):
    return make_user("pendamping", region="32.01", username="pendamping")


def test_sample_is_per_region_and_reproducible(paid_cycle, officers):
    rows = list(Payment.objects.filter(cycle=paid_cycle).values_list("id", "village_code"))
    first = verification.choose(rows, 42, 2, 8)
    assert set(first) == {"32.01.01", "32.01.02"} and all(len(v) == 2 for v in first.values())
    assert verification.choose(list(reversed(rows)), 42, 2, 8) == first  # order-free
    others = [verification.choose(rows, seed, 2, 8) for seed in range(1, 6)]
    assert any(o != first for o in others)
    sample = verification.draw_sample(ctx(officers["program"]), paid_cycle, 2, 42,
                                      region_length=8)
    drawn = set(sample.cases.values_list("payment_id", flat=True))
    assert drawn == {pid for ids in first.values() for pid in ids} and sample.size == 4
    assert set(sample.cases.values_list("region_code", flat=True)) == {"32.01.01", "32.01.02"}
    with pytest.raises(PaymentError):
        verification.draw_sample(ctx(officers["program"]), paid_cycle, 2, 42, region_length=8)


def test_only_paid_kpm_are_sampled(build, officers):
    cycle, _ = pos_cycle(build, officers, build.households(3), period="2021-04")
    with pytest.raises(PaymentError):  # all still "sent"
        verification.draw_sample(ctx(officers["program"]), cycle, 2, 1)


def _sample(cycle, officers):
    return verification.draw_sample(ctx(officers["program"]), cycle, 3, 7, region_length=8)


def test_not_received_opens_a_flag_and_full_receipt_does_not(paid_cycle, officers, pendamping):
    sample = _sample(paid_cycle, officers)
    first, second, third = list(sample.cases.order_by("id"))[:3]
    verification.record_answer(ctx(pendamping), first, verification.Answer(
        "visit", False, None, False))
    verification.record_answer(ctx(pendamping), second, verification.Answer(
        "phone", True, 300_000, False))
    verification.record_answer(ctx(pendamping), third, verification.Answer(
        "visit", True, 250_000, True, "RT minta Rp50.000"))
    flags = {f.case_id: f for f in VerificationFlag.objects.all()}
    assert set(flags) == {first.pk, third.pk}
    assert flags[first.pk].kind == "not_received" and flags[first.pk].amount_missing == 300_000
    assert flags[third.pk].kind == "deduction" and flags[third.pk].amount_missing == 50_000
    # The same answers again change nothing; other answers are refused.
    verification.record_answer(ctx(pendamping), first, verification.Answer(
        "visit", False, None, False))
    with pytest.raises(PaymentError):
        verification.record_answer(ctx(pendamping), first, verification.Answer(
            "visit", True, 300_000, False))
    report = verification.report(pendamping, sample)
    assert sum(r["not_received"] for r in report) == 1
    assert sum(r["deduction"] for r in report) == 1
    assert {r["channel"] for r in report} == {"pos"}


def test_pendamping_of_another_region_cannot_answer(paid_cycle, officers, make_user):
    sample = _sample(paid_cycle, officers)
    case = sample.cases.first()
    outsider = make_user("pendamping", region="34.03", username="pendamping-gk")
    with pytest.raises(Exception):  # noqa: B017,PT011 - PermissionDenied
        verification.record_answer(ctx(outsider), case, verification.Answer(
            "visit", True, 300_000, False))
    assert not verification.cases_for(outsider, sample).exists()


def sheet(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(verification.SHEET_COLUMNS)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_answer_sheet_import_is_atomic_and_idempotent(paid_cycle, officers, pendamping):
    sample = _sample(paid_cycle, officers)
    template = load_workbook(io.BytesIO(verification.answer_sheet(pendamping, sample)))
    listed = [r[0] for r in template.active.iter_rows(min_row=2, values_only=True)]
    assert sorted(listed) == sorted(sample.cases.values_list("id", flat=True))
    a, b, c = sorted(listed)[:3]
    bad = sheet([[a, "", "", "", "", "kunjungan", "ya", 300000, "tidak", ""],
                 [b, "", "", "", "", "surat", "tidak", "", "tidak", ""],
                 [c, "", "", "", "", "telepon", "mungkin", "", "tidak", ""],
                 [999999, "", "", "", "", "telepon", "ya", 300000, "tidak", ""]])
    with pytest.raises(PaymentError) as refused:
        verification.import_answers(ctx(pendamping), sample, bad, "jawaban.xlsx")
    assert {(p.line, p.field) for p in refused.value.problems} == {
        (3, "method"), (4, "received"), (5, "case")}
    assert not VerificationCase.objects.filter(answered_at__isnull=False).exists()
    good = sheet([[a, "", "", "", "", "kunjungan", "ya", 300000, "tidak", ""],
                  [b, "", "", "", "", "telepon", "tidak", "", "tidak", ""],
                  [c, "", "", "", "", "lembar", "ya", 200000, "tidak", ""]])
    result = verification.import_answers(ctx(pendamping), sample, good, "jawaban.xlsx")
    assert (result.answered, result.flags) == (3, 2)
    assert set(VerificationFlag.objects.values_list("kind", flat=True)) == {"not_received",
                                                                           "shortfall"}
    again = verification.import_answers(ctx(pendamping), sample, good, "jawaban.xlsx")
    assert (again.answered, again.unchanged) == (0, 3)
    assert VerificationFlag.objects.count() == 2


def test_verification_pages(paid_cycle, officers, pendamping, client):
    client.force_login(officers["program"])
    url = reverse("payments:verification", args=[paid_cycle.pk])
    assert client.post(url, {"per_region": 2, "seed": 5, "region_length": 8}
                       ).status_code == 302
    client.force_login(pendamping)
    page = client.get(url)
    assert page.status_code == 200 and "verification-report" in page.content.decode()
    case = VerificationCase.objects.first()
    answer = reverse("payments:verification_answer", args=[paid_cycle.pk, case.pk])
    assert client.post(answer, {"method": "visit", "received": "tidak",
                                "deduction": "tidak"}).status_code == 302
    assert VerificationFlag.objects.get().kind == "not_received"
