"""The public open-data pages (no login; issue 16, item 6): the table per kabupaten/kota for a
period and program, and its CSV and XLSX. Aggregates from the summary tables only, suppressed
by opendata.rules: nothing here is personal data, so nothing is audited.

Public and read by many, so the work is cached (django's cache), keyed by the last summary
refresh: a new refresh makes new keys, and the old entries age out. The page itself is not
cached whole (it carries the visitor's CSRF token and navbar), only the table inside it."""

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from base.i18n import content_language
from portal import limits
from portal.views import too_many
from programs.models import Program
from reports import selectors as summaries
from reports.metrics import BY_CODE

from . import exports, tables

_PERIOD = re.compile(r"^[0-9]{4}-[0-9]{2}$")
_PROVINCE = re.compile(r"^[0-9]{2}$")
CACHE_SECONDS = 6 * 3600  # keys change with each refresh; this only bounds the memory held


def _cached(key: str, build: Callable[[], Any]) -> Any:
    key = f"opendata:{key}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, getattr(settings, "OPENDATA_CACHE_SECONDS", CACHE_SECONDS))
    return value


def _programs() -> list[tuple[str, str]]:
    lang = content_language()
    return [(p.code, p.name_en if lang == "en" and p.name_en else p.name)
            for p in Program.objects.order_by("code")]


def _as_of(refresh) -> str:
    if refresh is None or refresh.finished_at is None:
        return "-"
    return formats.date_format(timezone.localtime(refresh.finished_at), "j F Y H:i")


class Selection:
    """The period, program and province asked for (validated: they go into cache keys), with
    the defaults: the latest period, Sembako (else the first program), every province."""

    def __init__(self, request: HttpRequest):
        self.refresh = summaries.last_refresh()
        version = self.refresh.pk if self.refresh else 0
        self.periods = _cached(f"{version}:periods", lambda: summaries.region_periods(""))
        self.programs = _programs()
        self.period = request.GET.get("period", "") or (self.periods[0] if self.periods else "")
        self.program = request.GET.get("program", "")
        self.province = request.GET.get("province", "")
        codes = [code for code, _name in self.programs]
        if (self.period and not _PERIOD.match(self.period)) or (
                self.program and self.program not in codes) or (
                self.province and not _PROVINCE.match(self.province)):
            raise Http404
        self.program = self.program or summaries.default_program(codes)
        self.key = f"{version}:{self.period}:{self.program}"

    @property
    def program_name(self) -> str:
        return dict(self.programs).get(self.program, self.program)

    def whole(self) -> tables.Table:
        """Every province (cached per refresh, period and program)."""
        return _cached(f"{self.key}:table", lambda: tables.build(self.period, self.program))

    def table(self) -> tables.Table:
        """The table cut to the province asked for, if any."""
        whole = self.whole()
        return whole.only(self.province) if self.province else whole

    def file_key(self, kind: str) -> str:
        return f"{self.key}:{self.province}:{get_language()}:{kind}"


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    s = Selection(request)
    table = s.table() if s.period else None
    provinces = [g.province for g in s.whole().groups] if table else []
    html = ""
    if table:
        html = _cached(s.file_key("html"), lambda: render_to_string("opendata/table.html", {
            "table": table, "columns": [BY_CODE[c] for c in tables.COLUMNS]}))
    query = {"period": s.period, "program": s.program, "province": s.province}
    return render(request, "opendata/index.html", {
        "s": s, "table": table, "table_html": mark_safe(html),  # noqa: S308 (our template)
        "provinces": provinces, "as_of": _as_of(s.refresh),
        "query": urlencode({k: v for k, v in query.items() if v})})


def _download(request: HttpRequest, kind: str) -> HttpResponse:
    if limits.refused(request, "opendata"):
        return too_many(request)
    s = Selection(request)
    if not s.period:
        raise Http404
    write = exports.to_csv if kind == "csv" else exports.to_xlsx
    data = _cached(s.file_key(kind),
                   lambda: write(s.table(), s.program_name, _as_of(s.refresh)))
    content_type = ("text/csv; charset=utf-8" if kind == "csv" else
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"kesos-data-terbuka-{s.program}-{s.period}{'-' + s.province if s.province else ''}"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


@require_GET
def download_csv(request: HttpRequest) -> HttpResponse:
    return _download(request, "csv")


@require_GET
def download_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, "xlsx")
