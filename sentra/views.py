"""Sentra Kreasi ATENSI pages: the units in scope, a unit (facilities, partners, participants,
training), a participant (businesses, aid, sales, placements, outcomes), the stall page where a
sale is rung up, and the yearly report with its XLSX export. Thin: parse, call, render."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import policy
from audit.services import Context, record_read
from programs.explain import frozen_programs_of
from registry.identity import mask_nik
from wilayah.selectors import within_scope

from . import selectors, services
from .exports import report_workbook
from .forms import (
    AidForm,
    BusinessForm,
    FacilityForm,
    FollowUpForm,
    OutcomeForm,
    ParticipantForm,
    PartnerForm,
    PlacementForm,
    ProductForm,
    ReportForm,
    SaleForm,
    TrainingForm,
    UnitForm,
)
from .models import Unit
from .reports import yearly_report


def _ctx(request: HttpRequest) -> Context:
    return Context(actor=request.user, source_ref=request.path[:100])


def _may(user, action: str, unit: Unit | None = None) -> bool:
    return policy.can(user, action, unit.region_id if unit else None)


def _require(user, action: str, unit: Unit | None = None) -> None:
    if not _may(user, action, unit):
        raise PermissionDenied(action)


def _submit(request: HttpRequest, form, action: Callable[[dict], object], done: str) -> bool:
    """Run `action` on a valid form; errors of the service land on the field they name."""
    if not form.is_valid():
        return False
    try:
        action(form.cleaned_data)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return False
    messages.success(request, done)
    return True


@login_required
@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    _require(request.user, policy.VIEW_SENTRA)
    today = timezone.localdate()
    return render(
        request,
        "sentra/units.html",
        {
            "units": selectors.units_for(request.user).order_by("region__code", "name"),
            "due": selectors.follow_ups_due(request.user, today),
            "can_manage": _may(request.user, policy.MANAGE_SENTRA),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    _require(request.user, policy.MANAGE_SENTRA)
    form = UnitForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in UnitForm.Meta.fields}
        values["region_id"] = form.cleaned_data["region"]
        try:
            unit = services.add_unit(_ctx(request), **values)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The unit was saved."))
            return redirect("sentra:unit", unit.pk)
    return render(request, "sentra/unit_form.html", {"form": form})


def _unit_context(request: HttpRequest, unit: Unit, **forms) -> dict:
    manage = _may(request.user, policy.MANAGE_SENTRA, unit)
    rec = _may(request.user, policy.RECORD_SENTRA, unit)
    context = {
        "unit": unit,
        "facilities": unit.facilities.all(),
        "partners": unit.partners.all(),
        "participants": unit.participants.select_related("member").order_by("member__name"),
        "trainings": unit.trainings.select_related("partner")[:50],
        "can_manage": manage,
        "can_record": rec,
    }
    if manage:
        context["facility_form"] = forms.get("facility_form") or FacilityForm()
        context["partner_form"] = forms.get("partner_form") or PartnerForm()
    if rec:
        context["training_form"] = forms.get("training_form") or TrainingForm(
            unit=unit, initial={"held_on": timezone.localdate()}
        )
    return context


@login_required
@require_GET
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = selectors.unit_for(request.user, unit_id)
    return render(request, "sentra/unit.html", _unit_context(request, unit))


def _unit_post(request, unit_id, action, form_class, name, service, done, **form_kwargs):
    unit = selectors.unit_for(request.user, unit_id)
    _require(request.user, action, unit)
    form = form_class(request.POST, **form_kwargs(unit))
    if _submit(request, form, lambda data: service(_ctx(request), unit, **data), done):
        return redirect("sentra:unit", unit.pk)
    context = _unit_context(request, unit, **{name: form})
    return render(request, "sentra/unit.html", context, status=422)


def _no_kwargs(unit):
    return {}


@login_required
@require_POST
def facility_add(request: HttpRequest, unit_id: int) -> HttpResponse:
    return _unit_post(
        request,
        unit_id,
        policy.MANAGE_SENTRA,
        FacilityForm,
        "facility_form",
        services.add_facility,
        _("The facility was saved."),
        form_kwargs=_no_kwargs,
    )


@login_required
@require_POST
def partner_add(request: HttpRequest, unit_id: int) -> HttpResponse:
    return _unit_post(
        request,
        unit_id,
        policy.MANAGE_SENTRA,
        PartnerForm,
        "partner_form",
        services.add_partner,
        _("The partner was saved."),
        form_kwargs=_no_kwargs,
    )


@login_required
@require_POST
def training_add(request: HttpRequest, unit_id: int) -> HttpResponse:
    return _unit_post(
        request,
        unit_id,
        policy.RECORD_SENTRA,
        TrainingForm,
        "training_form",
        services.add_training,
        _("The training session was saved."),
        form_kwargs=lambda unit: {"unit": unit},
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_add(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = selectors.unit_for(request.user, unit_id)
    _require(request.user, policy.RECORD_SENTRA, unit)
    form = ParticipantForm(request.POST or None)
    created = {}

    def enroll(data: dict) -> None:
        created["participant"] = services.enroll(_ctx(request), unit, **data)

    if request.method == "POST" and _submit(request, form, enroll, _("The participant was saved.")):
        return redirect("sentra:participant", created["participant"].pk)
    return render(request, "sentra/participant_form.html", {"unit": unit, "form": form})


def _participant_context(request: HttpRequest, participant, **forms) -> dict:
    today = timezone.localdate()
    unit = participant.unit
    rec = _may(request.user, policy.RECORD_SENTRA, unit)
    businesses = list(
        participant.businesses.select_related("facility").prefetch_related("products")
    )
    placements = list(
        participant.placements.select_related("partner").prefetch_related("follow_ups")
    )
    context = {
        "participant": participant,
        "unit": unit,
        "member": participant.member,
        "nik": participant.member.nik if rec else mask_nik(participant.member.nik),
        "programs": sorted(frozen_programs_of(participant.member.household, today)),
        "businesses": [
            (
                b,
                selectors.revenue(b.sales.all()),
                forms.get(f"product_form_{b.pk}") or ProductForm(),
            )
            for b in businesses
        ],
        "revenue": selectors.participant_revenue(participant),
        "assets": participant.assets.select_related("business"),
        "sales": selectors.sales_of(participant)[:20],
        "placements": [(p, selectors.follow_ups(p, today)) for p in placements],
        "attendance": participant.attendance.select_related("session").order_by(
            "-session__held_on"
        ),
        "outcomes": participant.outcomes.all(),
        "can_record": rec,
    }
    if rec:
        context |= {
            "business_form": forms.get("business_form")
            or BusinessForm(unit=unit, initial={"started_on": today}),
            "aid_form": forms.get("aid_form")
            or AidForm(participant=participant, initial={"given_on": today}),
            "placement_form": forms.get("placement_form")
            or PlacementForm(unit=unit, initial={"started_on": today}),
            "follow_up_form": forms.get("follow_up_form")
            or FollowUpForm(initial={"checked_on": today}),
            "outcome_form": forms.get("outcome_form")
            or OutcomeForm(initial={"assessed_on": today}),
        }
    return context


@login_required
@require_GET
def participant_detail(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = selectors.participant_for(request.user, participant_id)
    record_read(_ctx(request), participant, participant.unit.region_id)
    return render(request, "sentra/participant.html", _participant_context(request, participant))


def _participant_post(request, participant, form, name, action, done):
    _require(request.user, policy.RECORD_SENTRA, participant.unit)
    if _submit(request, form, action, done):
        return redirect("sentra:participant", participant.pk)
    context = _participant_context(request, participant, **{name: form})
    return render(request, "sentra/participant.html", context, status=422)


@login_required
@require_POST
def business_add(request: HttpRequest, participant_id: int) -> HttpResponse:
    p = selectors.participant_for(request.user, participant_id)
    form = BusinessForm(request.POST, unit=p.unit)
    return _participant_post(
        request,
        p,
        form,
        "business_form",
        lambda data: services.add_business(_ctx(request), p, **data),
        _("The business was saved."),
    )


@login_required
@require_POST
def product_add(request: HttpRequest, business_id: int) -> HttpResponse:
    business = selectors.business_for(request.user, business_id)
    form = ProductForm(request.POST)
    return _participant_post(
        request,
        business.participant,
        form,
        f"product_form_{business.pk}",
        lambda data: services.add_product(_ctx(request), business, **data),
        _("The product was saved."),
    )


@login_required
@require_POST
def aid_add(request: HttpRequest, participant_id: int) -> HttpResponse:
    p = selectors.participant_for(request.user, participant_id)
    form = AidForm(request.POST, participant=p)
    return _participant_post(
        request,
        p,
        form,
        "aid_form",
        lambda data: services.give_aid(_ctx(request), p, **data),
        _("The aid was recorded."),
    )


@login_required
@require_POST
def placement_add(request: HttpRequest, participant_id: int) -> HttpResponse:
    p = selectors.participant_for(request.user, participant_id)
    form = PlacementForm(request.POST, unit=p.unit)
    return _participant_post(
        request,
        p,
        form,
        "placement_form",
        lambda data: services.add_placement(_ctx(request), p, **data),
        _("The job placement was saved."),
    )


@login_required
@require_POST
def follow_up_add(request: HttpRequest, placement_id: int) -> HttpResponse:
    placement = selectors.placement_for(request.user, placement_id)
    form = FollowUpForm(request.POST)
    return _participant_post(
        request,
        placement.participant,
        form,
        "follow_up_form",
        lambda data: services.record_follow_up(_ctx(request), placement, **data),
        _("The follow-up was recorded."),
    )


@login_required
@require_POST
def outcome_add(request: HttpRequest, participant_id: int) -> HttpResponse:
    p = selectors.participant_for(request.user, participant_id)
    form = OutcomeForm(request.POST)
    return _participant_post(
        request,
        p,
        form,
        "outcome_form",
        lambda data: services.record_outcome(_ctx(request), p, **data),
        _("The outcome was recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    """A training session and its attendance list (present, certificate number)."""
    session = selectors.training_for(request.user, session_id)
    rec = _may(request.user, policy.RECORD_SENTRA, session.unit)
    participants = session.unit.participants.select_related("member").order_by("member__name")
    if request.method == "POST":
        _require(request.user, policy.RECORD_SENTRA, session.unit)
        rows = {
            p.pk: (
                request.POST.get(f"present_{p.pk}") == "on",
                request.POST.get(f"certificate_{p.pk}", "").strip()[:100],
            )
            for p in participants
        }
        try:
            services.record_attendance(_ctx(request), session, rows)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("The attendance was saved."))
            return redirect("sentra:training", session.pk)
    marked = {a.participant_id: a for a in session.attendance.all()}
    return render(
        request,
        "sentra/training.html",
        {
            "session": session,
            "rows": [(p, marked.get(p.pk)) for p in participants],
            "can_record": rec,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def stall(request: HttpRequest, facility_id: int) -> HttpResponse:
    """The stall page: record a sale in a few taps (built for a phone)."""
    facility = selectors.stall_for(request.user, facility_id)
    rec = _may(request.user, policy.RECORD_SENTRA, facility.unit)
    form = SaleForm(request.POST or None, facility=facility)
    status = 200
    if request.method == "POST":
        _require(request.user, policy.RECORD_SENTRA, facility.unit)

        def sell(data: dict) -> None:
            services.record_sale(_ctx(request), data.pop("product"), facility=facility, **data)

        if _submit(request, form, sell, _("The sale was recorded.")):
            return redirect("sentra:stall", facility.pk)
        status = 422
    today = timezone.localdate()
    sales = selectors.stall_sales(facility, today)
    return render(
        request,
        "sentra/stall.html",
        {
            "facility": facility,
            "form": form,
            "can_record": rec,
            "today": today,
            "today_sales": sales.select_related("product", "business")[:30],
            "today_total": selectors.revenue(sales),
        },
        status=status,
    )


def _report(request: HttpRequest):
    _require(request.user, policy.VIEW_SENTRA)
    today = timezone.localdate()
    form = ReportForm(request.GET or {"year": today.year}, user=request.user)
    year, region = today.year, ""
    if form.is_valid():
        year, region = form.cleaned_data["year"], form.cleaned_data["region"] or ""
    units = selectors.units_for(request.user)
    if region:
        units = units.filter(within_scope(region, "region__code"))
    return form, yearly_report(units, year)


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    form, result = _report(request)
    return render(request, "sentra/report.html", {"form": form, "report": result})


@login_required
@require_GET
def report_xlsx(request: HttpRequest) -> HttpResponse:
    _form, result = _report(request)
    response = HttpResponse(
        report_workbook(result),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"sentra-kreasi-atensi-{result.year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
