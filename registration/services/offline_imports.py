"""Visit results from the field: ODK Central / KoboToolbox exports and Kesos work packages.

A submission names its visit by `household_ref` (see `household_ref`): the reference of the
proposal the visit verifies, printed in the prelist and carried in the work package. Results
are recorded through services.visits.record_visit, all of a file in one transaction; a file
with any problem (unknown reference, visit already recorded, invalid answers) is refused with
every problem listed and nothing recorded.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts import policy
from audit import services as audit
from registry.instrument import validate_answers
from registry.services import current_instrument

from ..models import (
    ImportBatch,
    ImportedSubmission,
    ImportKind,
    ImportStatus,
    ProposalStatus,
    Visit,
    VisitResult,
)
from ..offline import odk
from ..offline.package import PackageRefused, build_package, package_key, read_package
from .imports import (
    claim,
    done_batch,
    file_error,
    import_context,
    refuse,
    require_village,
    set_progress,
    start_import,
    write_once,
)
from .visits import record_visit

REF_PREFIX = "U-"


def household_ref(visit: Visit) -> str:
    """What the field form carries to name the visit: 'U-<proposal id>'."""
    return f"{REF_PREFIX}{visit.proposal_id}"


def _proposal_id(ref: str) -> int | None:
    text = ref.strip().upper().removeprefix(REF_PREFIX)
    return int(text) if text.isdigit() else None


def open_visits(user, village_code: str | None = None):
    """Visits still waiting for their result that `user` may record."""
    visits = policy.scoped(user, Visit.objects.all(), "proposal__village__code", policy.VERIFY)
    visits = visits.filter(visited_at__isnull=True, proposal__status=ProposalStatus.VISIT_ASSIGNED)
    if village_code:
        visits = visits.filter(proposal__village_id=village_code)
    return visits.select_related("proposal", "household")


@dataclass(frozen=True)
class FieldResult:
    """One visit result read from a file, before it is matched to its visit."""

    row: int
    ref: str
    village_code: str
    result: int | None
    answers: dict
    visited_at: datetime | None
    latitude: float | None
    longitude: float | None
    instance_id: str = ""


def _error(row: int, field: str, message_id: str, message_en: str) -> dict[str, Any]:
    return {"row": row, "column": field, "message_id": message_id, "message_en": message_en}


def _match(batch: ImportBatch, results: list[FieldResult]) -> tuple[list, list[dict]]:
    """(result, visit) pairs and the errors of the results that cannot be recorded."""
    ids = {_proposal_id(r.ref) for r in results} - {None}
    visits = {v.proposal_id: v for v in open_visits(batch.created_by).filter(proposal_id__in=ids)}
    definition = current_instrument().definition
    pairs, errors = [], []
    for r in results:
        visit = visits.get(_proposal_id(r.ref))
        if visit is None:
            errors.append(
                _error(
                    r.row,
                    "household_ref",
                    f"Tidak ada kunjungan terbuka untuk {r.ref} di wilayah Anda.",
                    f"No open visit for {r.ref} in your area.",
                )
            )
            continue
        if r.village_code and r.village_code != visit.proposal.village_id:
            errors.append(
                _error(
                    r.row,
                    "village_code",
                    f"Kode desa tidak sesuai dengan usulan {r.ref}.",
                    f"The village code does not match proposal {r.ref}.",
                )
            )
        if r.result not in VisitResult.values:
            errors.append(
                _error(r.row, "result", "Kode hasil tidak dikenal.", "Unknown result code.")
            )
        elif r.result == VisitResult.VERIFIED:
            errors += [
                _error(r.row, p.key, p.message_id, p.message_en)
                for p in validate_answers(definition, r.answers)
            ]
        pairs.append((r, visit))
    return pairs, errors


def _record(ctx: audit.Context, batch: ImportBatch, pairs: list) -> dict[str, int]:
    for r, visit in pairs:
        recorded = record_visit(
            ctx,
            visit,
            r.result,
            r.answers if r.result == VisitResult.VERIFIED else {},
            r.visited_at or timezone.now(),
            _decimal(r.latitude),
            _decimal(r.longitude),
        )
        if r.instance_id:
            ImportedSubmission.objects.create(
                instance_id=r.instance_id, visit=recorded, batch=batch
            )
    return {"recorded": len(pairs)}


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 6)))


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _record_or_refuse(batch: ImportBatch, results: list[FieldResult], counts: dict) -> ImportBatch:
    set_progress(batch, len(results), 0)
    pairs, errors = _match(batch, results)
    if errors:
        return refuse(batch, errors)
    ctx = import_context(batch)
    try:
        return write_once(batch, lambda: counts | _record(ctx, batch, pairs))
    except ValidationError as exc:  # a rule of record_visit the checks above did not foresee
        return refuse(batch, [file_error("; ".join(exc.messages), "; ".join(exc.messages))])


# --- ODK Central / KoboToolbox ----------------------------------------------------------------


def import_odk(
    ctx: audit.Context, data: bytes, filename: str, members_csv: bytes | None = None
) -> ImportBatch:
    """Record the visits of an ODK Central or Kobo export (CSV, with its members CSV, or JSON).
    Submissions already imported (by instance id) are skipped."""
    batch = start_import(ctx, ImportKind.ODK, data, filename)
    if batch.status != ImportStatus.PENDING or not claim(batch):
        return batch
    return process_odk(batch, data, members_csv)


def process_odk(batch: ImportBatch, data: bytes, members_csv: bytes | None = None) -> ImportBatch:
    definition = current_instrument().definition
    try:
        if data.lstrip()[:1] in (b"{", b"["):
            parsed = odk.parse_json(data, definition)
        else:
            parsed = odk.parse_csv(data, definition, members_csv)
    except (ValueError, UnicodeDecodeError):
        return refuse(
            batch,
            [
                file_error(
                    "Berkas tidak dapat dibaca sebagai ekspor ODK/Kobo (CSV atau JSON).",
                    "The file cannot be read as an ODK/Kobo export (CSV or JSON).",
                )
            ],
        )
    if parsed.errors:
        return refuse(batch, parsed.errors)
    known = set(
        ImportedSubmission.objects.filter(
            instance_id__in=[s.instance_id for s in parsed.submissions]
        ).values_list("instance_id", flat=True)
    )
    results = [
        FieldResult(
            s.row,
            s.household_ref,
            s.village_code,
            s.result,
            s.answers,
            _aware(s.visited_at),
            s.latitude,
            s.longitude,
            s.instance_id,
        )
        for s in parsed.submissions
        if s.instance_id not in known
    ]
    return _record_or_refuse(batch, results, {"skipped": len(known)})


# --- work packages ------------------------------------------------------------------------------


def signing_key() -> bytes:
    return package_key(settings.SECRET_KEY)


def _package_household(visit: Visit) -> dict:
    p = visit.proposal
    if visit.household_id:
        h = visit.household
        base = {"address": h.address, "rt": h.rt, "rw": h.rw, "families": []}
    else:
        base = {k: p.payload.get(k, "") for k in ("address", "rt", "rw")}
        base["families"] = p.payload.get("families", [])
    return {"household_ref": household_ref(visit), "proposal_kind": p.kind, **base}


def export_package(ctx: audit.Context, village_code: str) -> bytes:
    """The signed work package of a village's open visits that the user may record."""
    require_village(ctx.actor, policy.VERIFY, village_code)
    visits = list(open_visits(ctx.actor, village_code).order_by("proposal_id"))
    return build_package(
        village_code,
        [_package_household(v) for v in visits],
        current_instrument().definition,
        ctx.actor.get_username(),
        signing_key(),
    )


