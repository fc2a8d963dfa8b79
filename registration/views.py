"""Pages of the DTKS update flow: work queues, proposals (usulan), village meetings, verification
visits, the regency's submission and its approval chain, and the period's penetapan.

Views parse, call registration.services and selectors, render. The services check permissions
and transitions; their refusals become messages on the page (PermissionDenied becomes 403)."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import policy
from accounts.models import User
from audit import services as audit
from kesos.i18n import content_language
from registry import selectors as registry
from registry.identity import mask_nik
from registry.instrument import member_label, shipped_definition
from registry.models import Household, InactiveReason, Member, Sex
from registry.services import current_instrument
from wilayah import selectors as regions
from wilayah.selectors import within_scope

from . import payloads, selectors, services, transitions
from .forms import (
    NEW_KK,
    AddMemberForm,
    AssignForm,
    ChangeForm,
    CompileForm,
    CorrectionForm,
    DecisionForm,
    DetermineForm,
    KkForm,
    ListSearchForm,
    MeetingForm,
    MemberForm,
    MemberFormSet,
    MoveHouseholdForm,
    NewHouseholdForm,
    PeriodForm,
    ProposalFilterForm,
    RatifyForm,
    ReasonChangeForm,
    ReasonForm,
    ReturnForm,
    RevisedMemberFormSet,
    VisitForm,
    member_initial,
    new_household_payload,
    revised_household_payload,
)
from .models import (
    Kind,
    Meeting,
    MeetingStatus,
    PeriodStatus,
    Proposal,
    ProposalStatus,
    Submission,
    Visit,
)
from .offline.xlsform import build_xlsform, form_id
from .services.proposals import EDITABLE

PAGE_SIZE = 50

QUEUE_LABELS = {
    "to_verify": gettext_lazy("Visits to record"),
    "to_decide": gettext_lazy("Proposals for the village meeting"),
    "to_assign": gettext_lazy("Final prelist: visits to assign"),
    "to_compile": gettext_lazy("Verified proposals to compile"),
    "returned_proposals": gettext_lazy("Returned proposals"),
    "to_ratify": gettext_lazy("Submissions to ratify"),
    "to_forward": gettext_lazy("Submissions to forward"),
    "to_determine": gettext_lazy("Submissions to accept"),
    "returned_submissions": gettext_lazy("Returned submissions"),
}
ACTION_LABELS = {
    "propose": gettext_lazy("Proposed"),
    "submit": gettext_lazy("Submit to the village meeting"),
    "withdraw": gettext_lazy("Withdraw"),
    "accept": gettext_lazy("Accepted at the meeting"),
    "reject": gettext_lazy("Rejected at the meeting"),
    "assign_visit": gettext_lazy("Visit assigned"),
    "verify": gettext_lazy("Verified"),
    "fail_verification": gettext_lazy("Not verified"),
    "compile": gettext_lazy("Compiled"),
    "ratify": gettext_lazy("Ratified"),
    "forward": gettext_lazy("Forwarded"),
    "determine": gettext_lazy("Accepted by the centre"),
    "return": gettext_lazy("Returned"),
    "resubmit": gettext_lazy("Resubmitted"),
    "apply": gettext_lazy("Applied at penetapan"),
}
# Proposal actions a user takes on the proposal page; the others have their own pages.
PAGE_ACTIONS = {"submit": services.submit, "withdraw": services.withdraw}


# --- helpers ------------------------------------------------------------------------------


def _ctx(request: HttpRequest, reason: str = "") -> audit.Context:
    return audit.Context(actor=request.user, reason=reason, source_ref=request.path[:100])


def _attempt(request: HttpRequest, call: Callable[[], Any]) -> bool:
    """Run a service call; a refusal becomes an error message (PermissionDenied propagates)."""
    try:
        call()
    except (ValidationError, transitions.TransitionRefused) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
        return False
    return True


def _paginate(request: HttpRequest, items: Any, per_page: int = PAGE_SIZE) -> dict[str, Any]:
    """One page of `items` (page number from ?page=, out-of-range numbers clamp) and the
    query string of the other parameters, for registration/_pagination.html."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {"page_obj": page, "page_query": params.urlencode()}


