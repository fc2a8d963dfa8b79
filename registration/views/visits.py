"""Verification visits: assigning them, the visitor's list, the XLSForm, recording a visit."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import policy
from base.i18n import content_language
from registry.identity import mask_nik
from registry.models import Sex
from wilayah import selectors as regions

from .. import payloads, selectors, services, transitions
from ..forms import AssignForm, ListSearchForm, VisitForm
from ..models import Kind, Proposal, ProposalStatus, Visit
from ..offline.xlsform import build_xlsform, form_id
from .common import (
    _attempt,
    _ctx,
    _definition,
    _get_or_404,
    _iso_date,
    _paginate,
    _payload_view,
    _regency_of,
    _rows,
)


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
