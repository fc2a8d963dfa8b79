"""Pages for the KPM side of payments: accounts (KKS) and cards with their history and the card
status form, collective account opening (burekol) per bank, in-kind deliveries with proof, and
the reconciliation drill-down from the nation to a village. Thin: parse, call the services,
render; every read is scoped to the user's region through accounts.policy."""

import uuid
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import policy
from audit import services as audit
from wilayah import selectors as regions

from . import in_kind, kks, selectors, tasks_kks
from .errors import PaymentError
from .models import (
    BurekolRequest,
    Card,
    CardStatus,
    InKindDelivery,
    KpmAccount,
    NotDistributed,
    Payment,
    PaymentChannel,
    PaymentCycle,
    PaymentStatus,
)

# Region code lengths of the levels: province 32, kabupaten 32.01, kecamatan 32.01.01,
# village 32.01.01.1001.
LEVEL_LENGTHS = [2, 5, 8, 13]


def _ctx(request, reason: str = "") -> audit.Context:
    return audit.Context(actor=request.user, reason=reason)


def _error(request, error: PaymentError) -> None:
    messages.error(request, error.message(get_language() or "id"))
    for p in error.problems[:50]:
        messages.error(request, _("Line %(line)s, field %(field)s: %(text)s") % {
            "line": p.line, "field": p.field,
            "text": p.en if (get_language() or "id") == "en" else p.id})


def _require_view(request) -> str:
    if not policy.role_allows(request.user, policy.VIEW_PAYMENTS):
        raise PermissionDenied
    return policy.scope_prefix(request.user) or ""


def _recipient(household_field: str = "household_id"):
    """The name on the household's latest payment (the recipient snapshot)."""
    return Subquery(Payment.objects.filter(household_id=OuterRef(household_field)).order_by(
        "-id").values("recipient_name")[:1])


# --- Accounts and cards -------------------------------------------------------------------

@login_required
def account_list(request):
    _require_view(request)
    accounts = policy.scoped(request.user, KpmAccount.objects.all(), "village_code",
                             policy.VIEW_PAYMENTS).select_related("channel").annotate(
        recipient=_recipient()).prefetch_related("cards").order_by("village_code", "id")
    channel, status, q = (request.GET.get(k, "").strip() for k in ("channel", "status", "q"))
    if channel:
        accounts = accounts.filter(channel_id=channel)
    if status in KpmAccount.Status.values:
        accounts = accounts.filter(status=status)
    if q:
        accounts = accounts.filter(Q(account_number=q) | Q(cards__card_number=q) | Q(
            household_id__in=Payment.objects.filter(Q(nik=q) | Q(
                recipient_name__icontains=q)).values("household_id"))).distinct()
    page = Paginator(accounts, 50).get_page(request.GET.get("page"))
    return render(request, "payments/kpm/account_list.html", {
        "page": page, "channels": PaymentChannel.objects.all(),
        "statuses": KpmAccount.Status.choices, "filters": {"channel": channel, "status": status,
                                                           "q": q}})


def _household_in_scope(request, household_id: int) -> tuple[list, list]:
    accounts = list(policy.scoped(request.user, KpmAccount.objects.filter(
        household_id=household_id), "village_code", policy.VIEW_PAYMENTS).select_related(
        "channel", "burekol").prefetch_related("cards__events__by").order_by("-id"))
    payments = list(policy.scoped(request.user, Payment.objects.filter(
        household_id=household_id), "village_code", policy.VIEW_PAYMENTS).select_related(
        "cycle__program", "channel").order_by("-cycle_id"))
    if not accounts and not payments:
        raise Http404
    return accounts, payments


@login_required
def account_detail(request, household_id: int):
    _require_view(request)
    accounts, payments = _household_in_scope(request, household_id)
    village = (accounts or payments)[0].village_code
    return render(request, "payments/kpm/account_detail.html", {
        "household_id": household_id, "accounts": accounts, "payments": payments,
        "village": village, "region_label": regions.label(village),
        "recipient": payments[0].recipient_name if payments else "",
        "statuses": CardStatus.choices, "reasons": NotDistributed.choices,
        "may_manage": policy.can(request.user, policy.MANAGE_ACCOUNTS_KKS, village)})


