"""Program pages: the list of programs, a program's page (its rules in words, segments, benefit,
quotas, versions, runs), the rule editor with validation and a live count preview, and the
cross-program overlap report (the what-if simulation is in views/whatif.py).

Views parse, call programs.services / preview / overlap, render. Permissions come from
accounts.policy (VIEW_PROGRAMS, EDIT_PROGRAM_RULES, RUN_ELIGIBILITY, VIEW_ENROLLMENT)."""

import copy
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import policy
from audit import services as audit
from base.i18n import content_language
from wilayah.models import Region

from .. import forms, overlap, preview, services
from ..attributes import FUNCTIONS, for_unit
from ..compile import DefinitionError
from ..differences import rule_set_differences
from ..models import EligibilityRun, Enrollment, ListKind, Program
from ..rules import BOOL, RuleError, parse
from ..tasks import run_url, start_run
from ..wording import reason_text

RECENT_RUNS = 20
PER_PERIOD = {"monthly": gettext_lazy("per month"), "quarterly": gettext_lazy("per stage"),
              "once": gettext_lazy("once")}


def _lang() -> str:
    return content_language()


def _ctx(request: HttpRequest, reason: str = "") -> audit.Context:
    return audit.Context(actor=request.user, reason=reason, source_ref=request.path[:100])


def _program(code: str) -> Program:
    return get_object_or_404(Program, code=code)


def _enrolled(user, run: EligibilityRun | None) -> int | None:
    """KPM counted within the user's region: national users read the run's counts, regional
    users count the run's enrolled rows in their region."""
    if run is None:
        return None
    prefix = policy.scope_prefix(user) or ""
    if not prefix:
        return run.counts.get("statuses", {}).get("enrolled", 0)
    if run.kind == EligibilityRun.Kind.ENROLLMENT:
        return policy.scoped(user, run.enrollments.filter(status=Enrollment.Status.ENROLLED),
                             "village_code", policy.VIEW_PROGRAMS).count()
    return sum(r[1] for r in run.counts.get("regions", [])
               if preview.region_group(r[0], prefix) is not None)


# --- list and program page -------------------------------------------------------------------


@login_required
@require_GET
def program_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.VIEW_PROGRAMS)
    rows = []
    for program in Program.objects.all():
        in_force = services.previous_frozen(program)
        latest = program.runs.filter(kind=EligibilityRun.Kind.ENROLLMENT).first()
        rule_set = services.current_rule_set(program)
        rows.append({"program": program, "version": rule_set.version if rule_set else None,
                     "in_force": in_force, "in_force_kpm": _enrolled(request.user, in_force),
                     "latest": latest, "latest_kpm": _enrolled(request.user, latest),
                     "latest_url": run_url(latest) if latest else ""})
    return render(request, "programs/program_list.html", {
        "rows": rows, "may_view_overlap": policy.role_allows(request.user,
                                                             policy.VIEW_ENROLLMENT)})


def rules_in_words(definition: dict, lang: str) -> dict:
    """Clauses and segments as the program page shows them, in the user's language."""
    clauses = [{"id": c.get("id"), "kind": c.get("kind"), "expr": c.get("expr"),
                "text": (c.get("reason") or {}).get(lang) or (c.get("reason") or {}).get("id")
                or c.get("id"), "source": c.get("source", "")}
               for c in definition.get("clauses") or []]
    segments = [{"code": s.get("code"), "when": s.get("when"),
                 "name": (s.get("name") or {}).get(lang) or (s.get("name") or {}).get("id", ""),
                 "source": s.get("source", "")}
                for s in definition.get("segments") or []]
    return {"clauses": clauses, "segments": segments}


