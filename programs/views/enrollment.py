"""Pages of eligibility results: a run's counts (and its freeze before payment), the KPM list of
a run by region with its XLSX export, and the block of the household page that shows each
program's decision with its explanation. Reads go through programs.selectors (the access
policy); actions through programs.services."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts import policy
from audit import services as audit
from base.i18n import content_language
from registry import selectors as registry_selectors
from registry.hooks import HouseholdBlock
from registry.identity import mask_nik
from registry.models import Household, Member
from wilayah import selectors as regions
from wilayah.forms import RegionField
from wilayah.models import Level

from .. import exports, selectors, services
from ..compile import ELIGIBLE, NOT_ASSESSED, NOT_ELIGIBLE
from ..explain import clause_lines, explain_household
from ..models import EligibilityRun, Enrollment
from ..tasks import start_export

PAGE_SIZE = 50
DECISION_LABELS = {
    ELIGIBLE: gettext_lazy("Eligible"),
    NOT_ELIGIBLE: gettext_lazy("Not eligible"),
    NOT_ASSESSED: gettext_lazy("Not yet assessed"),
}
DECISION_BADGES = {ELIGIBLE: "text-bg-success", NOT_ELIGIBLE: "text-bg-danger",
                   NOT_ASSESSED: "text-bg-secondary"}


def _ctx(request: HttpRequest, reason: str = "") -> audit.Context:
    return audit.Context(actor=request.user, reason=reason, source_ref=request.path[:100])


def _run_or_404(request: HttpRequest, code: str, run_id: int) -> EligibilityRun:
    try:
        return selectors.run_for(request.user, code, run_id)
    except EligibilityRun.DoesNotExist:
        raise Http404 from None


def may_freeze(user, run: EligibilityRun) -> bool:
    """A KPM list is national: a program manager with national scope freezes it."""
    return (policy.can(user, policy.FREEZE_ENROLLMENT) and policy.scope_prefix(user) == ""
            and run.kind == EligibilityRun.Kind.ENROLLMENT
            and run.state == EligibilityRun.State.DONE)


# --- the run page ------------------------------------------------------------------------------


def _labelled(counts: dict, labels: dict) -> list[tuple[str, int]]:
    return [(str(labels.get(k, k)), n) for k, n in sorted(counts.items(), key=lambda i: -i[1])]


def _list_warnings(run: EligibilityRun) -> tuple[list[str], bool]:
    """Warnings about the KPM lists the run's in_program read, and whether one changed since
    (then the run must be run again before freezing: services.freeze refuses)."""
    warnings, stale = [], False
    for read in selectors.lists_read(run):
        if read.run_id is None:
            warnings.append(_(
                "There was no frozen KPM list of %(program)s yet; when this run was computed, "
                "nobody counted as enrolled in it.") % {"program": read.name})
        if read.changed and run.state == EligibilityRun.State.FROZEN:
            warnings.append(_(
                "The KPM list in force of %(program)s changed after this list was frozen; the "
                "overlap report shows households now on both lists.") % {"program": read.name})
        elif read.changed:
            stale = True
            warnings.append(_(
                "The KPM list in force of %(program)s changed since this run was computed "
                "(then: %(then)s, now: %(now)s): run it again before freezing.") % {
                "program": read.name,
                "then": f"#{read.run_id}" if read.run_id else _("none"),
                "now": f"#{read.current_id}" if read.current_id else _("none")})
    return warnings, stale


@login_required
@require_GET
def run_detail(request: HttpRequest, code: str, run_id: int) -> HttpResponse:
    """A run's counts: by decision, by reason (in words), by status, cost, changes since the
    last frozen list and by region one level below the user's scope; warnings when the lists
    it read changed since, or the period already has a frozen list (no freeze then)."""
    run = _run_or_404(request, code, run_id)
    counts = run.counts or {}
    words = selectors.run_words(selectors.run_definition(run), content_language())
    reasons = [(words.reason(k), n) for k, n in
               sorted((counts.get("reasons") or {}).items(), key=lambda i: -i[1])]
    scope = policy.scope_prefix(request.user) or ""
    enrollment_run = run.kind == EligibilityRun.Kind.ENROLLMENT
    warnings, stale = _list_warnings(run)
    frozen_other = selectors.frozen_for_period(run) if enrollment_run else None
    context = {
        "run": run,
        "program": run.program,
        "decisions": _labelled(counts.get("decisions") or {}, DECISION_LABELS),
        "reasons": reasons,
        "statuses": _labelled(counts.get("statuses") or {}, dict(Enrollment.Status.choices)),
        "changes": counts.get("changes") or {},
        "cost_per_period": int(counts.get("cost_per_period") or 0),
        "cost_per_year": selectors.cost_per_year(run),
        "regions": selectors.region_counts(request.user, run),
        "region_level": Level(selectors.level_below(scope)).label,
        "regional": scope != "",
        "scope_name": regions.label(scope) if scope else "",
        "own": selectors.kpm_total(request.user, run) if scope and enrollment_run else None,
        "list_warnings": warnings,
        "stale": stale and run.state == EligibilityRun.State.DONE,
        "frozen_other": frozen_other,
        "can_freeze": may_freeze(request.user, run) and not stale and frozen_other is None,
        "can_view_kpm": (enrollment_run
                         and policy.role_allows(request.user, policy.VIEW_ENROLLMENT)),
        # Runs and freezes from the command line have no user.
        "created_by": _person(run.created_by),
        "frozen_by": _person(run.frozen_by),
    }
    return render(request, "programs/run_detail.html", context)


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


@login_required
@require_POST
def run_freeze(request: HttpRequest, code: str, run_id: int) -> HttpResponse:
    """Freeze the run's KPM list for payment; a refusal is shown in the user's language."""
    run = _run_or_404(request, code, run_id)
    if not (policy.can(request.user, policy.FREEZE_ENROLLMENT)
            and policy.scope_prefix(request.user) == ""):
        raise PermissionDenied
    try:
        services.freeze(run, _ctx(request, _("KPM list frozen before payment")))
    except services.ProgramError as error:
        messages.error(request, error.message(content_language()))
    else:
        messages.success(request, _("The KPM list is frozen; it can no longer change."))
    return redirect("programs:run_detail", code=run.program.code, run_id=run.pk)


# --- the KPM list ------------------------------------------------------------------------------


class KpmFilterForm(forms.Form):
    region = RegionField(required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False,
        choices=[("", gettext_lazy("All statuses")), *Enrollment.Status.choices],
        widget=forms.Select(attrs={"class": "form-select"}))
    change = forms.ChoiceField(
        label=gettext_lazy("Change"), required=False,
        choices=[("", gettext_lazy("All changes")), *Enrollment.Change.choices],
        widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].set_scope(policy.scope_prefix(user))

    def filters(self) -> selectors.KpmFilter:
        data = self.cleaned_data
        return selectors.KpmFilter(data["region"], data["status"], data["change"])


def _kpm_run(request: HttpRequest, code: str, run_id: int) -> EligibilityRun:
    run = _run_or_404(request, code, run_id)
    if not policy.role_allows(request.user, policy.VIEW_ENROLLMENT):
        raise PermissionDenied
    if run.kind != EligibilityRun.Kind.ENROLLMENT:
        raise Http404
    return run


def _query(request: HttpRequest, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        params[key] = str(value)
    return "?" + params.urlencode()


def _kpm_items(rows: list[Enrollment], words: selectors.RunWords) -> list[dict]:
    names = regions.names({e.village_code for e in rows})
    return [{"e": e, "nik": mask_nik(e.head_nik) if e.head_nik else "—",
             "village": names.get(e.village_code, ""),
             "change": exports.change_label(e),
             "segment": words.segment(e.segment),
             "components": words.component_list(e.components),
             "reason": words.reason(e.reason)} for e in rows]


@login_required
@require_GET
def enrollment_list(request: HttpRequest, code: str, run_id: int) -> HttpResponse:
    """The run's KPM list within the user's region, filtered by region, status and change;
    pages of 50 with the total; a page number past the end shows the last page."""
    run = _kpm_run(request, code, run_id)
    form = KpmFilterForm(request.GET, user=request.user)
    qs = (selectors.kpm_rows(request.user, run, form.filters()) if form.is_valid()
          else Enrollment.objects.none())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    words = selectors.run_words(selectors.run_definition(run), content_language())
    context = {
        "run": run,
        "program": run.program,
        "form": form,
        "items": _kpm_items(list(page.object_list), words),
        "page": page,
        "total": page.paginator.count,
        "first_row": page.start_index(),
        "last_row": page.end_index(),
        "next_query": _query(request, page=page.next_page_number()) if page.has_next() else "",
        "prev_query": (_query(request, page=page.previous_page_number())
                       if page.has_previous() else ""),
        "export_fields": _export_fields(request),
        "person": run.program.unit == "person",
    }
    response = render(request, "programs/enrollment_list.html", context,
                      status=200 if form.is_valid() else 400)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _export_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """The list's filters, carried by the export form."""
    return [(k, v) for k, values in request.GET.lists() if k != "page" for v in values if v]