@login_required
@require_POST
def card_status(request, pk: int):
    card = get_object_or_404(Card.objects.select_related("account"), pk=pk)
    if not policy.can(request.user, policy.MANAGE_ACCOUNTS_KKS, card.account.village_code):
        raise PermissionDenied
    status, reason = request.POST.get("status", ""), request.POST.get("reason", "")
    if status not in CardStatus.values:
        messages.error(request, _("Choose a card status."))
    else:
        try:
            kks.set_card_status(_ctx(request, request.POST.get("note", "")), card, status,
                                reason)
            messages.success(request, _("Card status recorded."))
        except PaymentError as error:
            _error(request, error)
    return redirect("payments:account_detail", card.account.household_id)


# --- Burekol ------------------------------------------------------------------------------

def _require_burekol(request) -> None:
    # A request file goes to a bank for the whole country: national officers only.
    if not policy.role_allows(request.user, policy.MANAGE_ACCOUNTS_KKS) or policy.scope_prefix(
            request.user) != "":
        raise PermissionDenied


def burekol_dir() -> Path:
    return Path(settings.VAR_DIR) / "payments" / "burekol"


@login_required
def burekol_list(request):
    _require_burekol(request)
    open_cycles = list(PaymentCycle.objects.filter(in_kind=False).exclude(
        status__in=["cancelled", "closed"]).select_related("program")[:50])
    in_use = KpmAccount.objects.exclude(status=KpmAccount.Status.CLOSED).values("household_id")
    waiting = (Payment.objects.filter(cycle__in=[c.pk for c in open_cycles],
                                      channel__kind=PaymentChannel.Kind.BANK)
               .exclude(household_id__in=in_use).values("cycle_id", "channel_id")
               .annotate(n=Count("household_id", distinct=True)).order_by("cycle_id",
                                                                           "channel_id"))
    names = {c.pk: c for c in open_cycles}
    return render(request, "payments/kpm/burekol.html", {
        "requests": BurekolRequest.objects.select_related("channel", "created_by")[:100],
        "cycles": open_cycles,
        "without_account": [{"cycle": names[w["cycle_id"]], "channel": w["channel_id"],
                             "n": w["n"]} for w in waiting],
        "channels": PaymentChannel.objects.filter(kind=PaymentChannel.Kind.BANK)})


@login_required
@require_POST
def burekol_create(request):
    _require_burekol(request)
    cycle = get_object_or_404(PaymentCycle, pk=request.POST.get("cycle"))
    channel = get_object_or_404(PaymentChannel, pk=request.POST.get("channel"),
                                kind=PaymentChannel.Kind.BANK)
    folder = burekol_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"burekol-{channel.code}-c{cycle.pk}-{uuid.uuid4().hex[:8]}.txt"
    try:
        made = kks.request_accounts(_ctx(request, "burekol request"), cycle, channel, path)
    except PaymentError as error:
        _error(request, error)
        return redirect("payments:burekol")
    if made is None:
        messages.info(request, _("Every KPM of this channel already has an account."))
    else:
        messages.success(request, _("Request file %(code)s with %(n)s KPM made.") % {
            "code": kks.burekol_code(made), "n": made.rows})
    return redirect("payments:burekol")


@login_required
def burekol_download(request, pk: int):
    _require_burekol(request)
    found = get_object_or_404(BurekolRequest, pk=pk)
    path = burekol_dir() / found.file_name
    if not found.file_name or not path.is_file():
        raise Http404
    audit.record(_ctx(request), "payments.burekol.download", found, {"file": found.file_name})
    return FileResponse(open(path, "rb"), as_attachment=True, filename=found.file_name)


