"""Cycles walked to an open Pos batch (and to a bank batch), for the tests of the Pos counter,
the status API and the verification."""

from datetime import date

from payments import cycles, disbursement, pos
from payments.models import KpmAccount, Payment, PaymentAttempt, PaymentChannel

from .builders import ctx

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def pos_cycle(build, officers, households, period: str = "2021-03"):
    """A BST cycle paid through PT Pos, approved, with its Pos batch made."""
    run = build.frozen_run("bst", period, households, amount=300_000)
    cycle = cycles.prepare(ctx(officers["program"]), run)
    finance = officers["keuangan"]
    cycle = cycles.approve(ctx(finance), cycle)
    cycles.record_spm(ctx(finance), cycle, f"SPM-{cycle.pk}", date(2021, 3, 1),
                      cycle.total_amount)
    channel = PaymentChannel.objects.get(code="pos")
    cycles.record_sp2d(ctx(finance), cycle, channel, f"SP2D-{cycle.pk}", date(2021, 3, 2),
                       cycle.total_amount)
    batch = disbursement.create_batch(ctx(finance), cycle, channel)
    return cycle, batch


def bank_cycle(build, officers, households, code: str = "bri", period: str = "2026-11"):
    """A Sembako cycle paid through one bank (every KPM with an open account there)."""
    channel = PaymentChannel.objects.get(code=code)
    for i, h in enumerate(households):
        KpmAccount.objects.create(household=h, channel=channel, village_code=h.village_id,
                                  status="open", account_number=f"{code}{h.pk:08d}{i}")
    run = build.frozen_run("sembako", period, households)
    cycle = cycles.prepare(ctx(officers["program"]), run)
    finance = officers["keuangan"]
    cycle = cycles.approve(ctx(finance), cycle)
    cycles.record_spm(ctx(finance), cycle, f"SPM-{cycle.pk}", date(2026, 11, 1),
                      cycle.total_amount)
    total = cycles.channel_totals(cycle)[code]
    cycles.record_sp2d(ctx(finance), cycle, channel, f"SP2D-{cycle.pk}", date(2026, 11, 2),
                       total)
    return cycle, disbursement.create_batch(ctx(finance), cycle, channel)


def pos_officer(make_user, region: str = "32.01", username: str = "loket"):
    user = make_user("petugas_pos", region=region, username=username)
    pos.grant_channel(user, PaymentChannel.objects.get(code="pos"), office="KPC Cibinong")
    return user


def qr_of(payment: Payment) -> str:
    return pos.qr_text(PaymentAttempt.objects.get(payment=payment).reference)


def ok_request(**overrides) -> pos.PayoutRequest:
    values = {"ktp_matches": True, "recipient_is_kpm": True, "home_delivery": False,
              "receipt": JPEG} | overrides
    return pos.PayoutRequest(**values)
