"""The file exchange of a Pos counter without a connection.

Out: a signed ZIP of the payouts the counter expects (one cycle, one region of the officer):

    manifest.json      format 'kesos-pos-counter', format_version, package_id, cycle, channel,
                       region_code, created_at, files [{path, sha256}], count
    signature          hex HMAC-SHA256 of the manifest bytes (key derived from SECRET_KEY)
    data/payouts.json  [{reference, qr, name, nik (masked), amount, village_code, program,
                       period, stage, home_delivery}]: the counter matches a scanned QR text
                       against `qr` without holding the key

Back: a ZIP with `payouts.csv` (package_id, reference, paid_at (ISO 8601 with zone),
ktp_checked, recipient_is_kpm, home_delivery as 1/0, receipt_file) and the receipt photos it
names under `receipts/`. The whole file is checked first and refused with every problem by row
and field (nothing written); then every payout is recorded in one transaction. The same file
twice is the first import; a row already recorded from this package with the same time is
skipped, so a counter may send a longer file again."""

import csv
import hashlib
import hmac
import io
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import policy
from audit import services as audit
from registry.identity import mask_nik

from . import pos
from .errors import PaymentError, Problem
from .models import CashPayout, CounterPackage, CounterUpload, PaymentAttempt, PaymentCycle

FORMAT = "kesos-pos-counter"
FORMAT_VERSION = 1
PAYOUTS = "data/payouts.json"
COLUMNS = ["package_id", "reference", "paid_at", "ktp_checked", "recipient_is_kpm",
           "home_delivery", "receipt_file"]
MAX_UNPACKED_BYTES = 256 * 1024 * 1024


def package_key() -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), b"kesos.payments.pos.package",
                    "sha256").digest()


def _sign(data: bytes) -> str:
    return hmac.new(package_key(), data, hashlib.sha256).hexdigest()


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).encode()


def build_package(ctx: audit.Context, cycle: PaymentCycle, region_code: str
                  ) -> tuple[CounterPackage, bytes]:
    """The signed package of the Pos payouts still open in `region_code` for the officer."""
    channel = pos.channel_of(ctx.actor)
    policy.require(ctx.actor, policy.POS_COUNTER, region_code)
    if channel is None or channel.kind != "pos":
        raise PaymentError("Akun Anda tidak terhubung dengan loket PT Pos.",
                           "Your account is not bound to a PT Pos counter.")
    attempts = pos.open_attempts(cycle, region_code).filter(batch__channel=channel)
    rows = [{"reference": a.reference, "qr": pos.qr_text(a.reference),
             "name": a.payment.recipient_name,
             "nik": mask_nik(a.payment.nik) if a.payment.nik else "",
             "amount": a.amount, "village_code": a.payment.village_code,
             "program": a.payment.program.code, "period": a.payment.period,
             "stage": a.payment.stage, "home_delivery": a.payment.home_delivery}
            for a in attempts]
    with transaction.atomic():
        package = CounterPackage.objects.create(cycle=cycle, channel=channel,
                                                region_code=region_code, created_by=ctx.actor,
                                                payouts=len(rows))
        audit.record(ctx, "payments.pos.package", package,
                     {"cycle": cycle.pk, "region": region_code, "payouts": len(rows)},
                     region_code=region_code)
    data = _json(rows)
    manifest = _json({"format": FORMAT, "format_version": FORMAT_VERSION,
                      "package_id": str(package.pk), "cycle": cycle.pk,
                      "channel": channel.code, "region_code": region_code,
                      "created_at": package.created_at.isoformat(), "count": len(rows),
                      "files": [{"path": PAYOUTS, "sha256": hashlib.sha256(data).hexdigest()}]})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", manifest)
        zf.writestr("signature", _sign(manifest))
        zf.writestr(PAYOUTS, data)
    return package, out.getvalue()


def read_package(data: bytes) -> dict:
    """The manifest and payouts of a package made here (signature and checksums verified)."""
    contents = _unzip(data)
    manifest = contents.get("manifest.json", b"")
    if not hmac.compare_digest(contents.get("signature", b"").decode("ascii", "replace"),
                               _sign(manifest)):
        raise PaymentError("Tanda tangan paket tidak cocok.", "The package signature fails.")
    meta = json.loads(manifest)
    payouts = contents.get(PAYOUTS, b"")
    if hashlib.sha256(payouts).hexdigest() != meta["files"][0]["sha256"]:
        raise PaymentError("Isi paket tidak sesuai manifes.", "The package content differs "
                           "from its manifest.")
    return {"manifest": meta, "payouts": json.loads(payouts)}