def import_package(ctx: audit.Context, data: bytes, filename: str) -> ImportBatch:
    """Record the results of a work package returned from the field. A package that does not
    verify is refused whole; one already imported (by package id) returns its batch."""
    batch = start_import(ctx, ImportKind.PACKAGE, data, filename)
    if batch.status != ImportStatus.PENDING or not claim(batch):
        return batch
    return process_package(batch, data)


def process_package(batch: ImportBatch, data: bytes) -> ImportBatch:
    try:
        package = read_package(data, signing_key())
    except PackageRefused as refused:
        return refuse(batch, [file_error(refused.message_id, refused.message_en)])
    earlier = done_batch(ImportKind.PACKAGE, ref=package.package_id)
    if earlier is not None:
        batch.ref = ""
        return refuse(
            batch,
            [
                file_error(
                    f"Paket ini sudah diimpor (impor #{earlier.pk}).",
                    f"This package was already imported (import #{earlier.pk}).",
                )
            ],
        )
    batch.ref = package.package_id
    batch.save(update_fields=["ref"])
    if package.results is None:
        return refuse(
            batch,
            [
                file_error(
                    "Paket ini belum berisi hasil kunjungan.",
                    "This package holds no visit results yet.",
                )
            ],
        )
    if not policy.can(batch.created_by, policy.VERIFY, package.village_code):
        outside = file_error(
            "Desa paket di luar wilayah Anda.", "The package's village is outside your area."
        )
        return refuse(batch, [outside])
    results = [
        _package_result(i, r, package.village_code) for i, r in enumerate(package.results, 1)
    ]
    return _record_or_refuse(batch, results, {})


def _package_result(row: int, raw: dict, village_code: str) -> FieldResult:
    visited = parse_datetime(str(raw.get("visited_at") or ""))

    def number(key: str) -> float | None:
        try:
            return float(raw[key]) if raw.get(key) not in (None, "") else None
        except (TypeError, ValueError):
            return None

    try:
        result = int(raw.get("result"))
    except (TypeError, ValueError):
        result = None
    return FieldResult(
        row,
        str(raw.get("household_ref") or ""),
        village_code,
        result,
        raw.get("answers") if isinstance(raw.get("answers"), dict) else {},
        _aware(visited),
        number("latitude"),
        number("longitude"),
    )