def benefit_lines(program: Program, benefit: dict, lang: str) -> dict:
    """The benefit formula in words: amounts in rupiah, per period or per year."""
    period = str(PER_PERIOD.get(program.frequency, ""))
    if "components" in benefit:
        return {"kind": "components", "period": _("per year"), "cap": benefit.get("cap"),
                "stages": benefit.get("stages") or 1,
                "items": [{"name": (c.get("name") or {}).get(lang) or c.get("id"),
                           "expr": c.get("count"), "amount": c.get("amount", 0)}
                          for c in benefit["components"]], "source": benefit.get("source", "")}
    if "cases" in benefit:
        return {"kind": "cases", "period": period,
                "items": [{"name": (c.get("name") or {}).get(lang) or "", "expr": c.get("when"),
                           "amount": c.get("amount", 0)} for c in benefit["cases"]],
                "source": benefit.get("source", "")}
    return {"kind": "fixed", "period": period, "amount": benefit.get("per_period", 0),
            "item": (benefit.get("item") or {}).get(lang, ""), "source": benefit.get("source", "")}


def _quotas(program: Program) -> dict[str, int]:
    return dict(program.quotas.values_list("region_code", "count"))


def _quota_rows(program: Program) -> list[dict]:
    quotas = list(program.quotas.values_list("region_code", "count"))
    names = dict(Region.objects.filter(code__in=[c for c, _n in quotas if c])
                 .values_list("code", "name"))
    return [{"code": code, "name": names.get(code, "") if code else _("National"), "count": n}
            for code, n in quotas]


@login_required
@require_GET
def program_detail(request: HttpRequest, code: str) -> HttpResponse:
    policy.require(request.user, policy.VIEW_PROGRAMS)
    program = _program(code)
    return render(request, "programs/program_detail.html", _detail_context(request, program))


def _detail_context(request: HttpRequest, program: Program, **extra) -> dict:
    lang = _lang()
    rule_set = services.current_rule_set(program)
    definition = rule_set.definition if rule_set else {}
    runs = list(program.runs.select_related("program", "created_by", "rule_set")[:RECENT_RUNS])
    for run in runs:
        run.url = run_url(run)
    user = request.user
    return {
        "program": program, "rule_set": rule_set, **rules_in_words(definition, lang),
        "benefit": benefit_lines(program, definition.get("benefit") or {}, lang),
        "quotas": _quota_rows(program),
        "versions": program.rule_sets.select_related("created_by"),
        "runs": runs, "in_force": services.previous_frozen(program),
        "may_edit": policy.can(user, policy.EDIT_PROGRAM_RULES),
        "may_run": policy.can(user, policy.RUN_ELIGIBILITY),
        "quota_form": extra.get("quota_form") or forms.QuotaForm(existing=_quotas(program)),
        "run_form": extra.get("run_form") or forms.RunForm(),
        "period_example": services.PERIOD_FORMATS[program.frequency][1],
    }


@login_required
@require_POST
def quota_set(request: HttpRequest, code: str) -> HttpResponse:
    policy.require(request.user, policy.EDIT_PROGRAM_RULES)
    program = _program(code)
    form = forms.QuotaForm(request.POST, existing=_quotas(program))
    if form.is_valid():
        region, count = form.cleaned_data["region_code"], form.cleaned_data["count"]
        try:
            services.set_quota(program, region, count, _ctx(request, "quota"))
        except services.ProgramError as error:
            form.add_error(None, error.message(_lang()))
        else:
            messages.success(request, _("Quota saved.") if count is not None
                             else _("Quota removed."))
            return redirect("programs:program_detail", code=program.code)
    return render(request, "programs/program_detail.html",
                  _detail_context(request, program, quota_form=form), status=400)


@login_required
@require_POST
def run_start(request: HttpRequest, code: str) -> HttpResponse:
    """An enrollment run for a period, in the job worker; answers at once with the job page."""
    policy.require(request.user, policy.RUN_ELIGIBILITY)
    program = _program(code)
    form = forms.RunForm(request.POST)
    if form.is_valid():
        period = form.cleaned_data["period"].strip()
        try:
            services.check_startable(program, period)
        except services.ProgramError as error:
            form.add_error("period", error.message(_lang()))
        else:
            job = start_run(_ctx(request), services.RunRequest(program, period),
                            "enrollment run")
            return redirect(job)
    return render(request, "programs/program_detail.html",
                  _detail_context(request, program, run_form=form), status=400)


# --- rule editor ------------------------------------------------------------------------------