@login_required
@require_POST
def burekol_answer(request, pk: int):
    """The bank's answer, checked whole in a job: refused with every line and field on the job
    page, nothing written; the same answer twice changes nothing."""
    _require_burekol(request)
    found = get_object_or_404(BurekolRequest.objects.select_related("channel"), pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file."))
        return redirect("payments:burekol")
    job = tasks_kks.start_burekol_answer(_ctx(request, "burekol answer"), found, upload)
    return redirect("jobs:detail", job.pk)


# --- In-kind deliveries -------------------------------------------------------------------

def _in_kind_cycle(request, pk: int) -> PaymentCycle:
    return get_object_or_404(selectors.cycles_for(request.user), pk=pk, in_kind=True)


@login_required
def delivery_list(request, pk: int):
    cycle = _in_kind_cycle(request, pk)
    payments = selectors.payments_for(request.user, cycle).select_related(
        "delivery").order_by("village_code", "id")
    q = request.GET.get("q", "").strip()
    if q:
        payments = payments.filter(Q(nik=q) | Q(recipient_name__icontains=q))
    waiting = request.GET.get("waiting") == "1"
    if waiting:
        payments = payments.filter(status=PaymentStatus.PENDING)
    return render(request, "payments/kpm/deliveries.html", {
        "cycle": cycle, "page": Paginator(payments, 50).get_page(request.GET.get("page")),
        "totals": selectors.payment_totals(selectors.payments_for(request.user, cycle)),
        "q": q, "waiting": waiting, "today": date.today().isoformat(),
        "may_record": policy.role_allows(request.user, policy.DISBURSE)
        and cycle.status in in_kind.OPEN_CYCLE})


@login_required
@require_POST
def delivery_record(request, pk: int, payment: int):
    cycle = _in_kind_cycle(request, pk)
    found = get_object_or_404(selectors.payments_for(request.user, cycle).select_related(
        "cycle"), pk=payment)
    upload = request.FILES.get("proof")
    try:
        if upload is None:
            raise ValueError
        delivered_on = date.fromisoformat(request.POST.get("delivered_on", ""))
        in_kind.record_delivery(
            _ctx(request, "in-kind delivery"), found, delivered_on=delivered_on,
            delivered_by=request.POST.get("delivered_by", ""),
            received_by=request.POST.get("received_by", ""),
            proof=in_kind.Proof(upload.name, upload.read()))
        messages.success(request, _("Delivery to %(name)s recorded.") % {
            "name": found.recipient_name})
    except PaymentError as error:
        _error(request, error)
    except ValueError:
        messages.error(request, _("Fill in every field with a valid value."))
    return redirect("payments:deliveries", cycle.pk)


@login_required
def delivery_proof(request, pk: int):
    """The proof of a delivery (audited, like every file taken out)."""
    found = get_object_or_404(InKindDelivery.objects.select_related("payment"), pk=pk)
    if not policy.can(request.user, policy.VIEW_PAYMENTS, found.payment.village_code):
        raise PermissionDenied
    path = in_kind.proof_path(found)
    if not path.is_file():
        raise Http404
    audit.record(_ctx(request), "payments.in_kind.proof_download", found.payment,
                 {"file": found.proof_file})
    return FileResponse(open(path, "rb"), as_attachment=True, filename=found.proof_name)


# --- Reconciliation drill-down ------------------------------------------------------------

def next_length(prefix: str) -> int | None:
    """The code length of the level below `prefix` ('' = nation → provinces); None at a
    village."""
    deeper = [n for n in LEVEL_LENGTHS if n > len(prefix)]
    return deeper[0] if deeper else None


def drill(user, cycle: PaymentCycle, prefix: str) -> dict:
    """Totals of `prefix` (the sum of its children), one row per child region and the
    discrepancies inside it."""
    payments = selectors.payments_for(user, cycle).filter(
        regions.within_scope(prefix, "village_code"))
    length = next_length(prefix)
    rows = selectors.attempt_totals(payments, by="region", region_length=length) if length \
        else []
    total = selectors.Totals(prefix)
    for r in rows or selectors.attempt_totals(payments, by="region",
                                              region_length=len(prefix) or 2):
        for f in ("sent", "credited", "failed", "pending", "sent_count", "credited_count",
                  "failed_count", "pending_count"):
            setattr(total, f, getattr(total, f) + getattr(r, f))
    names = regions.names({r.key for r in rows})
    for r in rows:
        r.name = names.get(r.key, "")
    return {"payments": payments, "rows": rows, "total": total,
            "by_status": selectors.payment_totals(payments),
            "discrepancies": selectors.discrepancies(payments)}


@login_required
def reconciliation_drill(request, pk: int):
    cycle = get_object_or_404(selectors.cycles_for(request.user), pk=pk)
    scope = policy.scope_prefix(request.user) or ""
    prefix = request.GET.get("r", "").strip()
    if not prefix or not regions.code_in_scope(prefix, scope):
        prefix = scope if not prefix or regions.code_in_scope(scope, prefix) else None
        if prefix is None:
            raise PermissionDenied
    if prefix and len(prefix) not in LEVEL_LENGTHS:
        raise Http404
    found = drill(request.user, cycle, prefix)
    crumbs = [r for r in regions.ancestors(prefix) if regions.code_in_scope(r.code, scope)
              ] if prefix else []
    return render(request, "payments/kpm/drill.html", {
        "cycle": cycle, "prefix": prefix, "crumbs": crumbs, "deeper": next_length(prefix),
        "national": scope == "", "region_label": regions.label(prefix) if prefix else "",
        **found})
