"""PKH pages: the pendamping's caseload (supervisors: the verification rate per pendamping),
the mobile form recording a family's commitments, and the upload of school and health files."""

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import policy
from audit import services as audit
from registry.models import Household

from . import rules, selectors, services, tasks, xlsform
from .models import Appeal, CommitmentResult, ImportBatch

VISIT_LABELS = {"anc": _("Antenatal check"), "imunisasi": _("Immunisation"),
                "penimbangan": _("Weighing"), "kunjungan_rumah": _("Home visit"),
                "posyandu_lansia": _("Posyandu Lansia")}
ANSWERS = [("", "—"), ("ya", _("Attended")), ("tidak", _("Did not attend"))]


def _ctx(request, reason: str = "") -> audit.Context:
    return audit.Context(actor=request.user, reason=reason)


@login_required
def caseload(request):
    if not policy.role_allows(request.user, policy.PKH_VIEW):
        raise PermissionDenied
    year, stage = selectors.stage_of_day(timezone.localdate())
    context = {"year": year, "stage": stage}
    if request.user.role == "pendamping":
        rows = selectors.caseload(request.user, year, stage)
        context |= {"rows": rows, "due": sum(1 for r in rows if not r.evidence)}
    else:
        context["rates"] = selectors.verification_rates(request.user, year, stage)
    return render(request, "pkh/caseload.html", context)


def _visit_fields(household, on: date) -> list[tuple[object, str, str]]:
    """(member, visit type, field name) for each visit a member's components ask for."""
    definition = selectors.rules_in_force().definition
    out = []
    for m in household.members.filter(status="active").order_by("family_order"):
        types: list[str] = []
        for cid in rules.member_components(
                birth_date=m.birth_date, pregnant=m.pregnant, disability=m.disability,
                school_participation=m.school_participation, education=m.education, on=on):
            for c in definition["components"].get(cid, {}).get("commitments", []):
                types += [t for t in c.get("visit_types", []) if t not in types]
        out += [(m, t, f"m{m.pk}_{t}") for t in types]
    return out


