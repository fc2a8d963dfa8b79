"""The till at the e-warong (mobile-first): identify the KPM by KKS card and PIN or by QR code,
enter the basket, pay, print the receipt; the day's sales with refunds. Thin: parse, call
ewarong.access / ewarong.purchases, render."""

import uuid
from datetime import datetime, time

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts import policy
from audit.services import Context

from . import access, ledger
from .access import Refused
from .het import het_prices
from .models import BANNED_CATEGORIES, Commodity, MerchantStaff, Purchase
from .purchases import Line, local_day, refund, sell, zone_of

BASKET_ROWS = 6


class IdentifyForm(forms.Form):
    method = forms.ChoiceField(label=_("Identify the KPM by"), widget=forms.RadioSelect,
                               choices=[("card", _("KKS card and PIN")),
                                        ("qr", _("QR code (card-less)"))], initial="card")
    card_number = forms.CharField(label=_("KKS card number"), max_length=19, required=False,
                                  widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                                "autocomplete": "off"}))
    pin = forms.CharField(label=_("PIN (typed by the KPM)"), max_length=6, required=False,
                          widget=forms.PasswordInput(attrs={"inputmode": "numeric",
                                                            "autocomplete": "off"}))
    qr = forms.CharField(label=_("QR code (scan or type)"), max_length=400, required=False,
                         widget=forms.TextInput(attrs={"autocomplete": "off"}))
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def identify(self) -> access.Identified:
        data = self.cleaned_data
        if data["method"] == "qr":
            return access.by_qr(data["qr"])
        return access.by_card(data["card_number"], data["pin"])


def merchant_of(user):
    """The e-warong the signed-in cashier sells at (403 for anyone else)."""
    if not policy.role_allows(user, policy.SELL):
        raise PermissionDenied
    staff = MerchantStaff.objects.select_related("merchant").filter(user=user).first()
    if staff is None:
        raise PermissionDenied
    return staff.merchant


def _basket(post) -> list[Line]:
    lines = []
    for n in range(BASKET_ROWS):
        code = post.get(f"commodity_{n}", "").strip()
        quantity, price = post.get(f"quantity_{n}", "").strip(), post.get(f"price_{n}", "").strip()
        if code or quantity or price:
            lines.append(Line(code, quantity or "0", price or "0"))
    return lines


def _catalogue(merchant):
    prices = het_prices(merchant.village_code, local_day(merchant, timezone.now()))
    return [{"code": c.code, "name": c.name, "unit": c.unit, "het": prices.get(c.code),
             "banned": c.category in BANNED_CATEGORIES}
            for c in Commodity.objects.all()]


@login_required
def till(request):
    merchant = merchant_of(request.user)
    form = IdentifyForm(request.POST or None, initial={"key": uuid.uuid4().hex})
    refused, balance, rows = None, None, [{} for _ in range(BASKET_ROWS)]
    if request.method == "POST":
        rows = [{"commodity": request.POST.get(f"commodity_{n}", ""),
                 "quantity": request.POST.get(f"quantity_{n}", ""),
                 "price": request.POST.get(f"price_{n}", "")} for n in range(BASKET_ROWS)]
        if form.is_valid():
            try:
                who = form.identify()
                if request.POST.get("action") == "balance":
                    wallet = ledger.wallet_of_household(who.household_id)
                    balance = wallet.balance if wallet else 0
                else:
                    sale = sell(Context(actor=request.user), merchant, who,
                                _basket(request.POST), form.cleaned_data["key"])
                    return redirect("ewarong:receipt", sale.purchase.receipt_number)
            except Refused as error:
                refused = error
    return render(request, "ewarong/till.html", {
        "merchant": merchant, "form": form, "refused": refused, "balance": balance,
        "rows": rows, "catalogue": _catalogue(merchant), "today": _today(merchant)})


def _today(merchant):
    """The sales of the merchant's local day (the ones a refund may still undo)."""
    day = local_day(merchant, timezone.now())
    start = datetime.combine(day, time.min, tzinfo=zone_of(merchant))
    return Purchase.objects.filter(merchant=merchant, at__gte=start)[:50]


@login_required
def receipt(request, number: str):
    merchant = merchant_of(request.user)
    purchase = get_object_or_404(Purchase.objects.prefetch_related("lines__commodity"),
                                 merchant=merchant, receipt_number=number)
    return render(request, "ewarong/receipt.html", {"merchant": merchant, "purchase": purchase})


@login_required
@require_POST
def refund_purchase(request, number: str):
    merchant = merchant_of(request.user)
    purchase = Purchase.objects.filter(merchant=merchant, receipt_number=number).first()
    if purchase is None:
        raise Http404
    try:
        refund(Context(actor=request.user), purchase, request.POST.get("reason", ""))
    except Refused as error:
        return render(request, "ewarong/receipt.html", {
            "merchant": merchant, "purchase": purchase, "refused": error}, status=400)
    return redirect("ewarong:receipt", number)
