"""Data-quality pages: the dashboard per region (drill-down province -> kabupaten ->
kecamatan), the list of pipeline runs, and a run's page with its steps and cleansing
proposals by reason, where national officers accept (all of a reason, or record by record on
the records page), apply and revert them, each bulk step confirmed first."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import policy
from audit import services as audit
from civil.views import ExtractUploadForm
from registry.models import InactiveReason
from wilayah import selectors as regions
from wilayah.selectors import code_in_scope

from . import cleansing, dashboard, run_display
from .models import CleansingProposal, PipelineRun

RUNS_SHOWN = 50
RECORDS_PAGE = 50


def _require_viewer(request: HttpRequest) -> str:
    """The user's scope prefix; 404 for roles without the data-quality view."""
    if not policy.role_allows(request.user, policy.VIEW_DATA_QUALITY):
        raise Http404
    return policy.scope_prefix(request.user) or ""


@login_required
@require_GET
def quality_dashboard(request: HttpRequest) -> HttpResponse:
    scope = _require_viewer(request)
    region = request.GET.get("region", "").strip() or scope
    if not code_in_scope(region, scope) or (region and regions.get_region(region) is None):
        raise Http404
    if len(region.split(".")) > dashboard.DRILL_DOWN_TO:
        raise Http404
    run = dashboard.latest_run()
    figures = dashboard.region_figures(region, run)
    reasons = [{"label": label, **figures["deactivated"].get(code, {})}
               for code, label in InactiveReason.choices]
    # The breadcrumb starts at the user's own scope, not at the national level.
    path = [r for r in regions.ancestors(region) if code_in_scope(r.code, scope)] \
        if region else []
    children = dashboard.child_figures(region, run)
    return render(request, "linkage/dashboard.html", {
        "region": region, "region_label": regions.label(region) if region else "",
        "scope": scope, "path": path, "at_scope": region == scope, "run": run,
        "figures": figures, "children": children, "reasons": reasons,
        "backlog_spanning": dashboard.backlog_spanning(figures["review_backlog"], children),
        "can_review": policy.role_allows(request.user, policy.REVIEW_DUPLICATES),
        "can_rank": policy.role_allows(request.user, policy.VIEW_PMT_MODELS),
    })