@login_required
@require_POST
def enrollment_export(request: HttpRequest, code: str, run_id: int) -> HttpResponse:
    """The filtered KPM list as XLSX (cover sheet + rows), written in the job worker: the
    answer is the job page, where the file is downloaded; export and download are audited."""
    run = _kpm_run(request, code, run_id)
    form = KpmFilterForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values()
                                         for e in errors))
        return redirect(reverse("programs:enrollment_list", args=(code, run.pk)))
    filters = form.filters()
    region = filters.region or policy.scope_prefix(request.user) or ""
    job = start_export(_ctx(request), run, filters, region, content_language())
    return redirect(job)


# --- the household page block -------------------------------------------------------------------


def household_block(user, household: Household) -> HouseholdBlock | None:
    """The registry hook: a placeholder that loads each program's decision lazily."""
    if not policy.can(user, policy.VIEW_PROGRAMS, household.village_id):
        return None
    return HouseholdBlock(
        title=_("Programs"), template="programs/_kpm_household_block.html",
        context={"url": reverse("programs:household_programs", args=(household.pk,))})


def _clauses(decision, lang: str) -> list[dict]:
    return [clause_lines(result, lang) for result in decision.clauses]


def _reason(decision, clauses: list[dict], words: selectors.RunWords) -> str:
    """Why the unit is not eligible (the deciding clause), or which clause could not be
    assessed yet, in the wording of programs.wording."""
    if decision.reason:
        return words.reason(decision.reason)
    unknown = next((c for c in clauses if c["outcome"] == "unknown"), None)
    return unknown["sentence"].removeprefix("? ") if unknown else ""


