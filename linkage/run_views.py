"""Starting snapshots and pipeline runs from the web (the data centre): the form on the runs
page; the work runs in the job worker and the answer is the job's page."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts import policy
from audit.services import Context
from jobs import services as jobs

from .models import PipelineRun, Snapshot
from .tasks import STEP_LABELS

ENGINES = [("duckdb", "DuckDB"), ("spark", "Apache Spark")]


class PipelineStartForm(forms.Form):
    steps = forms.MultipleChoiceField(
        label=_("Steps (none: all)"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(k, v) for k, v in STEP_LABELS.items() if k != "snapshot"])
    snapshot = forms.ChoiceField(label=_("Snapshot"), required=False)
    engine = forms.ChoiceField(label=_("Engine of matching and dedup"), choices=ENGINES,
                               initial="duckdb")
    spark_master = forms.CharField(label=_("Spark master"), required=False, max_length=200,
                                   help_text=_("local[2], spark://host:7077, yarn, k8s://…"))
    resume = forms.ChoiceField(label=_("Resume a failed run"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["snapshot"].choices = [("", _("A new snapshot of the registry"))] + [
            (s.name, s.name) for s in Snapshot.objects.order_by("-pk")[:20]]
        self.fields["resume"].choices = [("", "–")] + [
            (r.name, r.name) for r in PipelineRun.objects.filter(
                state=PipelineRun.State.FAILED).order_by("-pk")[:20]]

    def clean(self):
        data = super().clean()
        if data.get("engine") != "spark":
            data["spark_master"] = ""
        return data

    def job_params(self) -> dict:
        data = self.cleaned_data
        if data.get("resume"):
            return {"resume": data["resume"], "steps": data.get("steps") or []}
        return {k: data.get(k) or ("" if k != "steps" else []) for k in
                ("steps", "snapshot", "engine", "spark_master")}


@login_required
@require_POST
def pipeline_start(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.RUN_PIPELINE)
    form = PipelineStartForm(request.POST)
    if not form.is_valid():
        return render(request, "linkage/pipeline_start.html", {"form": form}, status=400)
    return redirect(jobs.start(Context(request.user, reason="pipeline run"), "pipeline_run",
                               form.job_params()))


@login_required
@require_POST
def snapshot_start(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.RUN_PIPELINE)
    return redirect(jobs.start(Context(request.user, reason="snapshot"), "snapshot", {}))
