"""Village meetings (musdes/muskel): the list, a meeting's page, its decisions and closing it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import policy
from wilayah import selectors as regions

from .. import selectors, services
from ..forms import DecisionForm, MeetingForm
from ..models import Meeting, MeetingStatus, ProposalStatus
from .common import _attempt, _ctx, _get_or_404, _paginate


@login_required
@require_http_methods(["GET", "POST"])
def meeting_list(request: HttpRequest) -> HttpResponse:
    """The village meetings in scope, and a form to open one."""
    may_open = policy.role_allows(request.user, policy.DECIDE_MEETING)
    form = MeetingForm(request.POST or None, user=request.user) if may_open else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(policy.DECIDE_MEETING)
        if form.is_valid():
            d = form.cleaned_data
            opened: list[Meeting] = []
            if _attempt(
                request,
                lambda: opened.append(
                    services.open_meeting(
                        _ctx(request), d["village"], d["held_on"], d["place"], d["participants"]
                    )
                ),
            ):
                messages.success(
                    request,
                    _("The meeting was opened. Decide on each proposal, then close the meeting."),
                )
                return redirect("registration_meeting_detail", meeting_id=opened[0].pk)
    waiting = (
        selectors.proposals_for(request.user, policy.DECIDE_MEETING)
        .filter(status=ProposalStatus.SUBMITTED)
        .count()
    )
    return render(
        request,
        "registration/meeting_list.html",
        {
            **_paginate(request, selectors.meetings_for(request.user).select_related("village")),
            "form": form,
            "waiting": waiting,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_GET
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _get_or_404(selectors.meetings_for(request.user), meeting_id)
    decisions = {d.proposal_id: d for d in meeting.decisions.filter(proposal__isnull=False)}
    agenda = []
    if meeting.status == MeetingStatus.OPEN:
        agenda = list(
            selectors.proposals_for(request.user)
            .filter(village_id=meeting.village_id, status=ProposalStatus.SUBMITTED)
            .select_related("member")
            .order_by("id")
        )
    decided = list(
        meeting.decisions.filter(proposal__isnull=False).select_related("proposal").order_by("id")
    )
    prelist = selectors.final_prelist(request.user, meeting)
    subjects = selectors.subjects([*agenda, *(d.proposal for d in decided)])
    return render(
        request,
        "registration/meeting_detail.html",
        {
            "meeting": meeting,
            "region_label": regions.label(meeting.village_id),
            "agenda": [
                {
                    "p": p,
                    "decision": decisions.get(p.pk),
                    "subject": subjects[p.pk],
                    "warnings": selectors.warnings_of(p),
                }
                for p in agenda
            ],
            "decided": [(d, subjects[d.proposal_id]) for d in decided],
            "may_see_scan": policy.can(
                request.user, policy.VIEW_FLOW_DOCUMENTS, meeting.village_id
            ),
            "prelist": prelist.proposals if meeting.status == MeetingStatus.CLOSED else None,
            "may_decide": meeting.status == MeetingStatus.OPEN
            and policy.can(request.user, policy.DECIDE_MEETING, meeting.village_id),
        },
    )


@login_required
@require_POST
def meeting_decide(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _get_or_404(selectors.meetings_for(request.user), meeting_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or reject."))
        return redirect("registration_meeting_detail", meeting_id=meeting.pk)
    d = form.cleaned_data
    proposal = _get_or_404(selectors.proposals_for(request.user), d["proposal"])
    if _attempt(
        request,
        lambda: services.record_decision(
            _ctx(request), meeting, proposal, d["decision"], d["note"]
        ),
    ):
        messages.success(
            request, _("The decision on proposal #%(id)s was recorded.") % {"id": proposal.pk}
        )
    return redirect("registration_meeting_detail", meeting_id=meeting.pk)


@login_required
@require_POST
def meeting_close(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _get_or_404(selectors.meetings_for(request.user), meeting_id)
    if _attempt(request, lambda: services.close_meeting(_ctx(request), meeting)):
        messages.success(request, _("The meeting was closed; the final prelist is set."))
    return redirect("registration_meeting_detail", meeting_id=meeting.pk)
