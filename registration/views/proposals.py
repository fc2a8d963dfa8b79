"""Proposals (usulan): the list, a new household, a proposal's page and actions, and revising a
proposal."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import policy
from accounts.models import User
from base.i18n import content_language
from wilayah import selectors as regions
from wilayah.selectors import within_scope

from .. import selectors, services, transitions
from ..forms import (
    KkForm,
    MemberFormSet,
    NewHouseholdForm,
    ProposalFilterForm,
    ReasonForm,
    RevisedMemberFormSet,
    member_initial,
    new_household_payload,
    revised_household_payload,
)
from ..models import Kind, Proposal
from ..services.proposals import EDITABLE
from .changes import (
    HOUSEHOLD_KINDS,
    MEMBER_KINDS,
    _change_errors_to_forms,
    _change_forms,
    _change_payload,
    _render_change,
    _saved_message,
)
from .common import (
    ACTION_LABELS,
    PAGE_ACTIONS,
    _already_proposed,
    _attempt,
    _ctx,
    _definition,
    _get_or_404,
    _paginate,
    _payload_view,
    _rows,
)


@login_required
@require_GET
def proposal_list(request: HttpRequest) -> HttpResponse:
    """Proposals in scope, 50 a page, with who each is about (NIK and KK masked); filtered by
    status, kind and region, searched by name prefix, NIK or KK."""
    form = ProposalFilterForm(request.GET or None, user=request.user)
    qs = selectors.proposals_for(request.user).select_related("village", "member")
    if form.is_bound and not form.is_valid():
        qs = qs.none()
    elif form.is_bound:
        data = form.cleaned_data
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["region"]:
            qs = qs.filter(within_scope(data["region"], "village__code"))
        qs = selectors.matching(qs, data["q"])
    paged = _paginate(request, qs.order_by("-created_at", "-id"))
    return render(
        request,
        "registration/proposal_list.html",
        {
            "form": form,
            "rows": _rows(paged["page_obj"]),
            **paged,
            "can_propose": policy.role_allows(request.user, policy.PROPOSE),
        },
    )


def _service_errors_to_forms(error: ValidationError, form: NewHouseholdForm, members: Any) -> None:
    """Put the service's field errors ('families[1].members[2].nik') next to their fields."""
    _family_errors_to_forms(error, form, [(form, members)])


def _family_errors_to_forms(
    error: ValidationError, form: NewHouseholdForm, families: list[tuple[Any, Any]]
) -> None:
    """The same for one or more families: (form holding the KK number, member formset)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errs in error.message_dict.items():
        text = " ".join(errs)
        fi = int(key.split("[", 1)[1].split("]")[0]) - 1 if key.startswith("families[") else 0
        kk_form, members = families[fi] if fi < len(families) else (None, None)
        if key in form.fields:
            form.add_error(key, text)
        elif key.endswith(".kk_number") and kk_form is not None:
            kk_form.add_error("kk_number", text)
        elif ".members[" in key and members is not None:
            index = int(key.split(".members[")[1].split("]")[0]) - 1
            field = None if key.endswith("]") else key.rsplit(".", 1)[1]
            target = members.forms[index] if index < len(members.forms) else None
            if target is not None and field in target.fields:
                target.add_error(field, text)
            else:
                form.add_error(None, text)
        else:
            form.add_error(None, text)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_create(request: HttpRequest) -> HttpResponse:
    """A 'new household' proposal: one KK with its members. Saved as a draft; warnings (an
    existing NIK, a likely duplicate) are shown on the proposal page."""
    if not policy.role_allows(request.user, policy.PROPOSE):
        raise PermissionDenied(policy.PROPOSE)
    definition, lang = _definition(), content_language()
    kwargs = {"definition": definition, "lang": lang}
    if request.method == "GET":
        form = NewHouseholdForm(user=request.user)
        members = MemberFormSet(prefix="m", form_kwargs=kwargs)
        return _render_create(request, form, members)
    data = request.POST.copy()
    if "add_member" in data:  # one more member row, without JavaScript
        total = int(data.get("m-TOTAL_FORMS") or 1)
        data["m-TOTAL_FORMS"] = str(min(total + 1, 30))
        form = NewHouseholdForm(data, user=request.user)
        members = MemberFormSet(data, prefix="m", form_kwargs=kwargs)
        form.errors.clear()  # a half-filled form is not an error yet
        for row in members.forms:
            row.errors.clear()
        return _render_create(request, form, members)
    form = NewHouseholdForm(data, user=request.user)
    members = MemberFormSet(data, prefix="m", form_kwargs=kwargs)
    if not (form.is_valid() and members.is_valid()):
        return _render_create(request, form, members, status=400)
    try:
        proposal = services.propose(
            _ctx(request),
            Kind.NEW_HOUSEHOLD,
            form.cleaned_data["source"],
            form.cleaned_data["village"],
            new_household_payload(form, members),
            form_token=form.cleaned_data["form_token"],
        )
    except services.AlreadyProposed as error:
        return _already_proposed(request, error)
    except ValidationError as error:
        _service_errors_to_forms(error, form, members)
        return _render_create(request, form, members, status=400)
    _saved_message(request, proposal)
    return redirect("registration_proposal_detail", proposal_id=proposal.pk)


def _render_create(
    request: HttpRequest, form: NewHouseholdForm, members: Any, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "registration/proposal_form.html",
        {"form": form, "members": members},
        status=status,
    )


@login_required
@require_GET
def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _get_or_404(selectors.proposals_for(request.user), proposal_id)
    allowed = transitions.allowed_actions(request.user, proposal)
    return render(
        request,
        "registration/proposal_detail.html",
        {
            "proposal": proposal,
            "subject": selectors.subject(proposal),
            "warnings": selectors.warnings_of(proposal),
            "region_label": regions.label(proposal.village_id),
            "payload": _payload_view(proposal, _definition(), content_language()),
            "steps": [
                (s, ACTION_LABELS.get(s.action, s.action))
                for s in proposal.steps.select_related("actor")
            ],
            "visits": proposal.visits.select_related("enumerator"),
            "page_actions": [(a, ACTION_LABELS[a]) for a in allowed if a in PAGE_ACTIONS],
            "may_decide": "accept" in allowed,
            "may_assign": "assign_visit" in allowed,
            "may_revise": _may_revise(request.user, proposal),
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_POST
def proposal_action(request: HttpRequest, proposal_id: int, action: str) -> HttpResponse:
    """Submit or withdraw (with an optional reason) a proposal."""
    proposal = _get_or_404(selectors.proposals_for(request.user), proposal_id)
    if action not in PAGE_ACTIONS:
        raise Http404
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    call = PAGE_ACTIONS[action]
    args = (proposal, reason) if action == "withdraw" else (proposal,)
    if _attempt(request, lambda: call(_ctx(request, reason), *args)):
        messages.success(request, _("Done: %(action)s.") % {"action": ACTION_LABELS[action]})
    return redirect("registration_proposal_detail", proposal_id=proposal.pk)


def _may_revise(user: User, proposal: Proposal) -> bool:
    existing = proposal.kind in (*HOUSEHOLD_KINDS, *MEMBER_KINDS) and proposal.household_id
    return (
        (bool(existing) or proposal.kind == Kind.NEW_HOUSEHOLD)
        and proposal.status in EDITABLE
        and policy.can(user, policy.PROPOSE, proposal.village_id)
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_revise(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Fix the payload of a draft or returned proposal; a returned one goes back up with its
    submission when the regency resubmits it."""
    proposal = _get_or_404(
        selectors.proposals_for(request.user).select_related("household", "member"), proposal_id
    )
    if not _may_revise(request.user, proposal):
        policy.require(request.user, policy.PROPOSE, proposal.village_id)
        messages.error(request, _("This proposal cannot be changed now."))
        return redirect("registration_proposal_detail", proposal_id=proposal.pk)
    if proposal.kind == Kind.NEW_HOUSEHOLD:
        return _revise_new_household(request, proposal)
    household, member = proposal.household, proposal.member
    form, member_form = _change_forms(
        request, proposal.kind, household, member, payload=proposal.payload
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and (member_form is None or member_form.is_valid())
    ):
        payload = _change_payload(proposal.kind, form, member_form)
        try:
            services.revise(_ctx(request), proposal, payload)
        except ValidationError as error:
            _change_errors_to_forms(error, form, member_form)
        else:
            messages.success(request, _("The proposal was changed."))
            return redirect("registration_proposal_detail", proposal_id=proposal.pk)
    return _render_change(request, proposal.kind, household, member, form, member_form, proposal)


