"""Pages of the PT Pos cash payout: the counter (scan or type the QR, check the KTP, record the
payout with the receipt photo), its offline packages, and the invitation letters (one PDF, or a
village's letters as a job). Thin: parse, call payments.pos*, render. NIK masked everywhere."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts import policy
from audit import services as audit

from . import pos, pos_letters, pos_offline
from .errors import PaymentError
from .models import PaymentCycle

MAX_UPLOAD = 64 * 1024 * 1024


def _ctx(request, reason: str = "") -> audit.Context:
    return audit.Context(actor=request.user, reason=reason)


def _lang() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


class ScanForm(forms.Form):
    qr = forms.CharField(label=_("QR code or invitation code"), max_length=200,
                         widget=forms.TextInput(attrs={"autofocus": True,
                                                       "autocomplete": "off"}))


class PayoutForm(forms.Form):
    qr = forms.CharField(widget=forms.HiddenInput, max_length=200)
    ktp_matches = forms.BooleanField(
        label=_("The NIK on the KTP shown is the NIK on the invitation"), required=False)
    recipient_is_kpm = forms.BooleanField(
        label=_("The person collecting is the KPM named (not a proxy)"), required=False)
    home_delivery = forms.BooleanField(label=_("Paid at home (elderly, disabled or sick)"),
                                       required=False)
    receipt = forms.FileField(label=_("Photo of the signed receipt"), required=False)


def _require_counter(request) -> None:
    if not policy.role_allows(request.user, policy.POS_COUNTER):
        raise PermissionDenied


@login_required
def counter(request):
    """Scan: the QR text (a scanner types it) checked and the KPM shown for the KTP check."""
    _require_counter(request)
    line, form = None, ScanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            line = pos.counter_line(request.user, form.cleaned_data["qr"])
        except PaymentError as error:
            form.add_error("qr", error.message(_lang()))
    payout_form = PayoutForm(initial={"qr": form.data.get("qr", "")}) if line else None
    return render(request, "payments/pos/counter.html", {
        "form": form, "line": line, "payout_form": payout_form,
        "office": pos.office_of(request.user)})


@login_required
@require_POST
def counter_pay(request):
    _require_counter(request)
    form = PayoutForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("The form is incomplete."))
        return redirect("payments:pos_counter")
    upload = form.cleaned_data.get("receipt")
    data = upload.read(pos.MAX_RECEIPT_BYTES + 1) if upload else b""
    req = pos.PayoutRequest(ktp_matches=form.cleaned_data["ktp_matches"],
                            recipient_is_kpm=form.cleaned_data["recipient_is_kpm"],
                            home_delivery=form.cleaned_data["home_delivery"], receipt=data)
    try:
        payout = pos.record_at_counter(_ctx(request, "Pos counter payout"),
                                       form.cleaned_data["qr"], req)
    except PaymentError as error:
        try:
            line = pos.counter_line(request.user, form.cleaned_data["qr"])
        except PaymentError:
            line = None
        return render(request, "payments/pos/counter.html", {
            "form": ScanForm(initial={"qr": form.cleaned_data["qr"]}), "line": line,
            "payout_form": form if line else None, "refused": error.message(_lang()),
            "office": pos.office_of(request.user)}, status=400)
    messages.success(request, _("Payout recorded: %(ref)s, Rp%(amount)s.") % {
        "ref": payout.attempt.reference, "amount": f"{payout.amount:,}".replace(",", ".")})
    return redirect("payments:pos_counter")


# --- offline packages ---------------------------------------------------------------------------


class PackageForm(forms.Form):
    cycle = forms.IntegerField(label=_("Payment cycle"), min_value=1)
    region = forms.CharField(label=_("Region code (village or district)"), max_length=13)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File of recorded payouts (ZIP)"))


@login_required
def offline(request):
    _require_counter(request)
    result = problems = None
    package_form, upload_form = PackageForm(), UploadForm()
    if request.method == "POST" and "cycle" in request.POST:
        package_form = PackageForm(request.POST)
        if package_form.is_valid():
            cycle = get_object_or_404(PaymentCycle, pk=package_form.cleaned_data["cycle"])
            try:
                package, data = pos_offline.build_package(
                    _ctx(request, "Pos counter package"), cycle,
                    package_form.cleaned_data["region"].strip())
            except PaymentError as error:
                messages.error(request, error.message(_lang()))
            else:
                response = HttpResponse(data, content_type="application/zip")
                response["Content-Disposition"] = (
                    f'attachment; filename="paket-loket-{package.pk}.zip"')
                return response
    elif request.method == "POST":
        upload_form = UploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            f = upload_form.cleaned_data["file"]
            try:
                result = pos_offline.import_payouts(_ctx(request, "Pos offline payouts"),
                                                    f.read(MAX_UPLOAD), f.name)
            except PaymentError as error:
                messages.error(request, error.message(_lang()))
                problems = error.problems
    return render(request, "payments/pos/offline.html", {
        "package_form": package_form, "upload_form": upload_form, "result": result,
        "problems": problems, "lang": _lang()})


# --- invitations --------------------------------------------------------------------------------


class InvitationsForm(forms.Form):
    village = forms.CharField(label=_("Village code"), max_length=13)


class ScheduleForm(forms.Form):
    region_prefix = forms.CharField(label=_("Region code (village or district)"), max_length=13)
    place = forms.CharField(label=_("Payout place"), max_length=120)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))


@login_required
def invitations(request, pk: int):
    """A cycle's Pos invitations: the village's letters as a job; one letter per payment."""
    if not policy.role_allows(request.user, policy.POS_INVITATIONS):
        raise PermissionDenied
    cycle = get_object_or_404(PaymentCycle.objects.select_related("program"), pk=pk)
    if request.method == "POST" and "place" in request.POST:
        schedule = ScheduleForm(request.POST)
        if schedule.is_valid():
            try:
                pos.set_schedule(_ctx(request, "Pos payout schedule"), cycle,
                                 **schedule.cleaned_data)
            except PaymentError as error:
                messages.error(request, error.message(_lang()))
            else:
                messages.success(request, _("Payout schedule saved."))
                return redirect("payments:pos_invitations", pk=cycle.pk)
    form = InvitationsForm(request.POST if "village" in request.POST else None)
    if request.method == "POST" and form.is_valid():
        village = form.cleaned_data["village"].strip()
        if not policy.can(request.user, policy.POS_INVITATIONS, village):
            raise PermissionDenied
        job = pos_letters.start_invitations(_ctx(request, "Pos invitation letters"), cycle,
                                            village, _lang())
        return redirect(job)
    scope = policy.scope_prefix(request.user) or ""
    lines = pos.open_attempts(cycle, scope)[:200]
    return render(request, "payments/pos/invitations_page.html", {
        "cycle": cycle, "form": form, "lines": lines, "schedule_form": ScheduleForm(),
        "schedules": cycle.schedules.order_by("region_prefix")})


@login_required
def invitation_pdf(request, payment_id: int):
    try:
        attempt = pos_letters.invitation_attempt(request.user, payment_id)
    except PaymentError as error:
        raise Http404(error.message(_lang())) from error
    audit.record(_ctx(request, "Pos invitation letter"), "payments.pos.invitation", attempt,
                 {"reference": attempt.reference}, region_code=attempt.payment.village_code)
    response = HttpResponse(pos_letters.letters_pdf([attempt], _lang()),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="undangan-{attempt.reference}.pdf"'
    return response
