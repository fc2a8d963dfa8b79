"""The signed Berita Acara of a village meeting: the scan of the printed, signed minutes."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import policy
from audit import services as audit

from ..models import Meeting

MAX_SCAN_BYTES = 20 * 1024 * 1024
SCAN_TYPES = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff")  # PDF, PNG, JPEG


@transaction.atomic
def store_signed_minutes(ctx: audit.Context, meeting: Meeting, scan: UploadedFile) -> Meeting:
    """Keep the signed scan (PDF, PNG or JPEG) on the meeting, replacing an earlier one."""
    policy.require(ctx.actor, policy.DECIDE_MEETING, meeting.village_id)
    head = scan.read(4)
    scan.seek(0)
    if scan.size > MAX_SCAN_BYTES or not head.startswith(tuple(t[: len(head)] for t in SCAN_TYPES)):
        raise ValidationError(
            {"scan": _("Upload the signed minutes as PDF, PNG or JPEG (at most 20 MB).")}
        )
    before = meeting.berita_acara.name
    meeting.berita_acara.save(f"berita-acara-{meeting.pk}-{scan.name}", scan, save=True)
    audit.record(
        ctx,
        "registration.meeting.signed_minutes",
        meeting,
        {"berita_acara": [before or None, meeting.berita_acara.name]},
        region_code=meeting.village_id,
    )
    return meeting
