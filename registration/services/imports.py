"""Imports of uploaded files: the batch that records each upload, its processing (in the
job worker: registration/tasks.py), and the BNBA import itself.

Rules every import keeps: a file with any error is refused with every error listed (row and
column/field, both languages) and nothing but the refused batch is written; a file imported
once changes nothing when imported again (the earlier batch is returned); the rows of a file
are written together in one transaction, as set operations.
"""

import hashlib
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from accounts.models import User
from audit import services as audit
from audit.models import Source
from registry.models import Member
from wilayah.models import Level, Region
from wilayah.selectors import within_scope

from ..bnba.parse import parse_bnba
from ..models import (
    ApprovalStep,
    ImportBatch,
    ImportKind,
    ImportStatus,
    Kind,
    Proposal,
    ProposalNik,
    ProposalSource,
    ProposalStatus,
)
from .proposals import CLOSED

CHUNK = 2000  # rows per INSERT and per IN (...) lookup; well under SQLite's variable limit
ACTION_BY_KIND = {
    ImportKind.BNBA: policy.PROPOSE,
    ImportKind.ODK: policy.VERIFY,
    ImportKind.PACKAGE: policy.VERIFY,
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def village_codes_in_scope(user: User, action: str = policy.PROPOSE) -> set[str]:
    """The villages where `user` may take `action`: the only ones an import may name."""
    if not policy.role_allows(user, action):
        return set()
    villages = Region.objects.filter(level=Level.VILLAGE)
    prefix = policy.scope_prefix(user) or ""
    if prefix:
        villages = villages.filter(within_scope(prefix, "code"))
    return set(villages.values_list("code", flat=True))


def import_context(batch: ImportBatch) -> audit.Context:
    """The audit context of a batch's writes: its uploader, through an import, named by id."""
    return audit.Context(
        actor=batch.created_by, source=Source.IMPORT, source_ref=f"import:{batch.pk}"
    )


# --- batches --------------------------------------------------------------------------------


def start_import(
    ctx: audit.Context, kind: str, data: bytes, file_name: str, source: str = ""
) -> ImportBatch:
    """Record an upload as a pending batch and keep the file for processing. A file already
    imported returns the earlier (done) batch, so nothing is done twice."""
    policy.require(ctx.actor, ACTION_BY_KIND[kind])
    if kind == ImportKind.BNBA and source not in ProposalSource.values:
        raise ValidationError({"source": _("Choose the source of the proposals.")})
    digest = sha256(data)
    earlier = done_batch(kind, digest)
    if earlier is not None:
        return earlier
    batch = ImportBatch(
        kind=kind,
        file_name=file_name[:255],
        content_hash=digest,
        scope=policy.scope_prefix(ctx.actor) or "",
        source=source,
        created_by=ctx.actor,
    )
    batch.file.save(f"{digest[:16]}-{kind}", ContentFile(data), save=False)
    batch.save()
    return batch


def done_batch(kind: str, content_hash: str = "", ref: str = "") -> ImportBatch | None:
    found = ImportBatch.objects.filter(kind=kind, status=ImportStatus.DONE)
    found = found.filter(ref=ref) if ref else found.filter(content_hash=content_hash)
    return found.first()


def claim(batch: ImportBatch) -> bool:
    """Mark a pending batch as running; False if another worker got it first."""
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING
    )
    batch.refresh_from_db()
    return claimed == 1


def refuse(batch: ImportBatch, errors: Iterable[Any]) -> ImportBatch:
    """Finish a batch as refused, keeping every error (objects with row, column or field, and
    message_id/message_en)."""
    batch.status = ImportStatus.REFUSED
    batch.errors = [_error_dict(e) for e in errors]
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "errors", "finished_at"])
    return batch


def _error_dict(error: Any) -> dict[str, Any]:
    if isinstance(error, dict):
        return error
    column = getattr(error, "column", None)
    return {
        "row": error.row,
        "column": column if column is not None else getattr(error, "field", ""),
        "message_id": error.message_id,
        "message_en": error.message_en,
    }


def file_error(message_id: str, message_en: str) -> dict[str, Any]:
    return {"row": 0, "column": "", "message_id": message_id, "message_en": message_en}


def set_progress(batch: ImportBatch, rows_total: int, rows_done: int) -> None:
    """Committed at once (outside the write transaction) so the progress page can see it."""
    batch.rows_total, batch.rows_done = rows_total, rows_done
    ImportBatch.objects.filter(pk=batch.pk).update(rows_total=rows_total, rows_done=rows_done)


def finish(batch: ImportBatch, counts: dict[str, int]) -> ImportBatch:
    """Mark done inside the write transaction: the unique 'done once' constraint then makes a
    concurrent import of the same file roll back entirely."""
    batch.status, batch.counts, batch.errors = ImportStatus.DONE, counts, []
    batch.rows_done, batch.finished_at = batch.rows_total, timezone.now()
    batch.save(update_fields=["status", "counts", "errors", "rows_done", "finished_at"])
    return batch


def write_once(batch: ImportBatch, write: Callable[[], dict[str, int]]) -> ImportBatch:
    """Run `write` and finish the batch in one transaction; if the same file was finished by a
    concurrent import meanwhile, nothing of this one stays and it is refused as a repeat."""
    try:
        with transaction.atomic():
            return finish(batch, write())
    except IntegrityError:
        if done_batch(batch.kind, batch.content_hash, batch.ref) is None:
            raise
        return refuse(
            batch,
            [file_error("Berkas ini sudah diimpor sebelumnya.", "This file was already imported.")],
        )


# --- BNBA -----------------------------------------------------------------------------------


