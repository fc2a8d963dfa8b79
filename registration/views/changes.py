"""Proposals about an existing household or member: add or remove a member, correct data, move or
deactivate a household."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import policy
from accounts.models import User
from base.i18n import content_language
from registry import selectors as registry
from registry.models import Household, InactiveReason, Member
from wilayah import selectors as regions

from .. import selectors, services
from ..forms import (
    NEW_KK,
    AddMemberForm,
    ChangeForm,
    CorrectionForm,
    MemberForm,
    MoveHouseholdForm,
    ReasonChangeForm,
)
from ..models import Kind, Proposal
from .common import _already_proposed, _ctx, _definition

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
