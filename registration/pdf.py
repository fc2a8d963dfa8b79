"""The Berita Acara (minutes) of a musdes/muskel as PDF, rendered with WeasyPrint from the
Django template registration/pdf/berita_acara.html."""

from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from wilayah.selectors import label

from .models import Decision, Meeting, MeetingKind
from .selectors import final_prelist


def _proposal_name(payload: dict) -> str:
    """The head of household of a 'new household' payload (else the first member named)."""
    members = [m for f in payload.get("families") or [] for m in f.get("members") or []]
    heads = [m for m in members if str(m.get("relation_to_household_head")) == "1"]
    person = (heads or members or [payload.get("member") or {}])[0]
    return str(person.get("name") or "")


def berita_acara_context(meeting: Meeting, user: User) -> dict:
    decisions = meeting.decisions.select_related("proposal", "household").order_by("id")
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
                "name": _proposal_name(d.proposal.payload),
                "address": d.proposal.payload.get("address") or "",
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