def import_bnba(
    ctx: audit.Context,
    data: bytes,
    filename: str,
    village_codes: Collection[str] | None = None,
    source: str = ProposalSource.SELF_REGISTRATION,
) -> ImportBatch:
    """Import a BNBA list now: each valid household becomes a draft 'new household' proposal
    of `source`. `village_codes` narrows the villages the file may name (never beyond the
    importer's scope). Returns the batch: done with counts, or refused with its errors."""
    batch = start_import(ctx, ImportKind.BNBA, data, filename, source)
    if batch.status != ImportStatus.PENDING:
        return batch
    if not claim(batch):
        return batch
    return process_bnba(batch, data, village_codes)


def process_bnba(
    batch: ImportBatch, data: bytes, village_codes: Collection[str] | None = None
) -> ImportBatch:
    user = batch.created_by
    allowed = village_codes_in_scope(user)
    if village_codes is not None:
        allowed &= set(village_codes)
    result = parse_bnba(data, village_codes=allowed)
    set_progress(batch, result.rows, 0)
    if result.errors:
        return refuse(batch, result.errors)
    ctx = import_context(batch)
    return write_once(batch, lambda: _write_proposals(ctx, batch, result.households))


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _niks(household: dict) -> list[str]:
    return [m["nik"] for f in household["families"] for m in f["members"] if m["nik"]]


def open_proposal_niks(niks: list[str], source: str | None = None) -> dict[str, list[int]]:
    """{nik: [open proposal ids]} for the NIKs that an open proposal (of `source`) names."""
    found: dict[str, list[int]] = {}
    for chunk in _chunks(niks):
        rows = ProposalNik.objects.filter(nik__in=chunk).exclude(proposal__status__in=CLOSED)
        if source:
            rows = rows.filter(proposal__source=source)
        for nik, proposal_id in rows.values_list("nik", "proposal_id"):
            found.setdefault(nik, []).append(proposal_id)
    return found


def registry_niks(niks: list[str]) -> dict[str, list[tuple[int, str]]]:
    found: dict[str, list[tuple[int, str]]] = {}
    for chunk in _chunks(niks):
        for nik, pk, status in Member.objects.filter(nik__in=chunk).values_list(
            "nik", "id", "status"
        ):
            found.setdefault(nik, []).append((pk, status))
    return found


def _warnings(
    household: dict, in_registry: dict[str, list], in_proposals: dict[str, list]
) -> list[dict]:
    """The NIK warnings of proposals.warnings_for, from lookups made once for the whole file."""
    found = []
    for fi, family in enumerate(household["families"], start=1):
        for mi, member in enumerate(family["members"], start=1):
            key = f"families[{fi}].members[{mi}].nik"
            for member_id, status in in_registry.get(member["nik"], []):
                found.append(
                    {
                        "code": "nik_in_registry",
                        "field": key,
                        "member_id": member_id,
                        "status": status,
                        "message": _("A person with this NIK is already in the registry."),
                    }
                )
            for proposal_id in in_proposals.get(member["nik"], []):
                found.append(
                    {
                        "code": "nik_in_open_proposal",
                        "field": key,
                        "proposal_id": proposal_id,
                        "message": _("Another open proposal names this NIK."),
                    }
                )
    return found


def _payload(household: dict) -> dict:
    return {
        "address": household["address"],
        "rt": household["rt"],
        "rw": household["rw"],
        "families": household["families"],
    }


def _write_proposals(ctx: audit.Context, batch: ImportBatch, households: list[dict]) -> dict:
    """Bulk-create the proposals, their NIK index rows, their first approval step and one
    audit event each. Households any of whose NIKs already have an open proposal of the same
    source (an earlier import of an edited copy of the file, say) are skipped."""
    all_niks = [n for h in households for n in _niks(h)]
    same_source = open_proposal_niks(all_niks, batch.source)
    fresh = [h for h in households if not any(n in same_source for n in _niks(h))]
    fresh_niks = [n for h in fresh for n in _niks(h)]
    in_registry, in_proposals = registry_niks(fresh_niks), open_proposal_niks(fresh_niks)
    now = timezone.now()
    proposals = [
        Proposal(
            kind=Kind.NEW_HOUSEHOLD,
            source=batch.source,
            village_id=h["village_code"],
            payload=_payload(h),
            warnings=_warnings(h, in_registry, in_proposals),
            status=ProposalStatus.DRAFT,
            status_since=now,
            created_by=batch.created_by,
        )
        for h in fresh
    ]
    created = Proposal.objects.bulk_create(proposals, batch_size=CHUNK)
    ProposalNik.objects.bulk_create(
        (ProposalNik(proposal_id=p.pk, nik=n) for p, h in zip(created, fresh, strict=True)
         for n in sorted(set(_niks(h)))),
        batch_size=CHUNK,
    )  # fmt: skip
    ApprovalStep.objects.bulk_create(
        (
            ApprovalStep(
                proposal_id=p.pk, action="propose", to_status=p.status, actor=batch.created_by
            )
            for p in created
        ),
        batch_size=CHUNK,
    )
    change = {"kind": [None, Kind.NEW_HOUSEHOLD], "source": [None, batch.source]}
    audit.record_bulk(
        ctx,
        "registration.proposal.propose",
        "registration.proposal",
        ((str(p.pk), p.village_id, change) for p in created),
    )
    return {
        "households": len(households),
        "created": len(created),
        "skipped": len(households) - len(fresh),
        "members": len(fresh_niks),
    }


def require_village(user: User, action: str, village_code: str) -> None:
    if not Region.objects.filter(code=village_code, level=Level.VILLAGE).exists():
        raise ValidationError({"village": _("Choose a village (desa/kelurahan).")})
    if not policy.can(user, action, village_code):
        raise PermissionDenied(action)