@login_required
@require_GET
def run_list(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    runs = PipelineRun.objects.select_related("snapshot").prefetch_related("steps")
    return render(request, "linkage/run_list.html", {
        "runs": runs[:RUNS_SHOWN],
        "can_cleanse": policy.role_allows(request.user, policy.CLEANSE),
        "can_review": policy.role_allows(request.user, policy.REVIEW_DUPLICATES),
        "latest": dashboard.latest_run(),
        "start_form": _start_form(request.user),
        "extract_form": ExtractUploadForm(),
    })


def _start_form(user):
    from .run_views import PipelineStartForm

    return PipelineStartForm() if policy.role_allows(user, policy.RUN_PIPELINE) else None


@login_required
@require_GET
def run_detail(request: HttpRequest, name: str) -> HttpResponse:
    _require_viewer(request)
    run = get_object_or_404(PipelineRun.objects.select_related("snapshot"), name=name)
    can_cleanse = policy.role_allows(request.user, policy.CLEANSE)
    newer = cleansing.superseded_by(run)
    return render(request, "linkage/run_detail.html", {
        "run": run, "steps": run_display.steps_for_display(run.steps.all()),
        "proposals": _proposal_table(cleansing.summary(request.user, run)),
        "can_cleanse": can_cleanse, "superseded_by": newer,
        # Only the latest finished run's proposals may be accepted and applied; reverting
        # what an older run applied stays possible.
        "can_decide": _may_decide(request.user, run),
        "can_review": policy.role_allows(request.user, policy.REVIEW_DUPLICATES),
    })


@login_required
@require_GET
def run_apply_confirm(request: HttpRequest, name: str) -> HttpResponse:
    """What applying the accepted proposals would deactivate, before it is done."""
    if not policy.role_allows(request.user, policy.CLEANSE):
        raise PermissionDenied
    run = get_object_or_404(PipelineRun.objects.select_related("snapshot"), name=name)
    if cleansing.superseded_by(run) is not None:
        return redirect("linkage_run_detail", name=run.name)
    return render(request, "linkage/run_apply_confirm.html", {
        "run": run, "pending": cleansing.pending_application(request.user, run),
    })


@login_required
@require_GET
def run_records(request: HttpRequest, name: str) -> HttpResponse:
    """The individual records of one kind and reason of a run's proposals (the user's
    scope), to check before accepting them."""
    _require_viewer(request)
    run = get_object_or_404(PipelineRun, name=name)
    kind, reason = request.GET.get("kind", ""), request.GET.get("reason", "")
    if kind not in CleansingProposal.Kind.values or reason not in InactiveReason.values:
        raise Http404
    page = Paginator(cleansing.records_of(request.user, run, kind, reason),
                     RECORDS_PAGE).get_page(request.GET.get("page"))
    proposals = list(page.object_list)
    villages = regions.names({p.region_code for p in proposals})
    names = cleansing.names_of(request.user, proposals)
    return render(request, "linkage/run_records.html", {
        "run": run, "page": page, "kind": kind, "reason": reason,
        "kind_label": dict(CleansingProposal.Kind.choices)[kind],
        "reason_label": dict(InactiveReason.choices)[reason],
        "rows": [{"proposal": p, "village": villages.get(p.region_code, ""),
                  "name": names.get((p.kind, p.record_id), ""),
                  "kept_name": names.get(("member", int(p.evidence.get("kept_member_id") or 0)),
                                         "")}
                 for p in proposals],
        "can_decide": _may_decide(request.user, run),
        "here": request.get_full_path(),
    })


def _may_decide(user, run: PipelineRun) -> bool:
    """Only the latest finished run's proposals may be accepted or rejected (and applied)."""
    return (policy.role_allows(user, policy.CLEANSE) and cleansing.superseded_by(run) is None
            and run.state == PipelineRun.State.DONE)


@login_required
@require_GET
def run_revert_confirm(request: HttpRequest, name: str) -> HttpResponse:
    """What reverting the run's applied proposals would restore, before it is done."""
    if not policy.role_allows(request.user, policy.CLEANSE):
        raise PermissionDenied
    run = get_object_or_404(PipelineRun.objects.select_related("snapshot"), name=name)
    return render(request, "linkage/run_revert_confirm.html", {
        "run": run, "pending": cleansing.pending_revert(request.user, run),
    })


def _proposal_table(rows: list[dict]) -> list[dict]:
    """One row per (kind, reason) with a count per state."""
    table: dict[tuple[str, str], dict] = {}
    labels_kind = dict(CleansingProposal.Kind.choices)
    labels_reason = dict(InactiveReason.choices)
    for row in rows:
        key = (row["kind"], row["reason"])
        entry = table.setdefault(key, {
            "kind": row["kind"], "kind_label": labels_kind[row["kind"]],
            "reason": row["reason"], "reason_label": labels_reason[row["reason"]],
            "total": 0, **{s: 0 for s in CleansingProposal.State.values}})
        entry[row["state"]] += row["n"]
        entry["total"] += row["n"]
    return list(table.values())


@login_required
@require_POST
def run_cleanse(request: HttpRequest, name: str) -> HttpResponse:
    """action=accept|reject (optionally reason=, kind=), apply, revert."""
    if not policy.role_allows(request.user, policy.CLEANSE):
        raise PermissionDenied
    run = get_object_or_404(PipelineRun, name=name)
    action = request.POST.get("action")
    reason = request.POST.get("reason") or None
    kind = request.POST.get("kind") or None
    if reason and reason not in InactiveReason.values or \
            kind and kind not in CleansingProposal.Kind.values:
        raise Http404
    ctx = audit.Context(actor=request.user, reason=request.POST.get("note", "").strip()[:500])
    action, ids = _chosen(request, action)
    try:
        return _cleanse(request, run, action, reason, kind, ctx, ids)
    except cleansing.CleansingError:
        newer = cleansing.superseded_by(run)
        messages.error(request, _("Run %(run)s is superseded by run %(newer)s: only the latest "
                                  "run's proposals can be accepted or applied.") % {
            "run": run.name, "newer": newer.name if newer else "—"})
        return redirect("linkage_run_detail", name=run.name)


def _chosen(request: HttpRequest, action: str | None) -> tuple[str | None, list[int] | None]:
    """(action, proposal ids): one proposal's own button (accept_one / reject_one = its id),
    the ticked ones (ids=, with action=accept|reject), or None for all of a kind/reason."""
    for one in ("accept", "reject"):
        value = request.POST.get(f"{one}_one", "")
        if value:
            if not value.isdigit():
                raise Http404
            return one, [int(value)]
    if request.POST.get("selection"):
        ids = request.POST.getlist("ids")
        if not all(i.isdigit() for i in ids):
            raise Http404
        return action, [int(i) for i in ids]
    return action, None


def _back(request: HttpRequest, run: PipelineRun) -> HttpResponse:
    """To the page the decision was taken on (the run's records), else the run page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("linkage_run_detail", name=run.name)


def _cleanse(request, run, action, reason, kind, ctx, ids=None) -> HttpResponse:
    if action in ("accept", "reject"):
        if ids == []:
            messages.warning(request, _("Tick the proposals to decide first."))
            return _back(request, run)
        n = cleansing.decide(ctx, run, accept=action == "accept",
                             reasons=[reason] if reason else None, kind=kind, ids=ids)
        messages.success(request, (_("%(n)d proposals accepted.") if action == "accept"
                                   else _("%(n)d proposals rejected.")) % {"n": n})
        return _back(request, run)
    elif action == "apply":
        result = cleansing.apply(ctx, run)
        messages.success(request, _(
            "Deactivated %(members)d members and %(households)d households "
            "(%(followers)d members with their household); %(skipped)d records had changed "
            "since the snapshot and were left alone.") % {
                "members": result["members"], "households": result["households"],
                "followers": result["members_with_household"], "skipped": result["skipped"]})
    elif action == "revert":
        result = cleansing.revert(ctx, run)
        messages.success(request, _(
            "Restored %(members)d members and %(households)d households; %(unchanged)d "
            "records had changed since and were left alone.") % {
                "members": result["members"] + result["members_with_household"],
                "households": result["households"], "unchanged": result["unchanged"]})
    else:
        raise Http404
    return redirect("linkage_run_detail", name=run.name)