def _rows(page: Page) -> list[dict[str, Any]]:
    """A page of proposals with who each is about and its warnings, for the flow's lists."""
    proposals = list(page.object_list)
    subjects = selectors.subjects(proposals)
    return [
        {"p": p, "subject": subjects[p.pk], "warnings": selectors.warnings_of(p)} for p in proposals
    ]


def _get_or_404(qs: QuerySet, pk: int) -> Any:
    try:
        return qs.get(pk=pk)
    except qs.model.DoesNotExist:
        raise Http404 from None


def _regency_of(user: User) -> str | None:
    scope = policy.scope_prefix(user) or ""
    return scope if len(scope.split(".")) == 2 else None


def _definition() -> dict:
    try:
        return current_instrument().definition
    except Exception:  # no published version yet (a fresh database): the shipped one
        return shipped_definition()


# --- queues -------------------------------------------------------------------------------


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


# --- proposals ----------------------------------------------------------------------------


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


def _already_proposed(request: HttpRequest, error: services.AlreadyProposed) -> HttpResponse:
    """Nothing was saved twice: say so, and open the proposal that exists."""
    if error.same_form:
        messages.info(request, error.messages[0])
    else:
        messages.warning(request, error.messages[0])
    return redirect("registration_proposal_detail", proposal_id=error.proposal.pk)


def _render_create(
    request: HttpRequest, form: NewHouseholdForm, members: Any, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "registration/proposal_form.html",
        {"form": form, "members": members},
        status=status,
    )


def _iso_date(value: Any) -> date | None:
    """A payload's 'YYYY-MM-DD' as a date (shown formatted); None when absent or malformed."""
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _payload_view(proposal: Proposal, definition: dict, lang: str) -> dict:
    """The payload of a new-household proposal as rows a person reads; others as key/value."""
    p = proposal.payload
    if proposal.kind != Kind.NEW_HOUSEHOLD:
        return {"pairs": sorted((str(k), str(v)) for k, v in p.items())}
    families = [
        {
            "kk_number": f.get("kk_number"),
            "members": [
                m
                | {
                    "relation": member_label(
                        definition,
                        "relation_to_household_head",
                        m.get("relation_to_household_head"),
                        lang,
                    ),
                    "marital": member_label(
                        definition, "marital_status", m.get("marital_status"), lang
                    ),
                    "born": _iso_date(m.get("birth_date")),
                }
                for m in f.get("members") or []
            ],
        }
        for f in p.get("families") or []
    ]
    return {"address": p.get("address"), "rt": p.get("rt"), "rw": p.get("rw"), "families": families}


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


# --- proposals about an existing household or member ----------------------------------------


HOUSEHOLD_KINDS = (Kind.ADD_MEMBER, Kind.CORRECT_DATA, Kind.MOVE_HOUSEHOLD, Kind.DEACTIVATE)
MEMBER_KINDS = (Kind.REMOVE_MEMBER, Kind.CORRECT_DATA)
MEMBER_REASONS = [
    (r.value, r.label)
    for r in (
        InactiveReason.DECEASED,
        InactiveReason.MOVED,
        InactiveReason.DUPLICATE,
        InactiveReason.NO_VALID_NIK,
        InactiveReason.NOT_FOUND,
    )
]
HOUSEHOLD_FIELDS = ("address", "rt", "rw")
MEMBER_FIELDS = (
    "nik",
    "name",
    "sex",
    "birth_date",
    "birth_place",
    "relation_to_household_head",
    "relation_to_family_head",
    "marital_status",
)