def _unit(unit, words: selectors.RunWords, lang: str, names: dict[int, str]) -> dict:
    d = unit.decision
    paid = d.decision == ELIGIBLE
    clauses = _clauses(d, lang)
    return {
        "member_id": unit.member_id,
        "name": names.get(unit.member_id, "") if unit.member_id else "",
        "decision": d.decision,
        "label": DECISION_LABELS.get(d.decision, d.decision),
        "badge": DECISION_BADGES.get(d.decision, "text-bg-light"),
        "reason": _reason(d, clauses, words),
        "segment": words.segment(d.segment) if paid else "",
        "amount": d.amount if paid else None,
        "components": words.component_list(d.components) if paid else "",
        "clauses": clauses,
    }


def _difference(enrollment: Enrollment | None, unit: dict) -> str:
    """Where the live decision and the KPM list in force disagree, in words."""
    if enrollment is None:
        return ""
    listed = enrollment.status in (Enrollment.Status.ENROLLED, Enrollment.Status.WAITING)
    if listed and unit["decision"] != ELIGIBLE:
        return _("Listed in the KPM list in force, but not eligible by the current data: "
                 "%(reason)s") % {"reason": unit["reason"]}
    if not listed and unit["decision"] == ELIGIBLE:
        return _("Not in the KPM list in force, but eligible by the current data: the next "
                 "run will consider it.")
    return ""


def household_programs(household: Household, lang: str) -> list[dict]:
    """Each active program's decision for the household, in words (for the block): the live
    decision by the current data on the first day of the period of the KPM list in force (the
    day that list was decided for), and its row in that list beside it (per member for
    person programs)."""
    names = dict(Member.objects.filter(household=household).values_list("id", "name"))
    out = []
    for item in explain_household(household):
        program = item.program
        words = selectors.run_words(
            services.current_rule_set(program).definition, lang)
        units = []
        for u in item.units:
            unit = _unit(u, words, lang, names)
            unit["enrollment"] = item.in_force_for(u)
            unit["difference"] = _difference(unit["enrollment"], unit)
            units.append(unit)
        enrollment = item.in_force.get(None) if program.unit != "person" else None
        out.append({
            "program": program,
            "name": program.name_en if lang == "en" and program.name_en else program.name,
            "person": program.unit == "person",
            "frequency": program.get_frequency_display(),
            "rule_version": item.rule_version,
            "units": units,
            "enrollment": enrollment,
            "list_in_force": item.list_in_force,
            "as_of": item.as_of,
            # A closed period: the decision only says what the rules would give today.
            "ended": bool(program.period_end and program.period_end < timezone.localdate()),
        })
    return out


@login_required
@require_GET
def household_programs_view(request: HttpRequest, household_id: int) -> HttpResponse:
    """The block's content: loaded by htmx from the household page (or opened alone)."""
    try:
        household = registry_selectors.household_for(request.user, household_id)
    except Household.DoesNotExist:
        raise Http404 from None
    if not policy.can(request.user, policy.VIEW_PROGRAMS, household.village_id):
        raise Http404
    lang = content_language()
    context = {"household": household,
               "programs": household_programs(household, lang),
               "not_considered": [m.text(lang) for m in selectors.not_considered(household)]}
    return render(request, "programs/_kpm_household_programs.html", context)


urlpatterns = [
    path("<slug:code>/hasil/<int:run_id>/", run_detail, name="run_detail"),
    path("<slug:code>/hasil/<int:run_id>/bekukan/", run_freeze, name="run_freeze"),
    path("<slug:code>/hasil/<int:run_id>/kpm/", enrollment_list, name="enrollment_list"),
    path("<slug:code>/hasil/<int:run_id>/kpm.xlsx", enrollment_export, name="enrollment_export"),
    path("rumah-tangga/<int:household_id>/", household_programs_view,
         name="household_programs"),
]
