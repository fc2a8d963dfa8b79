"""What the DTKS update flow's pages share: labels, the audit context of a request, service
refusals as messages, pagination and lookups."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy

from accounts import policy
from accounts.models import User
from audit import services as audit
from registry.instrument import member_label, shipped_definition
from registry.services import current_instrument

from .. import selectors, services, transitions
from ..models import Kind, Proposal

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


def _already_proposed(request: HttpRequest, error: services.AlreadyProposed) -> HttpResponse:
    """Nothing was saved twice: say so, and open the proposal that exists."""
    if error.same_form:
        messages.info(request, error.messages[0])
    else:
        messages.warning(request, error.messages[0])
    return redirect("registration_proposal_detail", proposal_id=error.proposal.pk)


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
