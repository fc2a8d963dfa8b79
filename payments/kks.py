"""Accounts and KKS cards: collective account opening (burekol) through a request file per bank
and the bank's answer file with the account numbers; card status and its history."""

import hashlib
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from accounts import policy
from audit import services as audit

from . import layouts
from .disbursement import layout_for
from .errors import PaymentError, Problem
from .models import (
    BurekolRequest,
    Card,
    CardEvent,
    CardStatus,
    FileLayout,
    KpmAccount,
    NotDistributed,
    Payment,
    PaymentChannel,
    PaymentCycle,
)


def burekol_code(request: BurekolRequest) -> str:
    return f"BRK{request.pk:06d}"


def household_reference(household_id: int) -> str:
    return f"B{household_id:012d}"


def request_accounts(ctx: audit.Context, cycle: PaymentCycle, channel: PaymentChannel,
                     path: Path) -> BurekolRequest | None:
    """A burekol request for the cycle's KPM of `channel` without an account, written to
    `path`; their accounts become 'requested'. None when every KPM has one."""
    policy.require(ctx.actor, policy.MANAGE_ACCOUNTS_KKS)
    spec = layout_for(channel, FileLayout.Purpose.BUREKOL_REQUEST).spec
    with transaction.atomic():
        in_use = KpmAccount.objects.exclude(status=KpmAccount.Status.CLOSED).values(
            "household_id")
        rows = list(Payment.objects.filter(cycle=cycle, channel=channel).exclude(
            household_id__in=in_use).order_by("household_id").values_list(
            "household_id", "nik", "recipient_name", "village_code"))
        if not rows:
            return None
        request = BurekolRequest.objects.create(channel=channel, created_by=ctx.actor,
                                                rows=len(rows))
        KpmAccount.objects.bulk_create(
            [KpmAccount(household_id=h, channel=channel, village_code=v, burekol=request,
                        status=KpmAccount.Status.REQUESTED) for h, _, _, v in rows],
            batch_size=5000)
        values = {"batch": burekol_code(request), "channel": channel.code.upper(),
                  "count": str(len(rows))}
        lines = [layouts.record_line(spec, spec["header"], values)]
        lines += [layouts.record_line(spec, spec["fields"], {
            "reference": household_reference(h), "nik": nik, "name": name,
            "village_code": village}) for h, nik, name, village in rows]
        lines.append(layouts.record_line(spec, spec["trailer"], values))
        body = ("\n".join(lines) + "\n").encode("utf-8")
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(body)
        partial.replace(path)
        request.file_name, request.sha256 = path.name, hashlib.sha256(body).hexdigest()
        request.save(update_fields=["file_name", "sha256"])
        audit.record(ctx, "payments.burekol.request", request, {"rows": len(rows),
                                                                "channel": channel.code})
    return request


def import_answer(ctx: audit.Context, request: BurekolRequest, data: bytes) -> int:
    """The bank's answer: every requested household gets its account number (and card).
    Refused with every problem by line and field; the same answer twice changes nothing."""
    policy.require(ctx.actor, policy.MANAGE_ACCOUNTS_KKS)
    digest = hashlib.sha256(data).hexdigest()
    if BurekolRequest.objects.filter(pk=request.pk, answer_sha256=digest).exists():
        return 0
    spec = layout_for(request.channel, FileLayout.Purpose.BUREKOL_ANSWER).spec
    lines = layouts.read_lines(spec, data)
    problems: list[Problem] = []
    header = lines[0] if lines and lines[0].kind == "header" else None
    if header is None or header.values.get("batch") != burekol_code(request):
        problems.append(Problem(1, "batch", f"Berkas bukan jawaban {burekol_code(request)}.",
                                f"The file is not the answer to {burekol_code(request)}."))
    requested = {household_reference(h): h for h in KpmAccount.objects.filter(
        burekol=request, status=KpmAccount.Status.REQUESTED).values_list("household_id",
                                                                         flat=True)}
    taken = set(KpmAccount.objects.filter(channel=request.channel).exclude(
        account_number="").values_list("account_number", flat=True))
    answers, seen = [], set()
    details = [x for x in lines if x.kind == "detail"]
    for x in details:
        ref, number = x.values.get("reference", ""), x.values.get("account_number", "")
        if ref not in requested:
            problems.append(Problem(x.number, "reference", f"Referensi {ref} tidak diminta.",
                                    f"Reference {ref} was not requested."))
        elif ref in seen:
            problems.append(Problem(x.number, "reference", f"Referensi {ref} ganda.",
                                    f"Reference {ref} appears twice."))
        elif not number.isdigit():
            problems.append(Problem(x.number, "account_number",
                                    f"Nomor rekening '{number}' tidak valid.",
                                    f"Account number '{number}' is not valid."))
        elif number in taken:
            problems.append(Problem(x.number, "account_number",
                                    f"Nomor rekening {number} sudah dipakai.",
                                    f"Account number {number} is already in use."))
        else:
            seen.add(ref)
            taken.add(number)
            answers.append((requested[ref], number, x.values.get("card_number", "")))
    trailer = lines[-1] if lines and lines[-1].kind == "trailer" else None
    if trailer is None or trailer.values.get("count") != str(len(details)):
        problems.append(Problem(lines[-1].number if lines else 1, "count",
                                "Jumlah baris di penutup tidak sesuai atau penutup tidak ada.",
                                "The trailer's record count is wrong or the trailer is missing."))
    if problems:
        raise PaymentError(f"Jawaban burekol ditolak ({len(problems)} kesalahan).",
                           f"The burekol answer was refused ({len(problems)} errors).", problems)
    now = timezone.now()
    with transaction.atomic():
        for household_id, number, card_number in answers:
            account = KpmAccount.objects.get(household_id=household_id, burekol=request)
            KpmAccount.objects.filter(pk=account.pk).update(
                status=KpmAccount.Status.OPEN, account_number=number, opened_at=now)
            if card_number:
                card = Card.objects.create(account=account, card_number=card_number,
                                           status=CardStatus.PRINTED)
                CardEvent.objects.create(card=card, status=CardStatus.PRINTED, by=ctx.actor,
                                         source="file")
        BurekolRequest.objects.filter(pk=request.pk).update(answered_at=now,
                                                            answer_sha256=digest)
        audit.record(ctx, "payments.burekol.answer", request, {"accounts": len(answers)})
    return len(answers)


def set_card_status(ctx: audit.Context, card: Card, status: str, reason: str = "") -> Card:
    """A card's new status (distributed, not distributed with its reason, blocked, ...)."""
    policy.require(ctx.actor, policy.MANAGE_ACCOUNTS_KKS)
    if status == CardStatus.NOT_DISTRIBUTED and reason not in NotDistributed.values:
        raise PaymentError("Kartu yang tidak tersalur harus disertai alasannya.",
                           "A card not distributed needs its reason.")
    with transaction.atomic():
        before = card.status
        card.status, card.reason = status, reason if status == CardStatus.NOT_DISTRIBUTED else ""
        card.save(update_fields=["status", "reason"])
        CardEvent.objects.create(card=card, status=status, reason=card.reason, by=ctx.actor)
        audit.record(ctx, "payments.card.status", card, {"status": [before, status],
                                                         "reason": card.reason})
    return card
