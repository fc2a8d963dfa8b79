"""The audit-log page: the append-only event log for auditors and national officers, filtered
and paginated, within the reader's region (accounts.policy). Read-only; each page read is an
event itself (audit.services.record_log_read)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import policy
from wilayah import selectors as regions

from . import selectors, services
from .forms import EventFilterForm, object_types
from .models import Event

PAGE_SIZE = 50


def _rows(events: list[Event]) -> list[dict]:
    names = regions.names({e.region_code for e in events if e.region_code})
    return [
        {"event": e, "region": names.get(e.region_code, ""), "changes": _changes(e.changes)}
        for e in events
    ]


def _changes(changes: dict) -> list[dict]:
    """{field: [before, after]} as rows; other recorded values (counts, filters) as they are."""
    rows = []
    for field, value in (changes or {}).items():
        pair = isinstance(value, list) and len(value) == 2
        rows.append(
            {
                "field": field,
                "pair": pair,
                "before": value[0] if pair else None,
                "after": value[1] if pair else value,
            }
        )
    return rows


def _query(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return "?" + params.urlencode()


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    if not policy.role_allows(request.user, policy.VIEW_AUDIT_LOG):
        raise PermissionDenied
    scope = policy.scope_prefix(request.user) or ""
    form = EventFilterForm(request.GET or None, scope=scope)
    valid = form.is_valid() if form.is_bound else True
    found = form.filters() if form.is_bound and valid else selectors.EventFilter()
    qs = selectors.search(request.user, found) if valid else Event.objects.none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    events = list(page.object_list)
    if events:
        ctx = services.Context(actor=request.user, source_ref=request.path[:100])
        services.record_log_read(
            ctx, found.as_record(), [e.pk for e in events], region_code=found.region or scope
        )
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "rows": _rows(events),
            "page": page,
            "object_types": object_types(),
            "scope_label": regions.label(scope) if scope else "",
            "prev_query": _query(request, page.previous_page_number())
            if page.has_previous()
            else "",
            "next_query": _query(request, page.next_page_number()) if page.has_next() else "",
        },
        status=200 if valid else 400,
    )