class RecordForm(forms.Form):
    on = forms.DateField(label=_("Date of the visit"),
                         widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    place = forms.CharField(label=_("Place (posyandu, puskesmas, home)"), max_length=120,
                            required=False, widget=forms.TextInput(attrs={"class": "form-control"}))

    def __init__(self, *args, fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        for member, vtype, name in fields:
            self.fields[name] = forms.ChoiceField(
                label=f"{member.name} — {VISIT_LABELS[vtype]}", choices=ANSWERS,
                required=False, widget=forms.Select(attrs={"class": "form-select"}))


@login_required
def record(request, household_id: int):
    household = get_object_or_404(Household, pk=household_id)
    policy.require(request.user, policy.PKH_VERIFY, household.village_id)
    today = timezone.localdate()
    fields = _visit_fields(household, today)
    form = RecordForm(request.POST or None, fields=fields, initial={"on": today})
    if request.method == "POST" and form.is_valid():
        records = [services.VisitRecord(m.pk, t, form.cleaned_data["on"],
                                        form.cleaned_data[name] == "ya",
                                        form.cleaned_data["place"])
                   for m, t, name in fields if form.cleaned_data.get(name)]
        try:
            n = services.record_visits(_ctx(request, "pendamping form"), household, records)
        except services.PkhError as error:
            messages.error(request, error.id if request.LANGUAGE_CODE == "id" else error.en)
        else:
            messages.success(request, _("%(n)s records saved.") % {"n": n})
            return redirect("pkh:caseload")
    else:
        audit.record_read(_ctx(request, "pendamping form"), household, household.village_id)
    return render(request, "pkh/record.html", {"household": household, "form": form})


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("File"), choices=ImportBatch.Kind.choices)
    file = forms.FileField(label=_("CSV or XLSX file"))


@login_required
def upload(request):
    if not policy.role_allows(request.user, policy.PKH_IMPORT):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = tasks.start_import(_ctx(request, "pkh import"), form.cleaned_data["kind"],
                                 form.cleaned_data["file"])
        return redirect("jobs:detail", job.pk)
    return render(request, "pkh/upload.html", {"form": form})


@login_required
def offline_form(request):
    """The XLSForm for offline capture on a phone (ODK Collect / KoboToolbox)."""
    if not policy.role_allows(request.user, policy.PKH_VERIFY):
        raise PermissionDenied
    response = HttpResponse(
        xlsform.build(selectors.rules_in_force().version),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="pkh-kunjungan-xlsform.xlsx"'
    return response


@login_required
def reports(request):
    if not policy.role_allows(request.user, policy.PKH_VIEW):
        raise PermissionDenied
    scope = policy.scope_prefix(request.user) or ""
    year, stage = selectors.stage_of_day(timezone.localdate())
    verified = rules.previous_stage(year, stage)
    return render(request, "pkh/reports.html", {
        "year": year, "stage": stage, "verified": verified,
        "compliance": selectors.compliance_by_component(*verified, scope),
        "cuts": selectors.cuts_report(year, stage, scope),
        "graduations": selectors.graduations_report(scope),
        "years": selectors.years_report(timezone.localdate(), scope),
        "review": len(selectors.due_for_review(timezone.localdate(), scope))})


class StageForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2007, max_value=2100)
    stage = forms.IntegerField(label=_("Stage"), min_value=1, max_value=4)


@login_required
def verify(request):
    """The program manager starts a stage's verification (a job)."""
    if not policy.role_allows(request.user, policy.PKH_RUN_STAGE):
        raise PermissionDenied
    year, stage = rules.previous_stage(*selectors.stage_of_day(timezone.localdate()))
    form = StageForm(request.POST or None, initial={"year": year, "stage": stage})
    if request.method == "POST" and form.is_valid():
        from jobs import services as jobs

        job = jobs.start(_ctx(request, "pkh stage verification"), "pkh_verify_stage",
                         form.cleaned_data)
        return redirect("jobs:detail", job.pk)
    return render(request, "pkh/verify.html", {"form": form})


class AppealForm(forms.Form):
    reason = forms.CharField(label=_("Reason (e.g. the child was sick, with a letter)"),
                             widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))


@login_required
def appeal(request, line_id: int):
    """The pendamping appeals one violation."""
    line = get_object_or_404(CommitmentResult.objects.select_related("result", "member"),
                             pk=line_id)
    policy.require(request.user, policy.PKH_APPEAL, line.result.village_code)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.file_appeal(_ctx(request, "appeal"), line, form.cleaned_data["reason"])
        except services.PkhError as error:
            messages.error(request, error.id if request.LANGUAGE_CODE == "id" else error.en)
        else:
            messages.success(request, _("Appeal filed; the Dinas Sosial decides."))
            return redirect("pkh:caseload")
    return render(request, "pkh/appeal.html", {"line": line, "form": form})


@login_required
def appeals(request):
    """The Dinas Sosial's open appeals in its region, decided one by one."""
    if not policy.role_allows(request.user, policy.PKH_DECIDE_APPEAL):
        raise PermissionDenied
    if request.method == "POST":
        found = get_object_or_404(Appeal, pk=request.POST.get("appeal"))
        try:
            services.decide_appeal(_ctx(request, "appeal decision"), found,
                                   request.POST.get("decision") == "upheld",
                                   request.POST.get("note", "")[:500])
        except services.PkhError as error:
            messages.error(request, error.id if request.LANGUAGE_CODE == "id" else error.en)
        return redirect("pkh:appeals")
    open_appeals = policy.scoped(
        request.user, Appeal.objects.filter(status=Appeal.Status.FILED)
        .select_related("line__member", "line__result", "filed_by"),
        "line__result__village_code", policy.PKH_DECIDE_APPEAL)
    return render(request, "pkh/appeals.html", {"appeals": open_appeals[:200]})