def _base(program: Program, version: str | None):
    """The version the editor starts from: ?versi=N, else the current one."""
    if version and version.isdigit():
        rule_set = program.rule_sets.filter(version=int(version)).first()
        if rule_set is None:
            raise Http404
        return rule_set
    return services.current_rule_set(program) or program.rule_sets.first()


def _attribute_reference(unit: str, lang: str) -> dict:
    attributes = [{"name": a.name, "type": a.type, "text": a.id if lang == "id" else a.en}
                  for a in for_unit(unit).values()]
    index = 0 if lang == "id" else 1
    lists = [(kind, str(label), FUNCTIONS["on_list"][index].format(arg=kind))
             for kind, label in ListKind.choices]
    names = dict(Program.objects.values_list("code", "name" if lang == "id" else "name_en"))
    programs = [(code, FUNCTIONS["in_program"][index].format(arg=names.get(code, code)))
                for code in sorted(services.rule_context(unit).program_codes)]
    return {"attributes": attributes, "lists": lists, "programs": programs}


def where_label(where: str) -> str:
    """compile.build's place of a problem ('clause 3 (desil)') in the user's language."""
    patterns = [
        (r"clause (\d+) \((.*)\)", lambda m: _("Clause %(n)s (%(id)s)") % {"n": m[1], "id": m[2]}),
        (r"segment (\d+)", lambda m: _("Segment %(n)s") % {"n": m[1]}),
        (r"benefit case (\d+)", lambda m: _("Benefit case %(n)s") % {"n": m[1]}),
        (r"benefit component (\d+)", lambda m: _("Benefit component %(n)s") % {"n": m[1]}),
        (r"benefit", lambda m: _("Benefit")),
        (r"clauses", lambda m: _("Clauses")),
    ]
    for pattern, label in patterns:
        found = re.fullmatch(pattern, where)
        if found:
            return label(found)
    return where


class Editor:
    """The editor's forms bound to one base version (and to the posted data, if any)."""

    def __init__(self, program: Program, base, data=None):
        self.program, self.base = program, base
        definition = base.definition if base else {"clauses": [], "benefit": {"per_period": 0}}
        self.definition = definition
        self.clauses = forms.ClauseFormSet(data, prefix="clause",
                                           initial=None if data else forms.clause_initial(
                                               definition))
        self.segments = forms.SegmentFormSet(data, prefix="segment",
                                             initial=None if data else forms.segment_initial(
                                                 definition))
        self.benefit = forms.BenefitForm(definition.get("benefit") or {}, data, prefix="benefit")
        self.note = forms.DraftNoteForm(data)
        self.problems: list[str] = []

    def valid(self) -> bool:
        return all([self.clauses.is_valid(), self.segments.is_valid(), self.benefit.is_valid(),
                    self.note.is_valid()])

    def draft(self) -> dict:
        self.kept_clauses = forms.kept(self.clauses)
        self.kept_segments = forms.kept(self.segments)
        return forms.definition_from(
            self.definition, [c for _i, c in self.kept_clauses],
            [s for _i, s in self.kept_segments], self.benefit.apply(
                self.definition.get("benefit") or {}))

    def place(self, error: DefinitionError, lang: str) -> None:
        """Each problem beside its field, and all of them in the summary."""
        for where, problem in error.problems:
            text = problem.message(lang)
            self.problems.append(f"{where_label(where)}: {text}")
            found = re.fullmatch(r"(clause|segment) (\d+)(?: \(.*\))?", where)
            if found:
                kept = self.kept_clauses if found[1] == "clause" else self.kept_segments
                index = int(found[2]) - 1
                if index < len(kept):
                    formset = self.clauses if found[1] == "clause" else self.segments
                    form = formset.forms[kept[index][0]]
                    form.add_error(_field_of(found[1], problem), text)
            elif where.startswith("benefit"):
                self.benefit.add_error(None, f"{where_label(where)}: {text}")


def _field_of(part: str, problem: RuleError) -> str:
    if part == "segment":
        return "when"
    if "unique id" in problem.en:
        return "id"
    if "kind is" in problem.en:
        return "kind"
    return "expr"


