"""Region lookups for the web UI (the region picker's cascading selects)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import policy

from . import selectors
from .forms import level_of
from .models import Level


def _parent_code(request: HttpRequest) -> str | None:
    """The parent named by `?parent=`; from a picker select, the value of the select that
    triggered the request (htmx names it). None: nothing chosen, so no children."""
    if "parent" in request.GET:
        return request.GET["parent"]
    trigger = request.htmx.trigger_name if request.htmx else None
    if not trigger:
        return ""
    return request.GET.get(trigger) or None


def _int(text: str | None, default: int) -> int:
    try:
        return int(text or default)
    except ValueError:
        return default


@login_required
@require_GET
def region_children(request: HttpRequest) -> HttpResponse:
    """<option>s for the children of a region (`?parent=`; empty = provinces), only those inside
    the user's scope or on the path down to it. `?level=` names the level of the options, for
    the label of the empty choice when no parent is chosen."""
    parent = _parent_code(request)
    scope = policy.scope_prefix(request.user)
    regions = [] if parent is None or scope is None else selectors.children_within(parent, scope)
    level = level_of(parent) + 1 if parent else _int(request.GET.get("level"), Level.PROVINCE)
    level = min(max(level, Level.PROVINCE), Level.VILLAGE)
    return render(request, "wilayah/region_options.html", {
        "regions": regions, "level_label": Level(level).label,
    })
