"""Payment pages: cycles (stages, approvals, SPM/SP2D, files), reconciliation with totals per
channel and region and the discrepancies, budget realisation and saldo mengendap. Thin: parse,
call the services, render; long work answers at once with the job page."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import include, path
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import policy
from audit import services as audit
from jobs.files import output_file
from programs.models import EligibilityRun, Program

from . import budget, cycles, exports, returns, selectors, tasks
from .errors import PaymentError
from .models import DisbursementBatch, PaymentChannel, PaymentCycle, ResponseImport


def _ctx(request, reason: str = "") -> audit.Context:
    return audit.Context(actor=request.user, reason=reason)


def _error(request, error: PaymentError) -> None:
    messages.error(request, error.message(get_language() or "id"))


def _cycle(request, pk: int) -> PaymentCycle:
    return get_object_or_404(selectors.cycles_for(request.user), pk=pk)


@login_required
def cycle_list(request):
    if not policy.role_allows(request.user, policy.VIEW_PAYMENTS):
        raise PermissionDenied
    paid = PaymentCycle.objects.exclude(status="cancelled").values("run_id")
    runs = (EligibilityRun.objects.filter(state="frozen").exclude(pk__in=paid)
            .select_related("program").order_by("-frozen_at")[:50])
    return render(request, "payments/cycle_list.html", {
        "cycles": selectors.cycles_for(request.user)[:200], "runs": runs,
        "may_prepare": policy.role_allows(request.user, policy.PREPARE_PAYMENT)})


@login_required
@require_POST
def cycle_prepare(request):
    run = get_object_or_404(EligibilityRun, pk=request.POST.get("run"), state="frozen")
    try:
        cycle = cycles.prepare(_ctx(request, "prepare cycle"), run)
    except PaymentError as error:
        _error(request, error)
        return redirect("payments:cycle_list")
    return redirect("payments:cycle_detail", cycle.pk)


@login_required
def cycle_detail(request, pk: int):
    cycle = _cycle(request, pk)
    payments = selectors.payments_for(request.user, cycle)
    user = request.user
    return render(request, "payments/cycle_detail.html", {
        "cycle": cycle, "approvals": cycle.approvals.select_related("by"),
        "sp2d": selectors.sp2d_check(cycle),
        "batches": cycle.batches.select_related("channel", "job").prefetch_related("responses"),
        "by_channel": selectors.attempt_totals(payments),
        "by_region": selectors.attempt_totals(payments, by="region"),
        "by_status": selectors.payment_totals(payments),
        "discrepancies": selectors.discrepancies(payments),
        "channels": PaymentChannel.objects.all(),
        "kinds": ResponseImport.Kind.choices,
        "may_approve": policy.role_allows(user, policy.APPROVE_PAYMENT)
        and cycle.prepared_by_id != user.pk and cycle.status == "prepared",
        "may_disburse": policy.role_allows(user, policy.DISBURSE),
        "may_reconcile": policy.role_allows(user, policy.RECONCILE)})


@login_required
@require_POST
def cycle_action(request, pk: int, action: str):
    cycle = _cycle(request, pk)
    ctx = _ctx(request, request.POST.get("note", ""))
    post = request.POST
    try:
        if action == "approve":
            cycles.approve(ctx, cycle)
        elif action == "spm":
            cycles.record_spm(ctx, cycle, post["number"], date.fromisoformat(post["date"]),
                              int(post["amount"]))
        elif action == "sp2d":
            channel = get_object_or_404(PaymentChannel, pk=post.get("channel"))
            cycles.record_sp2d(ctx, cycle, channel, post["number"],
                               date.fromisoformat(post["date"]), int(post["amount"]))
        elif action == "generate":
            channel = get_object_or_404(PaymentChannel, pk=post.get("channel"))
            job = tasks.start_disbursement(ctx, cycle, channel)
            return redirect("jobs:detail", job.pk)
        elif action == "repay":
            ids = [int(x) for x in post.getlist("payment") if x.isdigit()]
            returns.mark_for_repayment(ctx, cycle, ids)
        elif action == "return":
            channel = PaymentChannel.objects.filter(pk=post.get("channel")).first()
            returns.record_return(ctx, cycle, channel, date.fromisoformat(post["date"]),
                                  post["reference"], int(post["amount"]))
        else:
            raise Http404
    except PaymentError as error:
        _error(request, error)
    except (KeyError, ValueError):
        messages.error(request, _("Fill in every field with a valid value."))
    return redirect("payments:cycle_detail", cycle.pk)


@login_required
@require_POST
def response_upload(request, pk: int):
    batch = get_object_or_404(DisbursementBatch, pk=pk, cycle__in=selectors.cycles_for(
        request.user))
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file."))
        return redirect("payments:cycle_detail", batch.cycle_id)
    kind = request.POST.get("kind", ResponseImport.Kind.CREDIT)
    if kind not in ResponseImport.Kind.values:
        raise Http404
    job = tasks.start_response_import(_ctx(request, "response import"), batch, upload, kind,
                                      request.POST.get("sha256", "").strip())
    return redirect("jobs:detail", job.pk)


@login_required
def batch_download(request, pk: int, what: str):
    """A disbursement file or its manifest; who took it is an audit event."""
    batch = get_object_or_404(DisbursementBatch, pk=pk, cycle__in=selectors.cycles_for(
        request.user))
    if not policy.role_allows(request.user, policy.DISBURSE) or batch.job is None:
        raise PermissionDenied
    names = batch.job.output.get("files", [])
    name = names[0] if what == "file" else names[1] if len(names) > 1 else ""
    found = output_file(batch.job, name) if name else None
    if found is None:
        raise Http404
    audit.record(_ctx(request), "payments.batch.download", batch, {"file": name})
    return FileResponse(open(found, "rb"), as_attachment=True, filename=name)


@login_required
def reconciliation_xlsx(request, pk: int):
    cycle = _cycle(request, pk)
    payments = selectors.payments_for(request.user, cycle)
    body = exports.reconciliation_xlsx(cycle, payments)
    audit.record(_ctx(request), "payments.reconciliation.export", cycle, {})
    response = HttpResponse(body, content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = f'attachment; filename="rekonsiliasi-{cycle.pk}.xlsx"'
    return response


@login_required
def budget_page(request):
    if not policy.role_allows(request.user, policy.VIEW_PAYMENTS):
        raise PermissionDenied
    programs = Program.objects.order_by("code")
    code = request.GET.get("program") or (programs.first().code if programs else "")
    year = int(request.GET.get("year") or date.today().year)
    program = programs.filter(code=code).first()
    scope = policy.scope_prefix(request.user) or ""
    rows = budget.realisation(program, year, scope=scope) if program else []
    return render(request, "payments/budget.html", {
        "programs": programs, "program": program, "year": year, "rows": rows,
        "ceilings": budget.ceilings(program, year) if program else {}})


@login_required
def saldo_page(request):
    if not policy.role_allows(request.user, policy.VIEW_PAYMENTS):
        raise PermissionDenied
    scope = policy.scope_prefix(request.user) or ""
    return render(request, "payments/saldo.html", {
        "rows": returns.saldo_mengendap(scope=scope, region_length=min(len(scope) + 3, 13)
                                        if scope else 2)})


app_name = "payments"
urlpatterns = [
    path("", cycle_list, name="cycle_list"),
    path("siapkan/", cycle_prepare, name="cycle_prepare"),
    path("siklus/<int:pk>/", cycle_detail, name="cycle_detail"),
    path("siklus/<int:pk>/rekonsiliasi.xlsx", reconciliation_xlsx, name="reconciliation_xlsx"),
    # Accounts and cards, burekol, in-kind deliveries, drill-down (before cycle_action)
    path("", include("payments.urls_kpm")),
    path("siklus/<int:pk>/<slug:action>/", cycle_action, name="cycle_action"),
    path("batch/<int:pk>/unduh/<slug:what>/", batch_download, name="batch_download"),
    path("batch/<int:pk>/jawaban/", response_upload, name="response_upload"),
    path("anggaran/", budget_page, name="budget"),
    path("saldo-mengendap/", saldo_page, name="saldo"),
    # PT Pos counter, invitations, verification (payments/urls_pos.py)
    path("", include("payments.urls_pos")),
]