def _editor_page(request: HttpRequest, editor: Editor, status: int = 200) -> HttpResponse:
    program = editor.program
    return render(request, "programs/rule_editor.html", {
        "program": program, "base": editor.base, "editor": editor,
        "current": services.current_rule_set(program),
        "drafts": program.rule_sets.filter(published_at__isnull=True).select_related(
            "created_by"),
        "reference": _attribute_reference(program.unit, _lang()),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def rule_editor(request: HttpRequest, code: str) -> HttpResponse:
    policy.require(request.user, policy.EDIT_PROGRAM_RULES)
    program = _program(code)
    base = _base(program, request.GET.get("versi") or request.POST.get("base_version"))
    if request.method == "GET":
        return _editor_page(request, Editor(program, base))
    editor = Editor(program, base, request.POST)
    if not editor.valid():
        return _editor_page(request, editor, status=400)
    try:
        rule_set = services.save_draft(program, editor.draft(), _ctx(request, "rule editor"),
                                       editor.note.cleaned_data["note"])
    except DefinitionError as error:
        editor.place(error, _lang())
        return _editor_page(request, editor, status=400)
    messages.success(request, _("Draft version %(version)s saved.") % {
        "version": rule_set.version})
    return redirect(reverse("programs:rule_editor", args=[program.code])
                    + f"?versi={rule_set.version}")


def _lenient_draft(program: Program, base, data) -> dict:
    """The posted draft as far as it can be read, for the preview (reasons may be missing)."""
    definition = copy.deepcopy(base.definition if base else {})
    clauses, segments = [], []
    for prefix, out, expr_key in (("clause", clauses, "expr"), ("segment", segments, "when")):
        total = data.get(f"{prefix}-TOTAL_FORMS", "0")
        for i in range(min(int(total) if total.isdigit() else 0, 100)):
            expr = (data.get(f"{prefix}-{i}-{expr_key}") or "").strip()
            if not expr or data.get(f"{prefix}-{i}-DELETE"):
                continue
            if prefix == "clause":
                out.append({"id": data.get(f"{prefix}-{i}-id") or f"c{i + 1}",
                            "kind": data.get(f"{prefix}-{i}-kind"), "expr": expr,
                            "reason": {"id": data.get(f"{prefix}-{i}-reason_id") or "",
                                       "en": data.get(f"{prefix}-{i}-reason_en") or ""}})
            else:
                code = data.get(f"{prefix}-{i}-code") or ""
                out.append({"code": int(code) if code.isdigit() else i + 1, "when": expr})
    definition["clauses"], definition["segments"] = clauses, segments
    benefit = forms.BenefitForm(definition.get("benefit") or {}, data, prefix="benefit")
    if benefit.is_valid():
        definition["benefit"] = benefit.apply(definition.get("benefit") or {})
    return definition


@login_required
@require_POST
def rule_check(request: HttpRequest, code: str) -> HttpResponse:
    """htmx, as the user types: the named field's expression checked (the error names the
    attribute), and the count preview of the whole draft over the latest snapshot."""
    policy.require(request.user, policy.EDIT_PROGRAM_RULES)
    program = _program(code)
    lang = _lang()
    field = request.headers.get("HX-Trigger-Name") or request.POST.get("field") or ""
    field_error, checked = "", False
    if re.fullmatch(r"(clause|segment)-\d+-(expr|when)", field):
        checked = True
        try:
            parse(request.POST.get(field, ""), services.rule_context(program.unit), BOOL)
        except RuleError as error:
            field_error = error.message(lang)
    base = _base(program, request.POST.get("base_version"))
    problems, counts, reasons = [], None, []
    draft = _lenient_draft(program, base, request.POST)
    try:
        spec = services.spec_of(program, draft)
    except DefinitionError as error:
        problems = [f"{where_label(w)}: {e.message(lang)}" for w, e in error.problems]
    else:
        counts = preview.preview(program, spec)
        reasons = [(reason_text(draft, r, lang), n) for r, n in counts.reasons] if counts else []
    return render(request, "programs/_rule_check.html", {
        "program": program, "field": field, "checked": checked, "field_error": field_error,
        "reason_hint": checked and _reason_unchanged(base, request.POST, field),
        "problems": problems, "counts": counts, "reasons": reasons, "oob": bool(field),
    })


def _reason_unchanged(base, data, field: str) -> bool:
    """True when the clause's expression differs from the base version's but its explanation
    does not: the text people read may no longer say what the rule does."""
    found = re.fullmatch(r"clause-(\d+)-expr", field)
    if not found or base is None:
        return False
    prefix = f"clause-{found[1]}-"
    was = next((c for c in base.definition.get("clauses") or []
                if c.get("id") == data.get(prefix + "id")), None)
    if was is None:
        return False
    reason = was.get("reason") or {}
    return ((data.get(field) or "").strip() != (was.get("expr") or "").strip()
            and (data.get(prefix + "reason_id") or "").strip() == reason.get("id", "").strip()
            and (data.get(prefix + "reason_en") or "").strip() in ("", reason.get("en", "")))


@login_required
@require_http_methods(["GET", "POST"])
def rule_publish(request: HttpRequest, code: str, version: int) -> HttpResponse:
    """GET: the confirmation, listing what differs from the version runs use now; POST with
    `confirm`: publish."""
    policy.require(request.user, policy.EDIT_PROGRAM_RULES)
    program = _program(code)
    rule_set = get_object_or_404(program.rule_sets, version=version)
    if request.method == "GET" or not request.POST.get("confirm"):
        current = services.current_rule_set(program)
        return render(request, "programs/rule_publish.html", {
            "program": program, "rule_set": rule_set, "current": current,
            "differences": rule_set_differences(current.definition if current else {},
                                                rule_set.definition, _lang()),
        })
    try:
        services.publish(rule_set, _ctx(request, "publish rules"))
    except services.ProgramError as error:
        messages.error(request, error.message(_lang()))
    except DefinitionError as error:
        messages.error(request, "; ".join(error.messages(_lang())))
    else:
        messages.success(request, _("Version %(version)s published: runs use it from now on.")
                         % {"version": rule_set.version})
    return redirect("programs:program_detail", code=program.code)


# --- what-if ----------------------------------------------------------------------------------


@login_required
@require_GET
def overlap_report(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.VIEW_ENROLLMENT)
    with_names = policy.role_allows(request.user, policy.VIEW_REGISTRY)
    return render(request, "programs/overlap.html", {
        "report": overlap.overlap_report(request.user, with_names, _lang()),
        "with_names": with_names,
    })


@login_required
@require_GET
def overlap_households(request: HttpRequest, code: str, other: str) -> HttpResponse:
    """Every household on both lists in force of an exclusive pair, page by page."""
    policy.require(request.user, policy.VIEW_ENROLLMENT)
    if not policy.role_allows(request.user, policy.VIEW_REGISTRY):
        raise Http404
    program, other_program = _program(code), _program(other)
    in_force = overlap.lists_in_force()
    run, other_run = in_force.get(program.pk), in_force.get(other_program.pk)
    if run is None or other_run is None:
        raise Http404
    page = overlap.household_page(request.user, run, other_run, request.GET.get("page"))
    return render(request, "programs/overlap_households.html", {
        "program": program, "other": other_program, "run": run, "other_run": other_run,
        "page": page})


urlpatterns = [
    path("", program_list, name="program_list"),
    path("tumpang-tindih/", overlap_report, name="overlap"),
    path("tumpang-tindih/<slug:code>/<slug:other>/", overlap_households,
         name="overlap_households"),
    path("<slug:code>/", program_detail, name="program_detail"),
    path("<slug:code>/kuota/", quota_set, name="quota_set"),
    path("<slug:code>/jalankan/", run_start, name="run_start"),
    path("<slug:code>/aturan/", rule_editor, name="rule_editor"),
    path("<slug:code>/aturan/periksa/", rule_check, name="rule_check"),
    path("<slug:code>/aturan/<int:version>/terbitkan/", rule_publish, name="rule_publish"),
]
