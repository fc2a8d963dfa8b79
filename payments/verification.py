"""Post-payment verification (issue 12 item 8).

A cycle's sample: in every region (the first `region_length` characters of the village code,
kabupaten by default) the `per_region` paid KPM whose keyed hash of (seed, payment id) is
lowest. The draw depends only on the seed and the payments, not on the database's order, so
the same seed always gives the same sample, and each region gets its own share. Each sampled
KPM is asked, on a pendamping visit, by phone or through an imported answer sheet (XLSX):
did the aid arrive, how much, did anyone take a cut (potongan)? "Not received", less than paid
or a cut opens a VerificationFlag (the complaint the grievance app will take over), reported
per region and channel. Answer sheets are imported atomically with every error by row and
field; the same sheet twice changes nothing."""

import hashlib
import io
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from accounts import policy
from audit import services as audit
from registry.identity import mask_nik

from .errors import PaymentError, Problem
from .models import (
    Payment,
    PaymentCycle,
    PaymentStatus,
    VerificationCase,
    VerificationFlag,
    VerificationMethod,
    VerificationSample,
)

# Paid (sudah salur): what a family can be asked about.
PAID = [PaymentStatus.CREDITED, PaymentStatus.TRANSACTED, PaymentStatus.NOT_TRANSACTED,
        PaymentStatus.DELIVERED]
SHEET_COLUMNS = ["case", "village", "name", "nik", "amount_paid", "method", "received",
                 "amount_received", "deduction", "note"]
YES = {"ya", "y", "yes", "1", "true"}
NO = {"tidak", "t", "no", "n", "0", "false"}
METHODS = {"kunjungan": VerificationMethod.VISIT, "visit": VerificationMethod.VISIT,
           "telepon": VerificationMethod.PHONE, "phone": VerificationMethod.PHONE,
           "lembar": VerificationMethod.SHEET, "sheet": VerificationMethod.SHEET}


def draw_key(seed: int, payment_id: int) -> bytes:
    return hashlib.sha256(f"{seed}:{payment_id}".encode()).digest()


def choose(rows, seed: int, per_region: int, region_length: int) -> dict[str, list[int]]:
    """{region: payment ids} from (payment id, village code) rows: the `per_region` lowest
    keys of each region, ids in key order. Pure: the same rows and seed give the same sample."""
    by_region: dict[str, list[tuple[bytes, int]]] = {}
    for pid, village in rows:
        by_region.setdefault(village[:region_length], []).append((draw_key(seed, pid), pid))
    return {region: [pid for _, pid in sorted(keys)[:per_region]]
            for region, keys in sorted(by_region.items())}


def draw_sample(ctx: audit.Context, cycle: PaymentCycle, per_region: int, seed: int,
                region_length: int = 5) -> VerificationSample:
    """The cycle's verification sample (one per cycle; drawing again is refused)."""
    policy.require(ctx.actor, policy.DRAW_VERIFICATION)
    if per_region < 1:
        raise PaymentError("Jumlah KPM per wilayah minimal 1.", "At least 1 KPM per region.")
    paid = Payment.objects.filter(cycle=cycle, status__in=PAID)
    chosen = choose(paid.values_list("id", "village_code").iterator(chunk_size=20_000),
                    seed, per_region, region_length)
    ids = [pid for region_ids in chosen.values() for pid in region_ids]
    if not ids:
        raise PaymentError("Belum ada KPM yang sudah salur dalam siklus ini.",
                           "No KPM of this cycle has been paid yet.")
    try:
        with transaction.atomic():
            sample = VerificationSample.objects.create(
                cycle=cycle, seed=seed, per_region=per_region, region_length=region_length,
                size=len(ids), created_by=ctx.actor)
            rows = Payment.objects.filter(pk__in=ids).values_list(
                "id", "village_code", "channel_id", "amount")
            VerificationCase.objects.bulk_create(
                [VerificationCase(sample=sample, payment_id=pid, village_code=village,
                                  region_code=village[:region_length], channel_id=channel,
                                  amount_paid=amount) for pid, village, channel, amount in rows],
                batch_size=2000)
            audit.record(ctx, "payments.verification.sample", sample,
                         {"seed": seed, "per_region": per_region, "size": len(ids),
                          "regions": len(chosen)})
    except IntegrityError as error:
        raise PaymentError("Siklus ini sudah memiliki sampel verifikasi.",
                           "This cycle already has a verification sample.") from error
    return sample


def cases_for(user, sample: VerificationSample):
    """The sample's cases the user may see or answer (their region)."""
    if policy.role_allows(user, policy.VERIFY_PAYMENT):
        action = policy.VERIFY_PAYMENT
    else:
        action = policy.VIEW_PAYMENTS
    return policy.scoped(user, sample.cases.select_related("payment", "channel"),
                         "village_code", action)


# --- answers ------------------------------------------------------------------------------------


@dataclass
class Answer:
    method: str
    received: bool
    amount_received: int | None
    deduction: bool
    note: str = ""


