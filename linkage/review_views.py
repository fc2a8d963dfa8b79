"""Clerical review pages: the queue of pending pairs in the reviewer's region, and one pair
side by side with its differences highlighted and the two decision buttons."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts import policy
from audit import services as audit
from registry import services as registry_services
from wilayah import selectors as regions
from wilayah.selectors import code_in_scope

from . import review_selectors as selectors
from . import review_services as services
from .models import ReviewPair

PAGE_SIZE = 50
COMPARED = (
    ("nik", gettext_lazy("NIK")),
    ("name", gettext_lazy("Name")),
    ("birth_place", gettext_lazy("Birth place")),
    ("birth_date", gettext_lazy("Birth date")),
    ("sex", gettext_lazy("Sex")),
    ("kk_number", gettext_lazy("KK number")),
    ("village", gettext_lazy("Village")),
    ("status", gettext_lazy("Status")),
)


def _ctx(request: HttpRequest, reason: str = "") -> audit.Context:
    return audit.Context(actor=request.user, reason=reason, source_ref=request.path[:100])


def _require_reviewer(request: HttpRequest) -> None:
    if not policy.role_allows(request.user, policy.REVIEW_DUPLICATES):
        raise Http404


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """Pending pairs whose two members lie in the reviewer's region, likeliest first."""
    _require_reviewer(request)
    scope = policy.scope_prefix(request.user) or ""
    region = request.GET.get("region", "").strip() or scope
    if not code_in_scope(region, scope) or (region and regions.get_region(region) is None):
        raise Http404
    pending = selectors.pending_for(request.user).filter(selectors.in_region(region))
    page = Paginator(pending.select_related("member_l", "member_r"),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "linkage/review_queue.html", {
        "page": page, "backlog": page.paginator.count,
        "decided": selectors.decided_counts(region),
        "region": region if region != scope else "",
        "region_label": regions.label(region) if region else "",
    })


@login_required
@require_http_methods(["GET", "POST"])
def review_pair(request: HttpRequest, pair_id: int) -> HttpResponse:
    """One pair side by side; POST decision=same|different records it and opens the next."""
    _require_reviewer(request)
    pair = selectors.pairs_for(request.user).select_related(
        "member_l__family", "member_r__family", "decided_by").filter(pk=pair_id).first()
    if pair is None:
        raise Http404
    if request.method == "POST":
        return _decide(request, pair)
    for member in (pair.member_l, pair.member_r):
        registry_services.open_member(_ctx(request), member)
    tz = regions.time_zone(pair.region_l)
    return render(request, "linkage/review_pair.html", {
        "pair": pair, "rows": _rows(pair), "Decision": ReviewPair.Decision,
        "tz": tz, "tz_label": regions.TIME_ZONE_LABELS.get(tz, tz),
    })


def _decide(request: HttpRequest, pair: ReviewPair) -> HttpResponse:
    choice = request.POST.get("decision")
    if choice not in ReviewPair.Decision.values:
        messages.error(request, _("Choose “Same person” or “Different people”."))
        return redirect("linkage_review_pair", pair_id=pair.pk)
    note = request.POST.get("note", "").strip()[:1000]
    try:
        services.decide(pair, choice == ReviewPair.Decision.SAME, _ctx(request, note), note)
    except services.AlreadyDecided:
        messages.warning(request, _("Another reviewer decided this pair first."))
    else:
        messages.success(request, _("Decision recorded."))
    following = selectors.next_pending(request.user, after=pair)
    if following is None:
        return redirect("linkage_review_queue")
    return redirect("linkage_review_pair", pair_id=following.pk)


def _value(member, field: str) -> str:
    if field == "kk_number":
        return member.family.kk_number
    if field == "village":
        return member.village_id
    if field == "sex":
        return member.get_sex_display()
    if field == "status":
        return member.get_status_display()
    value = getattr(member, field)
    if field == "birth_date" and value is not None:
        return date_format(value, "j M Y")
    return "" if value is None else str(value)


def _rows(pair: ReviewPair) -> list[dict]:
    """(label, left, right, differs) per compared field; villages shown with their names."""
    names = regions.names({pair.member_l.village_id, pair.member_r.village_id})
    rows = []
    for field, label in COMPARED:
        left, right = _value(pair.member_l, field), _value(pair.member_r, field)
        differs = left.strip().upper() != right.strip().upper()
        if field == "village":
            left = f"{names.get(left, '')} ({left})"
            right = f"{names.get(right, '')} ({right})"
        rows.append({"field": field, "label": label, "left": left or "—", "right": right or "—",
                     "differs": differs})
    return rows
