"""The Berita Acara (minutes) of a musdes/muskel as PDF, rendered with WeasyPrint from the
Django template registration/pdf/berita_acara.html."""

from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from wilayah.selectors import label

from .models import Decision, Meeting, MeetingKind
from .selectors import final_prelist, subjects


def berita_acara_context(meeting: Meeting, user: User) -> dict:
    """Who each decided proposal is about: the member of a member-level proposal, else the
    household head; the NIK masked, as on a page read aloud and signed in the village."""
    decisions = list(
        meeting.decisions.select_related("proposal__household", "household").order_by("id")
    )
    about = subjects(d.proposal for d in decisions if d.proposal_id)
    return {
        "meeting": meeting,
        "title": "MUSYAWARAH DESA"
        if meeting.kind == MeetingKind.MUSDES
        else "MUSYAWARAH KELURAHAN",
        "village_label": label(meeting.village_id),
        "village_name": label(meeting.village_id).split(",")[0],
        "proposal_rows": [
            {
                "number": d.proposal_id,
                "kind": d.proposal.get_kind_display(),
                "name": about[d.proposal_id].name,
                "nik": about[d.proposal_id].nik,
                "is_member": about[d.proposal_id].is_member,
                "address": d.proposal.payload.get("address")
                or (d.proposal.household.address if d.proposal.household_id else ""),
                "accepted": d.decision == Decision.ACCEPT,
                "note": d.note,
            }
            for d in decisions
            if d.proposal_id
        ],
        "households": final_prelist(user, meeting).households.order_by("id"),
        "printed_at": timezone.localtime(),
    }


def berita_acara_html(meeting: Meeting, user: User) -> str:
    context = berita_acara_context(meeting, user)
    return render_to_string("registration/pdf/berita_acara.html", context)


def berita_acara_pdf(meeting: Meeting, user: User) -> bytes:
    """The minutes as PDF bytes: meeting, participants with signature lines, the decisions on
    the proposals and the existing households confirmed on the prelist."""
    from weasyprint import HTML  # imported late: loading pango costs time at startup

    return HTML(string=berita_acara_html(meeting, user)).write_pdf()