def answer_problems(case: VerificationCase, a: Answer) -> list[tuple[str, str, str]]:
    out = []
    if a.method not in VerificationMethod.values:
        out.append(("method", "Cara verifikasi tidak dikenal.", "Unknown verification method."))
    if a.received and a.amount_received is None:
        out.append(("amount_received", "Isi jumlah yang diterima.",
                    "Enter the amount received."))
    if a.amount_received is not None and a.amount_received > case.amount_paid:
        out.append(("amount_received",
                    f"Jumlah diterima Rp{a.amount_received:,} melebihi yang dibayarkan "
                    f"Rp{case.amount_paid:,}.",
                    f"Amount received Rp{a.amount_received:,} is more than the Rp"
                    f"{case.amount_paid:,} paid."))
    if not a.received and a.amount_received:
        out.append(("amount_received", "Tidak diterima, tetapi jumlah diterima diisi.",
                    "Not received, yet an amount received is given."))
    return out


def flag_kind(case: VerificationCase, a: Answer) -> tuple[str, int] | None:
    """The complaint an answer opens, with the rupiah missing, or None."""
    if not a.received:
        return VerificationFlag.Kind.NOT_RECEIVED, case.amount_paid
    missing = case.amount_paid - (a.amount_received or 0)
    if a.deduction:
        return VerificationFlag.Kind.DEDUCTION, missing
    if missing > 0:
        return VerificationFlag.Kind.SHORTFALL, missing
    return None


def _same(case: VerificationCase, a: Answer) -> bool:
    amount = a.amount_received if a.received else 0
    return (case.received == a.received and case.deduction == a.deduction
            and case.amount_received == amount and case.method == a.method)


def record_answer(ctx: audit.Context, case: VerificationCase, a: Answer) -> VerificationCase:
    """Record one KPM's answers (once; the same answers again change nothing) and open the
    flag they call for."""
    policy.require(ctx.actor, policy.VERIFY_PAYMENT, case.village_code)
    if problems := answer_problems(case, a):
        raise PaymentError(" ".join(p[1] for p in problems), " ".join(p[2] for p in problems))
    with transaction.atomic():
        case = VerificationCase.objects.select_for_update().get(pk=case.pk)
        if case.answered_at is not None:
            if _same(case, a):
                return case
            raise PaymentError("KPM ini sudah diverifikasi dengan jawaban lain.",
                               "This KPM was already verified with other answers.")
        _apply(ctx, case, a)
    return case


def _apply(ctx: audit.Context, case: VerificationCase, a: Answer) -> None:
    case.method, case.received, case.deduction = a.method, a.received, a.deduction
    case.amount_received = a.amount_received if a.received else 0
    case.note, case.answered_at, case.answered_by = a.note[:300], timezone.now(), ctx.actor
    case.source_ref = ctx.source_ref[:200]
    case.save()
    flag = flag_kind(case, a)
    changes = {"method": a.method, "received": a.received, "deduction": a.deduction,
               "flag": flag[0] if flag else ""}
    if flag:
        opened = VerificationFlag.objects.create(case=case, kind=flag[0],
                                                 region_code=case.region_code,
                                                 channel_id=case.channel_id,
                                                 amount_missing=max(flag[1], 0))
        audit.record(ctx, "payments.verification.flag", opened, {"kind": flag[0]},
                     region_code=case.village_code)
    audit.record(ctx, "payments.verification.answer", case, changes,
                 region_code=case.village_code)


# --- the answer sheet (XLSX) --------------------------------------------------------------------


