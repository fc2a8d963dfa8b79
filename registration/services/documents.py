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


def _open(ctx: audit.Context, record, file, kind: str, region: str) -> Document:
    """A flow document for one who may see it in `region`; each opening is audited."""
    policy.require(ctx.actor, policy.VIEW_FLOW_DOCUMENTS, region)
    document = _document(file)
    audit.record(ctx, audit.READ, record, {"document": [None, kind]}, region_code=region)
    return document


def open_decree(ctx: audit.Context, submission: Submission) -> Document:
    """The scanned decree of a ratified submission (ObjectDoesNotExist when there is none)."""
    return _open(ctx, submission, submission.decree_file, "decree", submission.regency_id)


def open_signed_minutes(ctx: audit.Context, meeting: Meeting) -> Document:
    """The signed Berita Acara scan of a meeting (ObjectDoesNotExist when there is none)."""
    return _open(ctx, meeting, meeting.berita_acara, "berita_acara", meeting.village_id)
