"""Pages of the post-payment verification: a cycle's sample (draw it, the cases of my region,
the answer sheet to download and import), one KPM's answers (pendamping visit or phone), and
the report per region and channel with the complaints (flags) opened."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts import policy
from audit import services as audit

from . import verification
from .errors import PaymentError
from .models import PaymentCycle, VerificationMethod, VerificationSample

CHOICES = [("ya", _("Yes")), ("tidak", _("No"))]


def _ctx(request, reason: str = "") -> audit.Context:
    return audit.Context(actor=request.user, reason=reason)


def _lang() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


class DrawForm(forms.Form):
    per_region = forms.IntegerField(label=_("KPM per region"), min_value=1, max_value=10_000,
                                    initial=10)
    seed = forms.IntegerField(label=_("Seed"), min_value=0, max_value=2**62)
    region_length = forms.TypedChoiceField(
        label=_("Region level"), coerce=int, initial=5,
        choices=[(5, _("Regency/city")), (8, _("District")), (13, _("Village"))])


class AnswerForm(forms.Form):
    method = forms.ChoiceField(label=_("How asked"), choices=[
        (VerificationMethod.VISIT, _("Pendamping visit")),
        (VerificationMethod.PHONE, _("Phone"))])
    received = forms.ChoiceField(label=_("Did the family receive the aid?"), choices=CHOICES,
                                 widget=forms.RadioSelect)
    amount_received = forms.IntegerField(label=_("Amount received (Rp)"), min_value=0,
                                         required=False)
    deduction = forms.ChoiceField(label=_("Did anyone take a cut (potongan)?"),
                                  choices=CHOICES, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class SheetForm(forms.Form):
    file = forms.FileField(label=_("Answer sheet (XLSX)"))


def _sample(request, pk: int) -> VerificationSample:
    sample = get_object_or_404(VerificationSample.objects.select_related("cycle__program"),
                               cycle_id=pk)
    if not (policy.role_allows(request.user, policy.VIEW_PAYMENTS)
            or policy.role_allows(request.user, policy.VERIFY_PAYMENT)):
        raise PermissionDenied
    return sample


@login_required
def sample_page(request, pk: int):
    cycle = get_object_or_404(PaymentCycle.objects.select_related("program"), pk=pk)
    sample = VerificationSample.objects.filter(cycle=cycle).first()
    if sample is None:
        if not policy.role_allows(request.user, policy.DRAW_VERIFICATION):
            raise PermissionDenied
        form = DrawForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                verification.draw_sample(_ctx(request, "verification sample"), cycle,
                                         **form.cleaned_data)
            except PaymentError as error:
                messages.error(request, error.message(_lang()))
            else:
                return redirect("payments:verification", pk=cycle.pk)
        return render(request, "payments/verification/draw.html", {"cycle": cycle,
                                                                     "form": form})
    sample = _sample(request, pk)
    problems = None
    sheet = SheetForm()
    if request.method == "POST":
        sheet = SheetForm(request.POST, request.FILES)
        if sheet.is_valid():
            f = sheet.cleaned_data["file"]
            try:
                result = verification.import_answers(_ctx(request, "verification sheet"),
                                                     sample, f.read(16 * 1024 * 1024), f.name)
            except PaymentError as error:
                messages.error(request, error.message(_lang()))
                problems = error.problems
            else:
                messages.success(request, _("%(n)s answers recorded, %(f)s flags opened, "
                                            "%(u)s unchanged.") % {
                    "n": result.answered, "f": result.flags, "u": result.unchanged})
                return redirect("payments:verification", pk=cycle.pk)
    cases = verification.cases_for(request.user, sample).select_related("flag")[:500]
    return render(request, "payments/verification/sample.html", {
        "cycle": cycle, "sample": sample, "cases": cases, "sheet": sheet,
        "problems": problems, "lang": _lang(),
        "report": verification.report(request.user, sample),
        "can_answer": policy.role_allows(request.user, policy.VERIFY_PAYMENT)})


@login_required
def answer_sheet(request, pk: int):
    sample = _sample(request, pk)
    response = HttpResponse(
        verification.answer_sheet(request.user, sample),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="verifikasi-siklus-{pk}.xlsx"'
    return response


@login_required
def case_answer(request, pk: int, case_id: int):
    sample = _sample(request, pk)
    case = get_object_or_404(verification.cases_for(request.user, sample), pk=case_id)
    if not policy.can(request.user, policy.VERIFY_PAYMENT, case.village_code):
        raise PermissionDenied
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        received = d["received"] == "ya"
        answer = verification.Answer(
            d["method"], received,
            (d["amount_received"] if d["amount_received"] is not None else case.amount_paid)
            if received else None,
            d["deduction"] == "ya", d["note"])
        try:
            verification.record_answer(_ctx(request, "verification answer"), case, answer)
        except PaymentError as error:
            form.add_error(None, error.message(_lang()))
        else:
            messages.success(request, _("Answers recorded."))
            return redirect("payments:verification", pk=pk)
    from registry.identity import mask_nik

    return render(request, "payments/verification/answer.html", {
        "sample": sample, "case": case, "form": form,
        "nik": mask_nik(case.payment.nik) if case.payment.nik else ""})
