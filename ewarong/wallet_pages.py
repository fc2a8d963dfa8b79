"""The family's Sembako wallet where officers look: a block on the household page (balance and
the latest movements), the printed QR letter for card-less shopping, and the PIN desk (a new
PIN typed by the KPM, or unlocking after three wrong tries)."""

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts import policy
from audit.services import Context, record
from payments.models import Card
from registry.hooks import HouseholdBlock
from registry.models import Household

from . import access, ledger
from .access import Refused


def household_block(user, household) -> HouseholdBlock | None:
    if not policy.can(user, policy.VIEW_WALLET, household.village_id):
        return None
    wallet = ledger.wallet_of_household(household.pk)
    if wallet is None:
        return None
    cards = Card.objects.filter(account__household=household, status="distributed")
    return HouseholdBlock(str(_("Sembako balance (e-warong)")), "ewarong/_household_wallet.html", {
        "household": household, "balance": wallet.balance, "entries": ledger.movements(wallet, 10),
        "cards": cards,
        "may_print": policy.can(user, policy.ISSUE_QR, household.village_id),
        "may_manage": policy.can(user, policy.MANAGE_WALLET_ACCESS, household.village_id)})


def _household(user, pk: int, action: str) -> Household:
    household = get_object_or_404(Household, pk=pk)
    if not policy.can(user, action, household.village_id):
        raise PermissionDenied(action)
    return household


@login_required
def qr_letter(request, pk: int):
    """A printable letter whose QR code pays one purchase until the end of the month."""
    household = _household(request.user, pk, policy.ISSUE_QR)
    until = access.letter_validity()
    token = access.issue_qr(household.pk, valid_until=until)
    record(Context(actor=request.user, reason="ewarong: QR letter"), "ewarong.qr_issued",
           household, {"valid_until": [None, until.isoformat()]},
           region_code=household.village_id)
    head = household.members.order_by("relation_to_household_head", "id").first()
    return render(request, "ewarong/qr_letter.html", {
        "household": household, "head": head, "until": until,
        "qr": segno.make(token, error="m").svg_data_uri(scale=4, border=2)})


class PinForm(forms.Form):
    pin = forms.CharField(label=_("New PIN (typed by the KPM)"), min_length=6, max_length=6,
                          widget=forms.PasswordInput(attrs={"inputmode": "numeric"}))


@login_required
@require_POST
def card_pin(request, card_id: int):
    card = get_object_or_404(Card.objects.select_related("account"), pk=card_id)
    household = _household(request.user, card.account.household_id,
                           policy.MANAGE_WALLET_ACCESS)
    ctx = Context(actor=request.user, reason="ewarong: PIN desk")
    if request.POST.get("action") == "unlock":
        access.unlock(card)
        record(ctx, "ewarong.pin_unlocked", card, region_code=household.village_id)
        messages.success(request, _("The PIN is unlocked."))
    else:
        form = PinForm(request.POST)
        try:
            if not form.is_valid():
                raise Refused(_("The PIN must be 6 digits."), "pin")
            access.set_pin(card, form.cleaned_data["pin"])
        except Refused as error:
            messages.error(request, error.message)
        else:
            record(ctx, "ewarong.pin_set", card, region_code=household.village_id)
            messages.success(request, _("The new PIN is set."))
    return redirect("household_detail", household_id=household.pk)


@login_required
def credits_page(request):
    """Sembako cycles and how much of each is in the wallets; start a credit or an expiry."""
    from django.db.models import Count, Sum

    from jobs import services as jobs
    from payments.models import PaymentCycle
    from programs.models import Program

    from .credits import creditable
    from .models import BalanceRule, LedgerTransaction

    if not policy.role_allows(request.user, policy.RECONCILE):
        raise PermissionDenied(policy.RECONCILE)
    program = Program.objects.get(code="sembako")
    ctx = Context(actor=request.user, reason="ewarong: wallets")
    if request.method == "POST":
        if request.POST.get("action") == "expire":
            job = jobs.start(ctx, "ewarong_expire", {"program": program.code})
        else:
            cycle = get_object_or_404(PaymentCycle, pk=request.POST.get("cycle"),
                                      program=program)
            job = jobs.start(ctx, "ewarong_credit", {"cycle": cycle.pk})
        return redirect("jobs:detail", job.pk)
    cycles = []
    for cycle in PaymentCycle.objects.filter(program=program, in_kind=False)[:24]:
        paid = creditable(cycle).aggregate(n=Count("id"), total=Sum("amount"))
        done = LedgerTransaction.objects.filter(kind="credit", payment__cycle=cycle).count()
        cycles.append({"cycle": cycle, "paid": paid["n"], "total": paid["total"] or 0,
                       "credited": done})
    return render(request, "ewarong/credits.html", {
        "cycles": cycles, "rule": BalanceRule.objects.filter(program=program).first()})
