"""E-warong pages for officers (list, registration, detail with history and sanctions, staff
accounts) and the public list of active e-warong per village (no login). Thin: parse, call
ewarong.merchants, render."""

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import policy
from audit import services as audit
from payments.models import PaymentChannel
from wilayah.forms import RegionField
from wilayah.models import Level
from wilayah.selectors import ancestors, children, get_region

from . import hooks, merchants
from .merchants import MerchantRefused
from .models import Merchant, MerchantEventKind, MerchantStatus


def _ctx(request, reason: str = "") -> audit.Context:
    return audit.Context(actor=request.user, reason=reason)


class RegistrationForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("shop name"), max_length=120)
    owner_name = forms.CharField(label=gettext_lazy("owner"), max_length=100)
    phone = forms.CharField(label=gettext_lazy("phone"), max_length=20, required=False)
    village_code = RegionField(label=gettext_lazy("village"), min_level=Level.VILLAGE)
    address = forms.CharField(label=gettext_lazy("address"), max_length=200)
    channel = forms.ChoiceField(label=gettext_lazy("paying bank"))
    terminal_id = forms.CharField(label=gettext_lazy("EDC terminal id"), max_length=32,
                                  required=False)
    qris_id = forms.CharField(label=gettext_lazy("QRIS id"), max_length=64, required=False)
    opening_hours = forms.CharField(label=gettext_lazy("opening hours"), max_length=80,
                                    required=False,
                                    help_text=gettext_lazy("e.g. Mon-Sat 07.00-17.00"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village_code"].set_scope(policy.scope_prefix(user))
        self.fields["channel"].choices = list(PaymentChannel.objects.filter(
            kind=PaymentChannel.Kind.BANK).values_list("code", "name"))


@login_required
def merchant_list(request):
    if not policy.role_allows(request.user, policy.VIEW_EWARONG):
        raise PermissionDenied
    rows = merchants.merchants_for(request.user)
    status = request.GET.get("status", "")
    if status in MerchantStatus.values:
        rows = rows.filter(status=status)
    return render(request, "ewarong/merchants_list.html", {
        "merchants": rows[:500], "statuses": MerchantStatus.choices, "status": status,
        "may_register": policy.role_allows(request.user, policy.REGISTER_EWARONG),
        "may_het": policy.role_allows(request.user, policy.MANAGE_HET)})


@login_required
def merchant_register(request):
    if not policy.role_allows(request.user, policy.REGISTER_EWARONG):
        raise PermissionDenied
    form = RegistrationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            merchant = merchants.register(_ctx(request, "registration"),
                                          merchants.Registration(**form.cleaned_data))
        except MerchantRefused as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The e-warong was registered; it waits for the "
                                        "Dinas Sosial's approval."))
            return redirect("ewarong:merchant_detail", merchant.pk)
    return render(request, "ewarong/merchants_register.html", {"form": form})


def _merchant(request, pk: int) -> Merchant:
    return get_object_or_404(merchants.merchants_for(request.user), pk=pk)


@login_required
def merchant_detail(request, pk: int):
    merchant = _merchant(request, pk)
    user = request.user
    may_decide = policy.can(user, policy.APPROVE_EWARONG, merchant.village_code)
    actions = [(kind, label) for kind, label in MerchantEventKind.choices
               if kind in merchants.TRANSITIONS and merchant.status in
               merchants.TRANSITIONS[kind].from_statuses] if may_decide else []
    return render(request, "ewarong/merchants_detail.html", {
        "merchant": merchant, "events": merchants.history(merchant),
        "staff": merchant.staff.select_related("user").order_by("user__username"),
        "actions": actions, "refusal": merchants.can_sell(merchant),
        "suspended_until": merchants.suspension_until(merchant)
        if merchant.status == MerchantStatus.SUSPENDED else None,
        "may_staff": merchants.may_manage_staff(user, merchant),
        "blocks": hooks.merchant_blocks(user, merchant), "today": date.today()})


@login_required
@require_POST
def merchant_action(request, pk: int, kind: str):
    merchant = _merchant(request, pk)
    if kind not in merchants.TRANSITIONS:
        raise Http404
    until = None
    if request.POST.get("until"):
        try:
            until = date.fromisoformat(request.POST["until"])
        except ValueError:
            messages.error(request, _("The date is not valid."))
            return redirect("ewarong:merchant_detail", merchant.pk)
    reason = request.POST.get("reason", "")
    try:
        merchants.change(_ctx(request, reason), merchant, kind, reason, until)
    except MerchantRefused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved: %(what)s.") % {
            "what": MerchantEventKind(kind).label})
    return redirect("ewarong:merchant_detail", merchant.pk)


@login_required
@require_POST
def staff_add(request, pk: int):
    merchant = _merchant(request, pk)
    try:
        user = merchants.add_staff(_ctx(request, "staff account"), merchant,
                                   request.POST.get("username", ""),
                                   request.POST.get("password", ""),
                                   request.POST.get("full_name", ""))
    except MerchantRefused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The account %(name)s can now log in and sell.")
                         % {"name": user.username})
    return redirect("ewarong:merchant_detail", merchant.pk)


@login_required
@require_POST
def staff_remove(request, pk: int, user_id: int):
    merchant = _merchant(request, pk)
    try:
        merchants.remove_staff(_ctx(request, "staff account removed"), merchant, user_id)
    except MerchantRefused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The account was deactivated."))
    return redirect("ewarong:merchant_detail", merchant.pk)


# --- public -----------------------------------------------------------------------------------


def public_list(request, code: str = ""):
    """Choose a region down to the village (links, no login, no script), then the village's
    active e-warong: name, address, opening hours."""
    region = get_region(code) if code else None
    if code and region is None:
        raise Http404
    path = ancestors(code) if code else []
    if region is not None and region.level == Level.VILLAGE:
        return render(request, "ewarong/merchants_public.html", {
            "region": region, "path": path,
            "merchants": merchants.public_list(region.code)})
    return render(request, "ewarong/merchants_public.html", {
        "region": region, "path": path, "options": children(code or None).order_by("name"),
        "level": Level((region.level if region else 0) + 1).label})
