"""Operator pages: the complaint queue, one report with its actions, recording a phone or
walk-in complaint, the SP4N-LAPOR! import and the reports. Thin: parse, call, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import policy
from audit import services as audit

from . import reports, selectors, services
from .models import (
    COMPLAINT_CATEGORIES,
    Category,
    Channel,
    Incident,
    Resolution,
    Status,
    Submission,
)


def _ctx(request, reason: str = "") -> audit.Context:
    return audit.Context(actor=request.user, reason=reason)


def _submission(request, pk: int):
    sub = selectors.visible(request.user).filter(pk=pk).select_related("region").first()
    if sub is None:
        raise Http404
    return sub


def _errors(request, error: ValidationError) -> None:
    for msgs in (error.message_dict.values() if hasattr(error, "error_dict")
                 else [error.messages]):
        for m in msgs:
            messages.error(request, m)


@login_required
def queue(request):
    if not policy.role_allows(request.user, policy.VIEW_COMPLAINTS):
        raise PermissionDenied(policy.VIEW_COMPLAINTS)
    mine = request.GET.get("all") != "1"
    qs = selectors.queue(request.user, mine=mine, status=request.GET.get("status", "open"),
                         category=request.GET.get("category", ""),
                         overdue=request.GET.get("overdue") == "1")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    template = "grievance/_queue_rows.html" if request.headers.get("HX-Request") \
        else "grievance/queue.html"
    return render(request, template, {
        "page": page, "mine": mine, "categories": Category.choices,
        "statuses": Status.choices, "now": timezone.now(),
        "may_record": policy.role_allows(request.user, policy.RECORD_COMPLAINT),
        "may_import": policy.role_allows(request.user, policy.IMPORT_COMPLAINTS),
        "may_report": policy.role_allows(request.user, policy.COMPLAINT_REPORTS),
        "may_incidents": policy.role_allows(request.user, policy.MANAGE_INCIDENTS),
    })


@login_required
def detail(request, pk: int):
    sub = _submission(request, pk)
    audit.record_read(_ctx(request), sub, region_code=sub.region_id)
    user = request.user
    return render(request, "grievance/detail.html", {
        "sub": sub, "events": selectors.timeline(sub),
        "duplicates": selectors.duplicates_of(sub)[:10],
        "referrals": sub.referrals.all(),
        "may_handle": policy.can(user, policy.HANDLE_COMPLAINTS, sub.region_id),
        "may_refer": policy.can(user, policy.REFER_COMPLAINT, sub.region_id),
        "resolutions": Resolution.choices,
        "incidents": Incident.objects.filter(resolved_at__isnull=True,
                                             category=sub.category)[:10],
        "overdue": selectors.overdue_label(sub),
    })


@login_required
@require_POST
def action(request, pk: int, name: str):
    sub = _submission(request, pk)
    ctx = _ctx(request, reason=f"complaint {name}")
    post = request.POST
    try:
        if name == "start":
            services.start_handling(ctx, sub, post.get("note", ""))
        elif name == "note":
            services.add_note(ctx, sub, post.get("note", ""))
        elif name == "resolve":
            services.resolve(ctx, sub, post.get("resolution", ""), post.get("message", ""))
        elif name == "merge":
            dupes = selectors.visible(request.user).filter(pk__in=post.getlist("duplicate"))
            services.merge_duplicates(ctx, sub, dupes)
        elif name == "refer":
            services.refer_to_service(ctx, sub, post.get("service_name", ""))
        elif name == "incident":
            incident = get_object_or_404(Incident, pk=post.get("incident"))
            policy.require(request.user, policy.MANAGE_INCIDENTS, incident.region_code or None)
            services.attach_to_incident(ctx, incident, [sub])
        else:
            raise Http404
        messages.success(request, _("Saved."))
    except ValidationError as error:
        _errors(request, error)
    return redirect("grievance:detail", sub.pk)


@login_required
def record(request):
    if not policy.role_allows(request.user, policy.RECORD_COMPLAINT):
        raise PermissionDenied(policy.RECORD_COMPLAINT)
    errors: dict = {}
    data = {}
    if request.method == "POST":
        data = request.POST.dict()
        channel = data.get("channel", Channel.PHONE)
        if channel not in (Channel.PHONE, Channel.WALK_IN):
            channel = Channel.PHONE
        try:
            sub = services.record_complaint(_ctx(request, "operator complaint"),
                                            data.get("kind", "complaint"), data, channel)
            messages.success(request, _("Recorded; tracking number %(number)s.")
                             % {"number": sub.tracking_number})
            return redirect("grievance:detail", sub.pk)
        except ValidationError as error:
            errors = error.message_dict
    categories = [(c, Category(c).label) for c in COMPLAINT_CATEGORIES]
    return render(request, "grievance/record.html", {
        "errors": errors, "data": data, "categories": categories,
        "default_village": request.user.region_id if len(
            (request.user.region_id or "").split(".")) == 4 else ""})


@login_required
def lapor_import(request):
    if not policy.role_allows(request.user, policy.IMPORT_COMPLAINTS):
        raise PermissionDenied(policy.IMPORT_COMPLAINTS)
    if request.method == "POST" and request.FILES.get("file"):
        from .tasks import start_lapor_import

        job = start_lapor_import(_ctx(request, "SP4N-LAPOR! import"), request.FILES["file"])
        return redirect("jobs:detail", job.pk)
    return render(request, "grievance/import.html")


@login_required
def report(request):
    if not policy.role_allows(request.user, policy.COMPLAINT_REPORTS):
        raise PermissionDenied(policy.COMPLAINT_REPORTS)
    qs = policy.scoped(request.user, Submission.objects.all(), "region__code",
                       policy.COMPLAINT_REPORTS)
    data = reports.summary(qs)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            reports.xlsx(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = 'attachment; filename="pengaduan.xlsx"'
        return response
    return render(request, "grievance/report.html", {"data": data})


@login_required
def incidents(request):
    """Open incidents in the user's region; a new one groups the open reports of a category in
    a region (a bank outage in a kabupaten, a late stage)."""
    if not policy.role_allows(request.user, policy.MANAGE_INCIDENTS):
        raise PermissionDenied(policy.MANAGE_INCIDENTS)
    if request.method == "POST":
        try:
            incident = services.open_incident(
                _ctx(request, "incident"), request.POST.get("title", "").strip()[:200],
                request.POST.get("category", ""), request.POST.get("region_code", "").strip())
            return redirect("grievance:incident", incident.pk)
        except ValidationError as error:
            _errors(request, error)
    scope = policy.scope_prefix(request.user) or ""
    qs = Incident.objects.filter(resolved_at__isnull=True)
    if scope:
        qs = qs.filter(region_code__startswith=scope)
    return render(request, "grievance/incidents.html", {
        "incidents": qs[:100], "categories": Category.choices,
        "default_region": request.user.region_id or ""})


@login_required
def incident(request, pk: int):
    item = get_object_or_404(Incident, pk=pk)
    policy.require(request.user, policy.MANAGE_INCIDENTS, item.region_code or None)
    ctx = _ctx(request, "incident")
    if request.method == "POST":
        try:
            if request.POST.get("do") == "attach":
                n = services.attach_to_incident(ctx, item, services.incident_candidates(item))
                messages.success(request, _("%(n)s reports added to the incident.") % {"n": n})
            elif request.POST.get("do") == "resolve":
                n = services.resolve_incident(ctx, item, request.POST.get("resolution", ""),
                                              request.POST.get("message", ""))
                messages.success(request, _("%(n)s reports resolved; each complainant is told.")
                                 % {"n": n})
        except ValidationError as error:
            _errors(request, error)
        return redirect("grievance:incident", item.pk)
    return render(request, "grievance/incident.html", {
        "incident": item, "members": item.submissions.all()[:200],
        "member_count": item.submissions.count(),
        "candidates": services.incident_candidates(item).count(),
        "resolutions": Resolution.choices})
