"""The work queues page: what waits for the user at each stage."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts import policy
from wilayah import selectors as regions

from .. import selectors
from ..models import ProposalStatus
from .common import QUEUE_LABELS, _regency_of

QUEUE_URLS = {
    "to_verify": ("registration_visit_list", ""),
    "to_decide": ("registration_meeting_list", ""),
    "to_assign": ("registration_visit_assign", ""),
    "to_compile": ("registration_submission_list", ""),
    "returned_proposals": ("registration_proposal_list", "?status=returned"),
    "to_ratify": ("registration_submission_list", "?status=compiled"),
    "to_forward": ("registration_submission_list", "?status=ratified"),
    "to_determine": ("registration_submission_list", "?status=forwarded"),
    "returned_submissions": ("registration_submission_list", "?status=returned"),
}


@login_required
@require_GET
def queues(request: HttpRequest) -> HttpResponse:
    """The user's work queues; for a regency user, proposals per village by status."""
    now = timezone.now()
    rows = [
        {
            "queue": q,
            "label": QUEUE_LABELS.get(q.name, q.name),
            "url": reverse(QUEUE_URLS[q.name][0]) + QUEUE_URLS[q.name][1],
            "age_days": (now - q.oldest).days if q.oldest else None,
        }
        for q in selectors.queues(request.user)
    ]
    regency = _regency_of(request.user)
    progress = []
    if regency:
        by_village = selectors.village_progress(request.user, regency)
        names = regions.names(by_village.keys())
        progress = [
            {
                "code": code,
                "name": names.get(code, code),
                "counts": [(ProposalStatus(s).label, n) for s, n in counts.items()],
            }
            for code, counts in by_village.items()
        ]
    return render(
        request,
        "registration/queues.html",
        {
            "queues": rows,
            "progress": progress,
            "can_propose": policy.role_allows(request.user, policy.PROPOSE),
        },
    )
