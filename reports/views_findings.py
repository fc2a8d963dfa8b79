"""Pages of the audit board's checks (reports.findings): every check's KPM and rupiah for a
region and each region one level down (drill-down), the KPM behind one check (paged, with why),
and its XLSX (written by a job). Every page is bounded by the user's region (accounts.policy);
a region outside it is a 404. Lists and exports by name are audited reads (UU 27/2022
processing trail)."""

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import policy
from audit import services as audit
from base.i18n import content_language
from payments.models import PaymentCycle
from programs.models import Program
from registry.identity import mask_nik
from wilayah import selectors as regions
from wilayah.models import Level

from . import findings, tasks
from .findings import BY_CODE, CHECKS, Scope
from .findings_export import sees_full_nik

PAGE_SIZE = 50
READ_ACTION = "reports.findings.read"
_PERIOD = re.compile(r"^[0-9A-Za-z-]{1,16}$")
_REGION = re.compile(r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$")
_LEVEL_OF_LENGTH = {2: Level.PROVINCE, 5: Level.REGENCY, 8: Level.DISTRICT, 13: Level.VILLAGE}


@dataclass(frozen=True)
class Selection:
    """What the user asked for, checked against the policy: the Scope and its words."""

    scope: Scope
    programs: list[Program]
    years: list[int]

    def query(self, **changes) -> str:
        params = {"program": self.scope.program.code, "year": self.scope.year,
                  "period": self.scope.period, "region": self.scope.region} | changes
        return urlencode({k: v for k, v in params.items() if v != ""})


def _selection(request: HttpRequest) -> Selection:
    """The program, year, period and region of the request; the region defaults to the user's
    own and must lie inside it (404 otherwise, as for a record of another region)."""
    user = request.user
    if not policy.role_allows(user, policy.VIEW_FINDINGS):
        raise PermissionDenied(policy.VIEW_FINDINGS)
    own = policy.scope_prefix(user) or ""
    region = request.GET.get("region", "").strip() or own
    if region and not (_REGION.match(region) and policy.can(user, policy.VIEW_FINDINGS, region)):
        raise Http404
    programs = list(Program.objects.order_by("code"))
    if not programs:
        raise Http404
    code = request.GET.get("program", "")
    program = next((p for p in programs if p.code == code), None)
    if program is None and code:
        raise Http404
    years = sorted(set(PaymentCycle.objects.values_list("year", flat=True)), reverse=True)
    if program is None:
        with_cycles = (PaymentCycle.objects.values("program_id")
                       .annotate(last=Max("year")).order_by("-last", "program_id").first())
        program = next((p for p in programs if with_cycles and p.pk == with_cycles["program_id"]),
                       programs[0])
    try:
        year = int(request.GET.get("year") or (years[0] if years else timezone.localdate().year))
    except ValueError:
        raise Http404 from None
    period = request.GET.get("period", "").strip()
    if period and not _PERIOD.match(period):
        raise Http404
    return Selection(Scope(program, year, period, region), programs, years)


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Every check's payments, KPM and rupiah in the region, and per region one level down
    (a link drills down into it); the reasons cards were not handed out."""
    selection = _selection(request)
    own = policy.scope_prefix(request.user) or ""
    result = findings.findings(selection.scope, content_language())
    names = regions.names(set(result.children))
    child_level = _LEVEL_OF_LENGTH.get(findings.child_length(selection.scope.region))
    children = [{
        "code": code, "name": names.get(code, code),
        "figures": [result.children[code].get(c.code, findings.Figure()) for c in CHECKS],
        "query": selection.query(region=code) if len(code) < 13 else "",
    } for code in sorted(result.children) if len(selection.scope.region) < 13]
    ancestors = [r for r in regions.ancestors(selection.scope.region)
                 if len(r.code) >= len(own)] if selection.scope.region else []
    up = [(r.name, selection.query(region=r.code)) for r in ancestors[:-1]]
    if own == "" and selection.scope.region:
        up.insert(0, (_("Indonesia (national)"), selection.query(region="")))
    rows = [{"check": c, "figure": result.totals[c.code]} for c in CHECKS]
    card_words = findings.CARD_REASONS
    return render(request, "reports/findings.html", {
        "selection": selection, "scope": selection.scope, "result": result,
        "rows": rows, "checks": CHECKS, "children": children,
        "child_level": child_level.label if child_level else "",
        "region_name": regions.label_or_nation(selection.scope.region), "up": up,
        "card_reasons": [(str(card_words.get(k, k)), f) for k, f in result.card_reasons.items()],
    })


def _check(code: str):
    check = BY_CODE.get(code)
    if check is None:
        raise Http404
    return check


def _items(check: str, payments: list, extra: dict, full_nik: bool) -> list[dict]:
    names = regions.names({p.village_code for p in payments})
    return [{"p": p, "village": names.get(p.village_code, p.village_code),
             "nik": (p.nik if full_nik else mask_nik(p.nik)) if p.nik else "—",
             "why": findings.detail_of(check, p, extra)} for p in payments]


def _ctx(request: HttpRequest, reason: str) -> audit.Context:
    return audit.Context(actor=request.user, reason=reason, source_ref=request.path[:100])


def _read_changes(selection: Selection, check: str, **more) -> dict:
    s = selection.scope
    return {"check": check, "program": s.program.code, "year": s.year, "period": s.period,
            "region": s.region} | more


@login_required
@require_GET
def check_list(request: HttpRequest, check: str) -> HttpResponse:
    """The payments one check finds in the region, 50 a page, with why each is a finding; the
    read is audited with the payments shown."""
    found = _check(check)
    selection = _selection(request)
    lang = content_language()
    qs, extra = findings.rows_of(check, selection.scope, lang)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    payments = list(page.object_list)
    full_nik = sees_full_nik(request.user)
    audit.record(_ctx(request, _("Audit findings: list")), READ_ACTION, selection.scope.program,
                 _read_changes(selection, check, page=page.number,
                               payments=[p.pk for p in payments],
                               nik="full" if full_nik else "masked"),
                 region_code=selection.scope.region)
    return render(request, "reports/findings_check.html", {
        "selection": selection, "scope": selection.scope, "check": found,
        "items": _items(check, payments, extra, full_nik), "page": page,
        "total": page.paginator.count, "full_nik": full_nik,
        "region_name": regions.label_or_nation(selection.scope.region),
        "snapshot": extra.get("snapshot"), "outside": check == "outside_rules",
        "next_query": (selection.query(page=page.next_page_number())
                       if page.has_next() else ""),
        "prev_query": (selection.query(page=page.previous_page_number())
                       if page.has_previous() else ""),
    })


@login_required
@require_POST
def check_xlsx(request: HttpRequest, check: str) -> HttpResponse:
    """Start the XLSX of the check's payments in the region (the selection rides in the query
    string): the answer is the job page, where the file is downloaded."""
    _check(check)
    selection = _selection(request)
    job = tasks.start_findings_export(_ctx(request, _("Audit findings: export")), check,
                                      selection.scope, content_language())
    return redirect(job)
