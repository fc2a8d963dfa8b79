"""Graduation pages: a family's mandiri (signed statement) or musdes (Berita Acara)
graduation with its document, and the list of graduations in one's area with the families
six or more years in PKH due for review; the computed graduations (alamiah, tidak padan) of a
stage run as a job."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import policy
from audit import services as audit
from registry.models import Household, Member

from . import selectors, services
from .models import Graduation

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"})
KINDS = [("mandiri", _("Mandiri: the family states it is now able (signed statement)")),
         ("musdes", _("Paksa: the village meeting (musdes) certified the family mampu"))]


class GraduationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=KINDS, widget=forms.RadioSelect)
    on = forms.DateField(label=_("Leaves PKH on"), widget=DATE)
    document = forms.FileField(label=_("Signed statement or Berita Acara (PDF or photo)"))
    musdes_date = forms.DateField(label=_("Date of the village meeting"), required=False,
                                  widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("kind") == "musdes" and not data.get("musdes_date"):
            self.add_error("musdes_date", _("Give the date of the village meeting."))
        return data


@login_required
def graduate(request, household_id: int):
    household = get_object_or_404(Household, pk=household_id)
    policy.require(request.user, policy.PKH_GRADUATE, household.village_id)
    form = GraduationForm(request.POST or None, request.FILES or None,
                          initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data, ctx = form.cleaned_data, audit.Context(actor=request.user, reason="pkh graduation")
        try:
            if data["kind"] == "mandiri":
                services.graduate_mandiri(ctx, household, data["document"], data["on"])
            else:
                services.graduate_by_musdes(ctx, household, data["document"],
                                            data["musdes_date"], data["on"])
        except services.PkhError as error:
            messages.error(request, error.id if request.LANGUAGE_CODE == "id" else error.en)
        else:
            messages.success(request, _("The family's graduation is recorded."))
            return redirect("household_detail", household.pk)
    return render(request, "pkh/graduate.html", {"household": household, "form": form})


@login_required
def graduations(request):
    if not policy.role_allows(request.user, policy.PKH_VIEW):
        raise PermissionDenied
    scope = policy.scope_prefix(request.user) or ""
    done = policy.scoped(request.user, Graduation.objects.order_by("-on"), "village_code",
                         policy.PKH_VIEW)[:200]
    due = selectors.due_for_review(timezone.localdate(), scope)[:200]
    villages = dict(Household.objects.filter(pk__in=due).values_list("pk", "village_id"))
    heads = dict(Member.objects.filter(household_id__in=[g.household_id for g in done] + due,
                                       relation_to_household_head=1)
                 .values_list("household_id", "name"))
    year, stage = selectors.stage_of_day(timezone.localdate())
    return render(request, "pkh/graduations.html", {
        "graduations": [(g, heads.get(g.household_id, "")) for g in done],
        "due": [(h, heads.get(h, ""), villages.get(h, "")) for h in due],
        "year": year, "stage": stage,
        "can_compute": policy.role_allows(request.user, policy.PKH_RUN_STAGE)})


@login_required
def compute(request):
    """Start the job computing the stage's alamiah and tidak padan graduations."""
    if request.method != "POST" or not policy.role_allows(request.user, policy.PKH_RUN_STAGE):
        raise PermissionDenied
    from jobs import services as jobs

    year, stage = selectors.stage_of_day(timezone.localdate())
    job = jobs.start(audit.Context(actor=request.user, reason="pkh graduation"),
                     "pkh_graduate", {"year": year, "stage": stage,
                                      "on": timezone.localdate().isoformat()})
    return redirect("jobs:detail", job.pk)
