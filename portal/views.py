"""The public pages (no login): cek bansos, why not, usul / sanggah / complaint, tracking.
Thin: rate limit first (cheap, cache only), then the form, then a selector or a service. No
personal data goes to logs; names leave only through portal.masking.mask_name."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grievance import selectors as grievance_selectors
from grievance import services as grievance_services
from wilayah import selectors as regions
from wilayah.models import Level

from . import limits, selectors, whynot
from .forms import FORMS, LookupForm, SatisfactionForm, TrackForm, WhyNotForm

CASCADE = {Level.REGENCY: "province", Level.DISTRICT: "regency", Level.VILLAGE: "district"}


def too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/too_many.html", status=429)


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    """A page with a form: the provinces for the first select of the region cascade."""
    context.setdefault("provinces", regions.children(""))
    return render(request, template, context, status=status)


def _keep_session(request: HttpRequest) -> None:
    """Give a browser a session on the form page so the per-session limit can count it."""
    if not request.session.session_key:
        request.session["portal"] = True


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        _keep_session(request)
        return _page(request, "portal/lookup.html", {"form": LookupForm()})
    if limits.refused(request, "lookup"):
        return too_many(request)
    form = LookupForm(request.POST)
    if not form.is_valid():
        return _page(request, "portal/lookup.html", {"form": form}, status=400)
    data = form.cleaned_data
    if data["nik"]:
        results = selectors.by_nik(data["nik"])
        region = ""
    else:
        results = selectors.by_name(data["village"], data["name"])
        region = selectors.region_label(data["village"])
    return render(request, "portal/results.html", {"results": results, "region": region})


@require_GET
def region_options(request: HttpRequest) -> HttpResponse:
    """<option>s of the next level of the cascade: `?level=` the level wanted, the parent's
    code in the parameter named after the level above (as the select sends it)."""
    try:
        level = int(request.GET.get("level", Level.PROVINCE))
    except ValueError:
        level = Level.PROVINCE
    level = min(max(level, Level.PROVINCE), Level.VILLAGE)
    parent = request.GET.get(CASCADE.get(level, ""), "")[:13]
    options = regions.children(parent) if level == Level.PROVINCE or parent else []
    return render(request, "portal/region_options.html",
                  {"regions": options, "level_label": Level(level).label})


@require_http_methods(["GET", "POST"])
def why_not(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        _keep_session(request)
        return render(request, "portal/why_not.html", {"form": WhyNotForm()})
    if limits.refused(request, "why_not"):
        return too_many(request)
    form = WhyNotForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/why_not.html", {"form": form}, status=400)
    answer = whynot.why_not(form.cleaned_data["nik"], form.cleaned_data["kk_number"])
    return render(request, "portal/why_not.html",
                  {"form": WhyNotForm(), "answer": answer, "asked": True})


FIELD_OF_KEY = {"village_code": "village"}
SLUGS = {"usul": "usul", "sanggah": "sanggah", "pengaduan": "complaint"}  # URL -> kind


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, slug: str) -> HttpResponse:
    kind = SLUGS.get(slug, "")
    form_class = FORMS.get(kind)
    if form_class is None:
        raise Http404
    template = "portal/submit.html"
    if request.method == "GET":
        _keep_session(request)
        return _page(request, template, {"form": form_class(), "kind": kind, "slug": slug})
    if limits.refused(request, "submit"):
        return too_many(request)
    form = form_class(request.POST, request.FILES)
    if form.is_bot():
        return render(request, "portal/refused.html", status=400)
    if form.is_valid():
        photo = form.cleaned_data.get("photo")
        try:
            submission = grievance_services.submit_public(kind, form.service_data(),
                                                 attachments=[photo] if photo else [],
                                                 channel="web")
        except ValidationError as error:
            for key, problems in error.message_dict.items():
                field = FIELD_OF_KEY.get(key, key)
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("Thank you. Your tracking number is %(number)s; keep "
                                        "it to follow your report.") % {
                                            "number": submission.tracking_number})
            return redirect(reverse("portal:track") + "?nomor=" + submission.tracking_number)
    return _page(request, template, {"form": form, "kind": kind, "slug": slug}, status=400)


@require_GET
def track(request: HttpRequest) -> HttpResponse:
    if "nomor" not in request.GET:
        return render(request, "portal/track.html", {"form": TrackForm()})
    if limits.refused(request, "track"):
        return too_many(request)
    form = TrackForm({"tracking_number": request.GET["nomor"]})
    timeline = None
    if form.is_valid():
        number = form.cleaned_data["tracking_number"]
        timeline = grievance_selectors.public_timeline(number)
    return render(request, "portal/track.html", {
        "form": form, "timeline": timeline, "asked": True,
        "satisfaction": SatisfactionForm() if timeline and timeline.can_rate else None},
        status=200 if timeline else 404)


@require_POST
def satisfaction(request: HttpRequest, number: str) -> HttpResponse:
    if limits.refused(request, "track"):
        return too_many(request)
    form = SatisfactionForm(request.POST)
    back = reverse("portal:track") + "?nomor=" + number[:20]
    if form.is_valid():
        try:
            grievance_services.record_satisfaction(number[:20], form.cleaned_data["score"],
                                          form.cleaned_data["comment"])
        except ValidationError:
            messages.error(request, _("This report cannot be rated now."))
        else:
            messages.success(request, _("Thank you for your answer."))
    return redirect(back)