def _registry_household_or_404(user: User, household_id: int) -> Household:
    try:
        return registry.household_for(user, household_id)
    except Household.DoesNotExist:
        raise Http404 from None


def _registry_member_or_404(user: User, member_id: int) -> Member:
    try:
        return registry.member_for(user, member_id)
    except Member.DoesNotExist:
        raise Http404 from None


def _family_sizes(household: Household) -> list[tuple[str, int]]:
    families = household.families.annotate(size=Count("members")).order_by("id")
    return [(f.kk_number, f.size) for f in families]


def _current_values(household: Household, member: Member | None) -> dict[str, Any]:
    """What a correction starts from: the record's values now."""
    if member is None:
        return {f: getattr(household, f) for f in HOUSEHOLD_FIELDS}
    return {f: getattr(member, f) for f in MEMBER_FIELDS}


def _change_forms(
    request: HttpRequest,
    kind: str,
    household: Household,
    member: Member | None,
    payload: dict[str, Any] | None = None,
) -> tuple[ChangeForm, MemberForm | None]:
    """The form of a change proposal (and the member form of 'add member'), bound to the POST
    or, when revising, filled from the proposal's payload."""
    data = request.POST if request.method == "POST" else None
    revising = payload is not None
    payload = payload or {}
    common: dict[str, Any] = {"data": data, "revising": revising}
    if kind in (Kind.DEACTIVATE, Kind.REMOVE_MEMBER):
        reasons = InactiveReason.choices if kind == Kind.DEACTIVATE else MEMBER_REASONS
        return ReasonChangeForm(initial=payload, reasons=reasons, **common), None
    if kind == Kind.MOVE_HOUSEHOLD:
        return MoveHouseholdForm(
            initial=payload, current_village=household.village_id, **common
        ), None
    definition, lang = _definition(), content_language()
    if kind == Kind.ADD_MEMBER:
        kk = payload.get("kk_number")
        families = _family_sizes(household)
        known = kk in dict(families)
        initial = {"family": kk if known else NEW_KK, "new_kk_number": "" if known else kk}
        person = payload.get("member") or {}
        member_form = MemberForm(
            data,
            prefix="m",
            initial={k: person.get(k) for k in MemberForm.base_fields},
            definition=definition,
            lang=lang,
        )
        form = AddMemberForm(initial=initial if revising else {}, families=families, **common)
        return form, member_form
    current = _current_values(household, member)
    initial = current | (payload.get("changes") or {})
    form = CorrectionForm(
        initial=initial, current=current, definition=definition, lang=lang, **common
    )
    return form, None


def _change_payload(kind: str, form: ChangeForm, member_form: MemberForm | None) -> dict:
    if kind == Kind.ADD_MEMBER and isinstance(form, AddMemberForm) and member_form is not None:
        return {
            "kk_number": form.kk_number(),
            "member": member_form.as_payload(form.family_order()),
        }
    return form.payload()


