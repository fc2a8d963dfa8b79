"""The what-if simulation: change amounts, a clause or quotas of a program, on its published
rules or on the rules its list in force was made with, and compare counts and cost by region
with that list, enrolling nobody (RUN_ELIGIBILITY)."""

import copy

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import policy
from linkage.models import Snapshot

from .. import forms, preview, services
from ..compile import DefinitionError
from ..differences import rule_set_differences
from ..models import EligibilityRun, Program
from ..tasks import start_run
from .rules import _ctx, _lang, _program


def _whatif_changes(program: Program, definition: dict, form) -> tuple[dict | None, dict | None]:
    """The changed definition and quotas (None where nothing changed)."""
    data = form.cleaned_data
    changed = copy.deepcopy(definition)
    changed["benefit"] = form.apply(definition.get("benefit") or {})
    if data.get("clause"):
        for clause in changed.get("clauses") or []:
            if clause.get("id") == data["clause"]:
                clause["expr"] = data["expr"].strip()
    current_quotas = dict(program.quotas.values_list("region_code", "count"))
    quotas = data["quotas"] if data["quotas"] != current_quotas else None
    return (changed if changed != definition else None), quotas


def _snapshot_of(run: EligibilityRun | None) -> str | None:
    """The list in force's snapshot, so that a what-if differs from it only by the change."""
    if run and Snapshot.objects.filter(name=run.snapshot).exists():
        return run.snapshot
    return None


LIST_BASE = "daftar"  # ?dasar=daftar: simulate on the rules the list in force was made with


def _whatif_base(program: Program, current: EligibilityRun | None, choice: str):
    """The rule version a what-if starts from: the published one, or the one the list in
    force was made with, so that a user can isolate one change from a version change."""
    if choice == LIST_BASE and current is not None:
        return current.rule_set
    return services.current_rule_set(program)


@login_required
@require_http_methods(["GET", "POST"])
def whatif(request: HttpRequest, code: str) -> HttpResponse:
    policy.require(request.user, policy.RUN_ELIGIBILITY)
    program = _program(code)
    published = services.current_rule_set(program)
    if published is None:
        raise Http404
    current = preview.list_in_force(program)
    choice = request.POST.get("dasar") or request.GET.get("dasar") or ""
    base = _whatif_base(program, current, choice)
    definition = base.definition
    quotas = dict(program.quotas.values_list("region_code", "count"))
    initial = {"period": current.period if current else "", "quotas": forms.quotas_text(quotas)}
    form = forms.WhatIfForm(definition.get("benefit") or {}, definition.get("clauses") or [],
                            request.POST or None, initial=initial, lang=_lang())
    if request.method == "POST" and form.is_valid():
        changed, new_quotas = _whatif_changes(program, definition, form)
        run_request = services.RunRequest(
            program, form.cleaned_data["period"].strip(), kind=EligibilityRun.Kind.WHAT_IF,
            definition=changed, quotas=new_quotas, snapshot=_snapshot_of(current),
            rule_set=base)
        try:
            services.check_startable(program, run_request.period, base)
            services.spec_of(program, changed or base.definition)
        except services.ProgramError as error:
            form.add_error("period", error.message(_lang()))
        except DefinitionError as error:
            form.add_error("expr", error.messages(_lang()))
        else:
            return redirect(start_run(_ctx(request, "what-if"), run_request, "what-if"))
    return render(request, "programs/whatif.html", {
        "program": program, "form": form, "current": current, "base": base,
        "published": published, "choice": LIST_BASE if base != published else "",
        "list_base": LIST_BASE,
        "published_differences": _version_differences(current, published),
        **_whatif_result(request, program, current),
        "period_example": services.PERIOD_FORMATS[program.frequency][1],
        "recent": program.runs.filter(kind=EligibilityRun.Kind.WHAT_IF)[:10],
    }, status=400 if request.method == "POST" else 200)


def _version_differences(current: EligibilityRun | None, rule_set) -> list[str]:
    """What the rules `rule_set` differ in from those the list in force was made with."""
    if current is None or rule_set is None or current.rule_set_id == rule_set.pk:
        return []
    return rule_set_differences(current.rule_set.definition, rule_set.definition, _lang())


def _whatif_result(request: HttpRequest, program: Program, current) -> dict:
    """The result shown (?hasil=N): its comparison with the list in force, what it changed,
    and the rule version of each side."""
    wanted = request.GET.get("hasil", "")
    if not wanted.isdigit():
        return {"result": None}
    result = get_object_or_404(program.runs.select_related("rule_set"), pk=int(wanted),
                               kind=EligibilityRun.Kind.WHAT_IF)
    version = result.rule_set.version
    rule_set = program.rule_sets.filter(version=version).first() or result.rule_set
    prefix = policy.scope_prefix(request.user) or ""
    return {
        "result": result, "result_version": version,
        "comparison": preview.compare(current, result, prefix),
        "changes": _describe(rule_set.definition, result),
        "version_differences": _version_differences(current, rule_set),
    }


def _describe(definition: dict, run: EligibilityRun) -> list[str]:
    """What a what-if run changed from the rule version it started from, in words."""
    changed = run.parameters.get("definition")
    out = rule_set_differences(definition, changed, _lang()) if changed else []
    if run.parameters.get("quotas") is not None:
        out.append(_("Quotas: %(quotas)s") % {
            "quotas": forms.quotas_text(run.parameters["quotas"]).replace("\n", "; ")})
    return out


# --- overlap ----------------------------------------------------------------------------------


urlpatterns = [
    path("<slug:code>/simulasi/", whatif, name="whatif"),
]