def _family_forms(
    data: Any, payload: dict, definition: dict, lang: str
) -> list[tuple[KkForm, Any]]:
    """A KK form and a member formset per family of the payload, bound to `data` if given."""
    families = [f for f in payload.get("families") or [] if isinstance(f, dict)] or [{}]
    kwargs = {"definition": definition, "lang": lang}
    return [
        (
            KkForm(data, prefix=f"f{i}", initial={"kk_number": family.get("kk_number", "")}),
            RevisedMemberFormSet(
                data,
                prefix=f"f{i}-m",
                initial=[member_initial(m) for m in family.get("members") or []],
                form_kwargs=kwargs,
            ),
        )
        for i, family in enumerate(families)
    ]


def _one_more_member(data: Any) -> None:
    """The 'add another member' button of family n: one more row in its formset."""
    family = str(data.get("add_member", ""))
    key = f"f{family}-m-TOTAL_FORMS"
    if family.isdigit() and key in data:
        data[key] = str(min(int(data[key] or 1) + 1, 30))


def _revise_new_household(request: HttpRequest, proposal: Proposal) -> HttpResponse:
    """Correct a draft or returned new-household proposal: address, each KK number and its
    members (add, change, take out); checked and warned like a new one."""
    payload = proposal.payload or {}
    data = request.POST.copy() if request.method == "POST" else None
    adding = data is not None and "add_member" in data
    if adding:
        _one_more_member(data)
    initial = {k: payload.get(k, "") for k in ("address", "rt", "rw")}
    form = NewHouseholdForm(data, user=request.user, revising=True, initial=initial)
    families = _family_forms(data, payload, _definition(), content_language())
    if adding:  # a half-filled form is not an error yet
        for part in [form, *[kk for kk, _m in families]]:
            part.errors.clear()
        for _kk, members in families:
            for row in members.forms:
                row.errors.clear()
    elif data is not None:
        checks = [form.is_valid()] + [kk.is_valid() for kk, _m in families]
        checks += [members.is_valid() for _kk, members in families]
        if all(checks):
            try:
                services.revise(
                    _ctx(request), proposal, revised_household_payload(payload, form, families)
                )
            except ValidationError as error:
                _family_errors_to_forms(error, form, families)
            else:
                messages.success(request, _("The proposal was changed."))
                return redirect("registration_proposal_detail", proposal_id=proposal.pk)
    return render(
        request,
        "registration/proposal_revise_household.html",
        {
            "proposal": proposal,
            "region_label": regions.label(proposal.village_id),
            "form": form,
            "families": families,
        },
        status=400 if data is not None and not adding else 200,
    )
