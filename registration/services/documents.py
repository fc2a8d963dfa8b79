"""The flow's scanned documents: the bupati/walikota's decree (pengesahan) of a submission and
the signed Berita Acara of a village meeting. They are never public media: a user opens one
only where policy lets them see the flow's documents in the record's region, and each opening
is an audited read."""

from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.files import File
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from accounts import policy
from audit import services as audit

from ..models import Meeting, Submission

MAX_SCAN_BYTES = 20 * 1024 * 1024
# Leading bytes of the scan formats accepted, with the content type they are served as.
SCAN_TYPES = {b"%PDF": "application/pdf", b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}


@dataclass(frozen=True)
class Document:
    file: FieldFile
    name: str  # the file name offered to the browser
    content_type: str


def scan_type(head: bytes) -> str | None:
    """The content type of a PDF, PNG or JPEG scan from its first bytes; None for anything else."""
    for magic, content_type in SCAN_TYPES.items():
        if head.startswith(magic):
            return content_type
    return None


def check_scan(upload: File, field: str) -> None:
    """Refuse anything but a PDF, PNG or JPEG of at most 20 MB, naming `field`."""
    head = upload.read(4)
    upload.seek(0)
    if upload.size > MAX_SCAN_BYTES or scan_type(head) is None:
        raise ValidationError({field: _("Upload the scan as PDF, PNG or JPEG (at most 20 MB).")})


def _document(stored: FieldFile) -> Document:
    if not stored:
        raise ObjectDoesNotExist("no file")
    with stored.open("rb") as f:
        head = f.read(4)
    # A file of another type (uploaded before scans were checked) is only ever downloaded.
    content_type = scan_type(head) or "application/octet-stream"
    return Document(stored, PurePath(stored.name).name, content_type)


def open_decree(ctx: audit.Context, submission: Submission) -> Document:
    """The scanned decree of a ratified submission (ObjectDoesNotExist when there is none)."""
    policy.require(ctx.actor, policy.VIEW_FLOW_DOCUMENTS, submission.regency_id)
    document = _document(submission.decree_file)
    audit.record(
        ctx,
        audit.READ,
        submission,
        {"document": [None, "decree"]},
        region_code=submission.regency_id,
    )
    return document


def open_signed_minutes(ctx: audit.Context, meeting: Meeting) -> Document:
    """The signed Berita Acara scan of a meeting (ObjectDoesNotExist when there is none)."""
    policy.require(ctx.actor, policy.VIEW_FLOW_DOCUMENTS, meeting.village_id)
    document = _document(meeting.berita_acara)
    audit.record(
        ctx,
        audit.READ,
        meeting,
        {"document": [None, "berita_acara"]},
        region_code=meeting.village_id,
    )
    return document