def answer_sheet(user, sample: VerificationSample) -> bytes:
    """An XLSX of the user's cases to fill in (NIK masked), in the import's columns."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "verifikasi"
    ws.append(SHEET_COLUMNS)
    for case in cases_for(user, sample):
        p = case.payment
        ws.append([case.pk, case.village_code, p.recipient_name,
                   mask_nik(p.nik) if p.nik else "", case.amount_paid, "", "", "", "", ""])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass
class SheetResult:
    answered: int = 0
    unchanged: int = 0
    flags: int = 0
    problems: list[Problem] = field(default_factory=list)


def _yes_no(value) -> bool | None:
    text = str(value if value is not None else "").strip().lower()
    return True if text in YES else False if text in NO else None


def _amount(value) -> int | None | str:
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip().replace(".", "").replace(",", "")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return int(text) if text.isdigit() else "bad"


def import_answers(ctx: audit.Context, sample: VerificationSample, data: bytes,
                   file_name: str) -> SheetResult:
    """Check and record an answer sheet. A sheet with any error is refused with every error
    by row and field and nothing is written; a row whose case already holds the same answers
    is left as it is (so the same sheet twice changes nothing)."""
    from openpyxl import load_workbook

    policy.require(ctx.actor, policy.VERIFY_PAYMENT)
    problems: list[Problem] = []
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds on a broken file
        raise PaymentError("Berkas bukan lembar XLSX yang dapat dibaca.",
                           "The file is not a readable XLSX sheet.") from error
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    header = [str(c or "").strip().lower() for c in (rows[0] if rows else [])]
    missing = [c for c in ("case", "method", "received", "amount_received", "deduction")
               if c not in header]
    if missing:
        raise PaymentError("Kolom wajib tidak ada: " + ", ".join(missing),
                           "Required columns are missing: " + ", ".join(missing),
                           [Problem(1, ", ".join(missing), "Kolom wajib tidak ada.",
                                    "Required columns are missing.")])
    col = {name: header.index(name) for name in header if name}
    cases = {c.pk: c for c in cases_for(ctx.actor, sample)}
    todo, seen, result = [], {}, SheetResult()
    for line, values in enumerate(rows[1:], 2):
        cell = {name: values[i] if i < len(values) else None for name, i in col.items()}
        if all(v in (None, "") for v in cell.values()):
            continue
        start = len(problems)
        case_id = _amount(cell.get("case"))
        case = cases.get(case_id) if isinstance(case_id, int) else None
        if case is None:
            problems.append(Problem(line, "case", f"Kasus {cell.get('case')} tidak ada dalam "
                                    "sampel ini di wilayah Anda.",
                                    f"Case {cell.get('case')} is not in this sample in your "
                                    "region."))
        elif case.pk in seen:
            problems.append(Problem(line, "case", f"Kasus {case.pk} sudah ada di baris "
                                    f"{seen[case.pk]}.",
                                    f"Case {case.pk} is already on line {seen[case.pk]}."))
        method = METHODS.get(str(cell.get("method") or "").strip().lower())
        if method is None:
            problems.append(Problem(line, "method", "Cara harus kunjungan, telepon atau lembar.",
                                    "Method must be kunjungan (visit), telepon (phone) or "
                                    "lembar (sheet)."))
        received, deduction = _yes_no(cell.get("received")), _yes_no(cell.get("deduction"))
        for name, value in (("received", received), ("deduction", deduction)):
            if value is None:
                problems.append(Problem(line, name, f"Kolom {name} harus ya atau tidak.",
                                        f"Column {name} must be ya (yes) or tidak (no)."))
        amount = _amount(cell.get("amount_received"))
        if amount == "bad":
            problems.append(Problem(line, "amount_received", "Jumlah diterima bukan bilangan "
                                    "bulat rupiah.",
                                    "The amount received is not a whole rupiah amount."))
        if len(problems) > start:
            continue
        seen[case.pk] = line
        answer = Answer(method, received, amount, deduction, str(cell.get("note") or ""))
        for fld, id_, en in answer_problems(case, answer):
            problems.append(Problem(line, fld, id_, en))
        if len(problems) > start:
            continue
        if case.answered_at is not None:
            if _same(case, answer):
                result.unchanged += 1
                continue
            problems.append(Problem(line, "case", f"Kasus {case.pk} sudah diverifikasi dengan "
                                    "jawaban lain.",
                                    f"Case {case.pk} was already verified with other answers."))
            continue
        todo.append((case, answer))
    if problems:
        raise PaymentError(
            f"Berkas {file_name} ditolak ({len(problems)} kesalahan). Tidak ada yang disimpan.",
            f"File {file_name} was refused ({len(problems)} errors). Nothing was saved.",
            problems)
    digest = hashlib.sha256(data).hexdigest()
    sheet_ctx = audit.Context(ctx.actor, audit.Source.IMPORT,
                              f"file:{file_name[:120]} sha256:{digest[:12]}", ctx.reason)
    with transaction.atomic():
        for case, answer in todo:
            locked = VerificationCase.objects.select_for_update().get(pk=case.pk)
            if locked.answered_at is not None:
                raise PaymentError(f"Kasus {case.pk} baru saja diverifikasi oleh orang lain.",
                                   f"Case {case.pk} was just verified by someone else.")
            _apply(sheet_ctx, locked, answer)
            result.answered += 1
            result.flags += flag_kind(locked, answer) is not None
    return result


# --- the report ---------------------------------------------------------------------------------


def report(user, sample: VerificationSample) -> list[dict]:
    """Per region and channel: sampled, answered, flags by kind, rupiah missing."""
    cases = cases_for(user, sample)
    rows = (cases.values("region_code", "channel").annotate(
        sampled=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False)),
        not_received=Count("id", filter=Q(flag__kind=VerificationFlag.Kind.NOT_RECEIVED)),
        shortfall=Count("id", filter=Q(flag__kind=VerificationFlag.Kind.SHORTFALL)),
        deduction=Count("id", filter=Q(flag__kind=VerificationFlag.Kind.DEDUCTION)),
        missing=Sum("flag__amount_missing")).order_by("region_code", "channel"))
    return [r | {"missing": r["missing"] or 0} for r in rows]


def flags_for(user, region_length: int = 5):
    """Open verification flags in the user's region, per region and channel (all cycles)."""
    flags = policy.scoped(user, VerificationFlag.objects.all(), "case__village_code",
                          policy.VIEW_PAYMENTS)
    return list(flags.annotate(region=Substr("region_code", 1, region_length))
                .values("region", "channel", "kind").annotate(n=Count("id"))
                .order_by("region", "channel", "kind"))