def _unzip(data: bytes) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
                raise PaymentError("Isi berkas terlalu besar.", "The file content is too large.")
            return {i.filename: zf.read(i) for i in infos if not i.is_dir()}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError,
            OSError, NotImplementedError) as exc:
        raise PaymentError("Berkas bukan ZIP yang utuh (rusak atau terpotong).",
                           "The file is not an intact ZIP (damaged or truncated).") from exc


# --- the file that comes back -------------------------------------------------------------------


@dataclass
class Row:
    line: int
    attempt: PaymentAttempt
    request: pos.PayoutRequest


@dataclass
class UploadResult:
    upload: CounterUpload
    created: bool
    recorded: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)


def _flag(value: str) -> bool | None:
    return {"1": True, "0": False, "ya": True, "tidak": False, "true": True,
            "false": False}.get(value.strip().lower())


def _p(line: int, fld: str, id_: str, en: str) -> Problem:
    return Problem(line, fld, id_, en)


def _parse_time(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return value if value.tzinfo else None


def _check_row(line: int, row: dict, package: CounterPackage, files: dict[str, bytes],
               attempts: dict[str, PaymentAttempt], problems: list[Problem]
               ) -> tuple[str, Row | None]:
    """('new'|'skip'|'bad', row): one CSV row against its package and what is recorded."""
    start = len(problems)
    reference = (row.get("reference") or "").strip().upper()
    attempt = attempts.get(reference)
    if attempt is None:
        problems.append(_p(line, "reference", f"Referensi {reference or '(kosong)'} tidak ada "
                           "dalam paket ini.",
                           f"Reference {reference or '(empty)'} is not in this package."))
    paid_at = _parse_time(row.get("paid_at") or "")
    if paid_at is None:
        problems.append(_p(line, "paid_at", "Waktu bayar harus ISO 8601 dengan zona waktu, mis. "
                           "2026-12-03T09:30:00+07:00.",
                           "The payout time must be ISO 8601 with a zone, e.g. "
                           "2026-12-03T09:30:00+07:00."))
    elif paid_at < package.created_at:
        problems.append(_p(line, "paid_at", "Waktu bayar sebelum paket dibuat.",
                           "The payout time is before the package was made."))
    flags = {}
    for name in ("ktp_checked", "recipient_is_kpm", "home_delivery"):
        flags[name] = _flag(row.get(name) or "")
        if flags[name] is None:
            problems.append(_p(line, name, f"Kolom {name} harus 1 atau 0.",
                               f"Column {name} must be 1 or 0."))
    receipt_name = (row.get("receipt_file") or "").strip()
    receipt = files.get(f"receipts/{receipt_name}") if receipt_name else None
    if receipt is None:
        problems.append(_p(line, "receipt_file", f"Foto tanda terima '{receipt_name}' tidak ada "
                           "di folder receipts/ berkas ini.",
                           f"The receipt photo '{receipt_name}' is not in this file's "
                           "receipts/ folder."))
    if len(problems) > start or attempt is None:
        return "bad", None
    request = pos.PayoutRequest(ktp_matches=bool(flags["ktp_checked"]),
                                recipient_is_kpm=bool(flags["recipient_is_kpm"]),
                                home_delivery=bool(flags["home_delivery"]), receipt=receipt,
                                paid_at=paid_at)
    earlier = CashPayout.objects.filter(attempt=attempt).select_related("upload").first()
    if earlier is not None:
        if earlier.upload_id and earlier.upload.package_id == package.pk \
                and earlier.paid_at == paid_at:
            return "skip", None
        problems.append(_p(line, "reference", f"Referensi {reference} sudah dibayar pada "
                           f"{timezone.localtime(earlier.paid_at):%d-%m-%Y %H:%M}; tidak dapat "
                           "dibayar dua kali.",
                           f"Reference {reference} was already paid on "
                           f"{timezone.localtime(earlier.paid_at):%d-%m-%Y %H:%M}; it cannot be "
                           "paid twice."))
        return "bad", None
    for fld, id_, en in pos.payout_problems(attempt, request):
        problems.append(_p(line, fld, id_, en))
    if len(problems) > start:
        return "bad", None
    return "new", Row(line, attempt, request)


def _read_csv(data: bytes, problems: list[Problem]) -> list[dict]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(_p(0, "file", "payouts.csv bukan teks UTF-8.",
                           "payouts.csv is not UTF-8 text."))
        return []
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        problems.append(_p(1, ", ".join(missing), "Kolom wajib tidak ada: " + ", ".join(missing),
                           "Required columns are missing: " + ", ".join(missing)))
        return []
    return list(reader)


def import_payouts(ctx: audit.Context, data: bytes, file_name: str) -> UploadResult:
    """Check and record a counter's file of offline payouts (see the module's docstring)."""
    policy.require(ctx.actor, policy.POS_COUNTER)
    digest = hashlib.sha256(data).hexdigest()
    problems: list[Problem] = []
    files = _unzip(data)
    if "payouts.csv" not in files:
        raise PaymentError("Berkas tidak berisi payouts.csv.", "The file holds no payouts.csv.")
    rows = _read_csv(files["payouts.csv"], problems)
    ids = {(r.get("package_id") or "").strip() for r in rows}
    package = None
    if len(ids) > 1:
        problems.append(_p(0, "package_id", "Semua baris harus dari satu paket.",
                           "All rows must come from one package."))
    elif ids:
        package = CounterPackage.objects.filter(pk=_uuid(ids.pop())).first()
        if package is None or package.channel_id != getattr(pos.channel_of(ctx.actor), "code",
                                                             None) \
                or not policy.can(ctx.actor, policy.POS_COUNTER, package.region_code):
            problems.append(_p(2, "package_id", "Paket tidak dikenal untuk loket Anda.",
                               "The package is unknown for your counter."))
            package = None
    elif not problems:
        problems.append(_p(2, "reference", "Berkas tidak berisi baris pembayaran.",
                           "The file holds no payout rows."))
    if package is not None:
        earlier = CounterUpload.objects.filter(package=package, sha256=digest).first()
        if earlier is not None:
            return UploadResult(earlier, False)
    if problems or package is None:
        raise _refused(file_name, problems)
    references = [(r.get("reference") or "").strip().upper() for r in rows]
    attempts = {a.reference: a for a in PaymentAttempt.objects.select_related(
        "payment", "payment__cycle", "payment__program", "batch").filter(
        batch__cycle=package.cycle, batch__channel=package.channel, reference__in=references)
        if _in_region(a.payment.village_code, package.region_code)}
    todo, skipped, seen = [], 0, {}
    for line, row in enumerate(rows, 2):
        reference = (row.get("reference") or "").strip().upper()
        if reference in seen:
            problems.append(_p(line, "reference", f"Referensi {reference} sudah ada di baris "
                               f"{seen[reference]}.",
                               f"Reference {reference} is already on line {seen[reference]}."))
            continue
        seen[reference] = line
        outcome, checked = _check_row(line, row, package, files, attempts, problems)
        skipped += outcome == "skip"
        if checked:
            todo.append(checked)
    if problems:
        raise _refused(file_name, problems)
    source_ref = f"file:{file_name[:120]} sha256:{digest[:12]}"
    row_ctx = audit.Context(ctx.actor, audit.Source.IMPORT, source_ref, ctx.reason)
    with transaction.atomic():
        upload = CounterUpload.objects.create(package=package, sha256=digest,
                                              file_name=file_name[:200], rows=len(rows),
                                              recorded=len(todo), imported_by=ctx.actor)
        for row in todo:
            try:
                pos.record(row_ctx, row.attempt, row.request, source=CashPayout.Source.OFFLINE,
                           upload=upload, office=pos.office_of(ctx.actor))
            except PaymentError as error:
                raise _refused(file_name, [_p(row.line, "reference", error.id, error.en)]
                               ) from error
        audit.record(row_ctx, "payments.pos.offline_import", upload,
                     {"package": str(package.pk), "rows": len(rows), "recorded": len(todo),
                      "skipped": skipped}, region_code=package.region_code)
    return UploadResult(upload, True, len(todo), skipped)


def _uuid(text: str):
    import uuid

    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _in_region(village: str, region: str) -> bool:
    return not region or village == region or village.startswith(region + ".")


def _refused(file_name: str, problems: list[Problem]) -> PaymentError:
    return PaymentError(
        f"Berkas {file_name} ditolak ({len(problems)} kesalahan). Tidak ada yang disimpan.",
        f"File {file_name} was refused ({len(problems)} errors). Nothing was saved.", problems)


def payouts_file(package_id: str, rows: list[dict], receipts: dict[str, bytes]) -> bytes:
    """A counter's return file (what the offline counter application writes; also the tests)."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({"package_id": package_id} | row)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("payouts.csv", text.getvalue())
        for name, data in receipts.items():
            zf.writestr(f"receipts/{name}", data)
    return out.getvalue()
