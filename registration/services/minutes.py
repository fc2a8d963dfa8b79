"""The signed Berita Acara of a village meeting: the scan of the printed, signed minutes."""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts import policy
from audit import services as audit

from ..models import Meeting
from .documents import check_scan


@transaction.atomic
def store_signed_minutes(ctx: audit.Context, meeting: Meeting, scan: UploadedFile) -> Meeting:
    """Keep the signed scan (PDF, PNG or JPEG) on the meeting, replacing an earlier one."""
    policy.require(ctx.actor, policy.DECIDE_MEETING, meeting.village_id)
    check_scan(scan, "scan")
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