def _change_errors_to_forms(
    error: ValidationError, form: ChangeForm, member_form: MemberForm | None
) -> None:
    """The service's field errors ('changes.nik', 'member.nik', 'kk_number') next to their
    fields; the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errs in error.message_dict.items():
        text = " ".join(errs)
        field = key.removeprefix("changes.")
        if key == "kk_number" and "family" in form.fields:
            new = form.cleaned_data.get("family") == NEW_KK
            form.add_error("new_kk_number" if new else "family", text)
        elif key.startswith("member.") and member_form is not None:
            name = key.removeprefix("member.")
            member_form.add_error(name if name in member_form.fields else None, text)
        elif field in form.fields:
            form.add_error(field, text)
        else:
            form.add_error(None, text)


def _saved_message(request: HttpRequest, proposal: Proposal) -> None:
    if selectors.warnings_of(proposal):
        messages.warning(
            request,
            _("The proposal was saved as a draft, with warnings: check them before you submit it."),
        )
    else:
        messages.success(request, _("The proposal was saved as a draft."))


@login_required
@require_http_methods(["GET", "POST"])
def household_change(request: HttpRequest, household_id: int, kind: str) -> HttpResponse:
    """Propose a change to a household of the registry: add a member, correct its address,
    move it, deactivate it."""
    if kind not in HOUSEHOLD_KINDS:
        raise Http404
    household = _registry_household_or_404(request.user, household_id)
    return _change_page(request, kind, household, None)


@login_required
@require_http_methods(["GET", "POST"])
def member_change(request: HttpRequest, member_id: int, kind: str) -> HttpResponse:
    """Propose a change to a member: remove them (death, moving out, ...) or correct data."""
    if kind not in MEMBER_KINDS:
        raise Http404
    member = _registry_member_or_404(request.user, member_id)
    return _change_page(request, kind, member.household, member)


def _change_page(
    request: HttpRequest, kind: str, household: Household, member: Member | None
) -> HttpResponse:
    policy.require(request.user, policy.PROPOSE, household.village_id)
    form, member_form = _change_forms(request, kind, household, member)
    if (
        request.method == "POST"
        and form.is_valid()
        and (member_form is None or member_form.is_valid())
    ):
        try:
            proposal = services.propose(
                _ctx(request),
                kind,
                form.cleaned_data["source"],
                household.village_id,
                _change_payload(kind, form, member_form),
                household=household,
                member=member,
                form_token=form.cleaned_data["form_token"],
            )
        except services.AlreadyProposed as error:
            return _already_proposed(request, error)
        except ValidationError as error:
            _change_errors_to_forms(error, form, member_form)
        else:
            _saved_message(request, proposal)
            return redirect("registration_proposal_detail", proposal_id=proposal.pk)
    return _render_change(request, kind, household, member, form, member_form)


def _render_change(
    request: HttpRequest,
    kind: str,
    household: Household,
    member: Member | None,
    form: ChangeForm,
    member_form: MemberForm | None,
    proposal: Proposal | None = None,
) -> HttpResponse:
    invalid = request.method == "POST" and (
        form.errors or (member_form is not None and member_form.errors)
    )
    return render(
        request,
        "registration/change_form.html",
        {
            "kind_label": Kind(kind).label,
            "household": household,
            "member": member,
            "region_label": regions.label(household.village_id),
            "form": form,
            "member_form": member_form,
            "proposal": proposal,
        },
        status=400 if invalid else 200,
    )


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


# --- revising a new-household proposal ------------------------------------------------------


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


# --- meetings -----------------------------------------------------------------------------


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


# --- visits -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def visit_assign(request: HttpRequest) -> HttpResponse:
    """Send final-prelist proposals to a Dinas Sosial enumerator of the regency."""
    if not policy.role_allows(request.user, policy.ASSIGN_VISIT):
        raise PermissionDenied(policy.ASSIGN_VISIT)
    search = ListSearchForm(request.GET or None)
    qs = (
        selectors.proposals_for(request.user, policy.ASSIGN_VISIT)
        .filter(status=ProposalStatus.PRELIST_FINAL)
        .select_related("village", "member")
        .order_by("village_id", "id")
    )
    if search.is_bound:
        qs = selectors.matching(qs, search.cleaned_data["q"]) if search.is_valid() else qs.none()
    paged = _paginate(request, qs)
    prelist = list(paged["page_obj"].object_list)
    regency = _regency_of(request.user)
    enumerators = list(selectors.enumerators_for(regency)) if regency else []
    form = AssignForm(request.POST or None, proposals=prelist, enumerators=enumerators)
    if request.method == "POST" and form.is_valid():
        chosen = [p for p in prelist if p.pk in set(form.cleaned_data["proposals"])]
        enumerator = next(u for u in enumerators if u.pk == form.cleaned_data["enumerator"])
        if _attempt(request, lambda: services.assign_visits(_ctx(request), chosen, enumerator)):
            messages.success(
                request,
                _("%(n)s visit(s) assigned to %(name)s.")
                % {"n": len(chosen), "name": enumerator.get_full_name() or enumerator.username},
            )
            return redirect(request.get_full_path())
    return render(
        request,
        "registration/visit_assign.html",
        {
            "form": form,
            "search": search,
            "rows": _rows(paged["page_obj"]),
            **paged,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def visit_list(request: HttpRequest) -> HttpResponse:
    """My visits: those assigned to me that wait for their result."""
    mine = selectors.visits_to_record(request.user).select_related(
        "proposal__village", "proposal__member"
    )
    paged = _paginate(request, mine.order_by("assigned_at", "id"))
    visits = list(paged["page_obj"].object_list)
    subjects = selectors.subjects([v.proposal for v in visits])
    may_import = policy.role_allows(request.user, policy.VERIFY)
    villages = (
        sorted(set(mine.values_list("proposal__village_id", flat=True))) if may_import else []
    )
    names = regions.names(villages)
    return render(
        request,
        "registration/visit_list.html",
        {
            "visits": [(v, subjects[v.proposal_id]) for v in visits],
            **paged,
            "may_import": may_import,
            "package_villages": [(code, names.get(code, code)) for code in villages],
        },
    )


@login_required
@require_GET
def xlsform(request: HttpRequest) -> HttpResponse:
    """The XLSForm of the current instrument, for ODK Collect / KoboCollect (no personal
    data in it)."""
    definition = _definition()
    response = HttpResponse(
        build_xlsform(definition),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{form_id(definition)}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def visit_record(request: HttpRequest, visit_id: int) -> HttpResponse:
    """Record a visit's result; result 1 needs the instrument's required answers."""
    visit: Visit = _get_or_404(selectors.visits_to_record(request.user), visit_id)
    definition, lang = _definition(), content_language()
    form = VisitForm(request.POST or None, request.FILES or None, definition=definition, lang=lang)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.record_visit(
                _ctx(request),
                visit,
                d["result"],
                form.answers() if d["result"] == 1 else {},
                d["visited_at"],
                d["latitude"],
                d["longitude"],
                photos=d["photos"],
            )
        except (ValidationError, transitions.TransitionRefused) as error:
            _visit_errors_to_form(error, form)
        else:
            messages.success(
                request,
                _("The visit to proposal #%(id)s was recorded.") % {"id": visit.proposal_id},
            )
            return redirect("registration_visit_list")
    proposal = visit.proposal
    return render(
        request,
        "registration/visit_form.html",
        {
            "visit": visit,
            "proposal": proposal,
            "subject": selectors.subject(proposal),
            "warnings": selectors.warnings_of(proposal),
            "people": _people(proposal),
            "form": form,
            "region_label": regions.label(proposal.village_id),
            "payload": _payload_view(proposal, definition, lang),
        },
        status=400 if form.errors else 200,
    )


def _people(proposal: Proposal) -> list[dict[str, Any]]:
    """The people a proposal brings in, NIK masked, for the enumerator to check at the door."""
    return [
        {
            "name": person.get("name", ""),
            "nik": mask_nik(str(person.get("nik") or "")) if person.get("nik") else "",
            "sex": Sex(person["sex"]).label if person.get("sex") in Sex.values else "",
            "born": _iso_date(person.get("birth_date")),
        }
        for _key, person in payloads.people(proposal.kind, proposal.payload or {})
        if isinstance(person, dict) and proposal.kind in (Kind.NEW_HOUSEHOLD, Kind.ADD_MEMBER)
    ]


def _visit_errors_to_form(error: Exception, form: VisitForm) -> None:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for key, errs in error.message_dict.items():
            field = f"q_{key}" if f"q_{key}" in form.fields else key
            form.add_error(field if field in form.fields else None, " ".join(errs))
    else:
        form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))


# --- submissions and penetapan ------------------------------------------------------------


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
