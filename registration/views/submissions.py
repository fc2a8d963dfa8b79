"""The regency's submission and its approval chain, DTKS periods and penetapan."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import policy
from wilayah import selectors as regions

from .. import selectors, services, transitions
from ..forms import CompileForm, DetermineForm, PeriodForm, RatifyForm, ReturnForm
from ..models import Kind, PeriodStatus, ProposalStatus, Submission
from .common import ACTION_LABELS, _attempt, _ctx, _get_or_404, _paginate, _regency_of, _rows


@login_required
@require_GET
def submission_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.submissions_for(request.user).select_related("regency", "period")
    status = request.GET.get("status", "")
    if status:
        qs = qs.filter(status=status)
    regency = _regency_of(request.user)
    may_compile = bool(regency) and policy.can(request.user, policy.COMPILE, regency)
    verified = 0
    if may_compile:
        verified = (
            selectors.proposals_for(request.user, policy.COMPILE)
            .filter(status=ProposalStatus.VERIFIED)
            .count()
        )
    return render(
        request,
        "registration/submission_list.html",
        {
            **_paginate(request, qs),
            "status": status,
            "compile_form": CompileForm(periods=list(selectors.periods(PeriodStatus.OPEN)))
            if may_compile
            else None,
            "verified": verified,
        },
    )


@login_required
@require_POST
def submission_compile(request: HttpRequest) -> HttpResponse:
    regency = _regency_of(request.user)
    if not regency:
        raise PermissionDenied(policy.COMPILE)
    form = CompileForm(request.POST, periods=list(selectors.periods(PeriodStatus.OPEN)))
    if not form.is_valid():
        messages.error(request, _("Choose an open period."))
        return redirect("registration_submission_list")
    period = _get_or_404(selectors.periods(), form.cleaned_data["period"])
    made: list[Submission] = []
    if _attempt(
        request, lambda: made.append(services.compile_submission(_ctx(request), regency, period))
    ):
        messages.success(
            request,
            _("The submission was compiled. Record the bupati/walikota's decree to ratify it."),
        )
        return redirect("registration_submission_detail", submission_id=made[0].pk)
    return redirect("registration_submission_list")


@login_required
@require_GET
def submission_detail(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = _get_or_404(selectors.submissions_for(request.user), submission_id)
    return _render_submission(request, submission)


def _render_submission(
    request: HttpRequest,
    submission: Submission,
    ratify_form: RatifyForm | None = None,
    return_form: ReturnForm | None = None,
    status: int = 200,
) -> HttpResponse:
    allowed = transitions.allowed_actions(request.user, submission)
    proposals = submission.proposals.select_related("village", "member").order_by(
        "village_id", "id"
    )
    paged = _paginate(request, proposals)
    return render(
        request,
        "registration/submission_detail.html",
        {
            "submission": submission,
            "region_label": regions.label(submission.regency_id),
            "rows": _rows(paged["page_obj"]),
            **paged,
            "identity_warnings": selectors.identity_warning_count(proposals),
            "meetings": selectors.meetings_of(submission),
            "may_see_documents": policy.can(
                request.user, policy.VIEW_FLOW_DOCUMENTS, submission.regency_id
            ),
            "steps": [
                (s, ACTION_LABELS.get(s.action, s.action))
                for s in submission.steps.select_related("actor")
            ],
            "allowed": allowed,
            "ratify_form": ratify_form or RatifyForm() if "ratify" in allowed else None,
            "return_form": return_form or ReturnForm() if "return" in allowed else None,
        },
        status=status,
    )


@login_required
@require_POST
def submission_action(request: HttpRequest, submission_id: int, action: str) -> HttpResponse:
    """Ratify (decree number and file), forward, accept, return (reason), resubmit. A role
    that may never take the action gets 403 before the submission is looked up."""
    needed = {r.permission for (_s, a), r in transitions.SUBMISSION_RULES.items() if a == action}
    if not needed:
        raise Http404
    if not any(policy.role_allows(request.user, p) for p in needed if p):
        raise PermissionDenied(action)
    submission = _get_or_404(selectors.submissions_for(request.user), submission_id)
    ctx = _ctx(request)
    if action == "ratify":
        form = RatifyForm(request.POST, request.FILES)
        if not form.is_valid():
            return _render_submission(request, submission, ratify_form=form, status=400)
        d = form.cleaned_data
        call = lambda: services.ratify(ctx, submission, d["decree_number"], d["decree_file"])  # noqa: E731
    elif action == "return":
        form = ReturnForm(request.POST)
        if not form.is_valid():
            return _render_submission(request, submission, return_form=form, status=400)
        reason = form.cleaned_data["reason"]
        call = lambda: services.return_submission(_ctx(request, reason), submission, reason)  # noqa: E731
    elif action == "forward":
        call = lambda: services.forward(ctx, submission)  # noqa: E731
    elif action == "determine":
        call = lambda: services.accept_submission(ctx, submission)  # noqa: E731
    elif action == "resubmit":
        call = lambda: services.resubmit(ctx, submission)  # noqa: E731
    else:
        raise Http404
    if _attempt(request, call):
        messages.success(request, _("Done: %(action)s.") % {"action": ACTION_LABELS[action]})
    return redirect("registration_submission_detail", submission_id=submission.pk)


@login_required
@require_http_methods(["GET", "POST"])
def period_list(request: HttpRequest) -> HttpResponse:
    """DTKS periods; the centre opens them and determines them (penetapan)."""
    may_determine = policy.role_allows(request.user, policy.DETERMINE)
    form = PeriodForm(request.POST or None) if may_determine else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(policy.DETERMINE)
        if form.is_valid():
            d = form.cleaned_data
            if _attempt(
                request, lambda: services.open_period(_ctx(request), d["code"], d["label"])
            ):
                messages.success(request, _("The period was opened."))
                return redirect("registration_period_list")
    return render(
        request,
        "registration/period_list.html",
        {**_paginate(request, selectors.periods()), "form": form, "may_determine": may_determine},
    )


@login_required
@require_http_methods(["GET", "POST"])
def period_determine(request: HttpRequest, period_id: int) -> HttpResponse:
    """Penetapan in two steps: the preview (what will be applied, by kind and regency, and
    which submissions are still in the chain), then the confirmation of exactly that preview."""
    policy.require(request.user, policy.DETERMINE)
    period = _get_or_404(selectors.periods(), period_id)
    if period.status != PeriodStatus.OPEN:
        messages.info(request, _("The period %(code)s is already determined.") % {"code": period})
        return redirect("registration_period_list")
    others = list(selectors.periods(PeriodStatus.OPEN).exclude(pk=period.pk))
    form = DetermineForm(request.POST or None, periods=others)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        carry = next((p for p in others if p.pk == d["carry_over_to"]), None)
        if _attempt(
            request,
            lambda: services.determine(
                _ctx(request), period, d["decree_number"], d["fingerprint"], carry
            ),
        ):
            messages.success(
                request,
                _("The period %(code)s was determined; its proposals are applied to the registry.")
                % {"code": period.code},
            )
            return redirect("registration_period_list")
    preview = services.preview(period)
    refused = request.method == "POST"
    if not form.is_bound or form.is_valid():  # a refused confirmation: review the new preview
        kept = form.cleaned_data if form.is_bound else {}
        initial = {k: kept.get(k) for k in ("decree_number", "carry_over_to") if kept.get(k)}
        form = DetermineForm(initial=initial | {"fingerprint": preview.fingerprint}, periods=others)
    return _render_preview(request, preview, form, status=400 if refused else 200)


def _render_preview(
    request: HttpRequest, preview: Any, form: DetermineForm, status: int
) -> HttpResponse:
    kinds = [k for k in Kind if k.value in preview.by_kind]
    names = regions.names(preview.by_regency.keys())
    return render(
        request,
        "registration/period_preview.html",
        {
            "preview": preview,
            "period": preview.period,
            "kinds": [(k.label, preview.by_kind[k.value]) for k in kinds],
            "kind_labels": [k.label for k in kinds],
            "regencies": [
                {
                    "code": code,
                    "name": names.get(code, code),
                    "counts": [counts.get(k.value, 0) for k in kinds],
                    "total": sum(counts.values()),
                }
                for code, counts in preview.by_regency.items()
            ],
            "form": form,
            "carry_over_choices": len(form.fields["carry_over_to"].choices) > 1,
        },
        status=status,
    )
