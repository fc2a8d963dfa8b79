"""Registry pages: home (counts for the user's scope), member search, household and member
records with their history, and the household edit and status forms. Data comes only through the
selectors and services, which apply the access policy."""

from datetime import date
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts import policy
from audit import services as audit
from base.i18n import content_language
from wilayah import selectors as regions
from wilayah.models import Level

from . import hooks, identity, selectors, services
from .forms import HouseholdAddressForm, MemberSearchForm, StatusForm
from .instrument import answer_label, member_label, questions, shipped_definition
from .models import Household, InactiveReason, Member, Sex, Status

PAGE_SIZE = 50
MAX_PAGE = 10_000

ACTION_LABELS = {
    audit.READ: gettext_lazy("Opened"),
    "registry.household.create": gettext_lazy("Created"),
    "registry.household.update": gettext_lazy("Changed"),
    "registry.household.status": gettext_lazy("Status changed"),
    "registry.member.status": gettext_lazy("Status changed"),
}
FIELD_LABELS = {
    "address": gettext_lazy("Address"),
    "rt": "RT",
    "rw": "RW",
    "latitude": gettext_lazy("Latitude"),
    "longitude": gettext_lazy("Longitude"),
    "status": gettext_lazy("Status"),
    "inactive_reason": gettext_lazy("Reason"),
    "village": gettext_lazy("Village"),
    "answers": gettext_lazy("Answers"),
}
MEMBER_CODED_FIELDS = {
    "relation_to_household_head": gettext_lazy("Relationship to the household head"),
    "relation_to_family_head": gettext_lazy("Relationship to the family head"),
    "marital_status": gettext_lazy("Marital status"),
    "disability": gettext_lazy("Disability"),
    "chronic_illness": gettext_lazy("Chronic illness"),
    "school_participation": gettext_lazy("School participation"),
    "education": gettext_lazy("Highest education"),
    "work_sector": gettext_lazy("Sector of work"),
    "employment_status": gettext_lazy("Employment status"),
}


# --- helpers ------------------------------------------------------------------------------


def _ctx(request: HttpRequest, reason: str = "") -> audit.Context:
    return audit.Context(actor=request.user, reason=reason, source_ref=request.path[:100])


def _definition(household: Household) -> dict:
    return household.instrument.definition if household.instrument else shipped_definition()


def _age(birth_date: date | None, today: date) -> int | None:
    if birth_date is None:
        return None
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - before_birthday


def _region_today(code: str) -> date:
    return timezone.localdate(timezone=ZoneInfo(regions.time_zone(code)))


def _time_zone_context(code: str) -> dict[str, str]:
    tz = regions.time_zone(code)
    return {"tz": tz, "tz_label": regions.TIME_ZONE_LABELS.get(tz, tz)}


def _choice_label(field: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    choices = {"status": Status, "inactive_reason": InactiveReason, "sex": Sex}.get(field)
    if choices and value in choices.values:
        return str(choices(value).label)
    return str(value)


def _change_rows(changes: dict, definition: dict, lang: str) -> list[tuple[str, str, str]]:
    """(label, before, after) per changed field; changed answers one question per row."""
    rows = []
    labels = questions(definition)
    for field, (before, after) in changes.items():
        if field == "answers" and isinstance(before, dict) and isinstance(after, dict):
            for key in sorted(set(before) | set(after)):
                if before.get(key) != after.get(key):
                    label = labels[key]["label"][lang] if key in labels else key
                    rows.append(
                        (
                            label,
                            answer_label(definition, key, before.get(key), lang) or "—",
                            answer_label(definition, key, after.get(key), lang) or "—",
                        )
                    )
        else:
            rows.append(
                (
                    str(FIELD_LABELS.get(field, field)),
                    _choice_label(field, before),
                    _choice_label(field, after),
                )
            )
    return rows


def _audit_history(user, record: Household | Member, definition: dict) -> dict | None:
    """Changes of a record, for everyone who may see it; who opened it (the access log) only
    for users whose role may see the audit log."""
    events = audit.history(record)
    may_audit = policy.can(user, policy.VIEW_AUDIT, record.village_id)
    lang = content_language()
    changes = [
        {
            "event": e,
            "action": ACTION_LABELS.get(e.action, e.action),
            "rows": _change_rows(e.changes, definition, lang),
        }
        for e in events.exclude(action=audit.READ)[:100]
    ]
    reads = list(events.filter(action=audit.READ)[:20]) if may_audit else []
    return {"changes": changes, "reads": reads}


def _household_or_404(user, household_id: int) -> Household:
    try:
        return selectors.household_for(user, household_id)
    except Household.DoesNotExist:
        raise Http404 from None


def _member_or_404(user, member_id: int) -> Member:
    try:
        return selectors.member_for(user, member_id)
    except Member.DoesNotExist:
        raise Http404 from None


def _is_partial(request: HttpRequest) -> bool:
    """An htmx request that swaps only the results (a history restore needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _page_number(request: HttpRequest) -> int:
    try:
        return min(max(int(request.GET.get("page", 1)), 1), MAX_PAGE)
    except ValueError:
        return 1


def _page_query(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return "?" + params.urlencode()


# --- pages --------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Households and members by status in the user's scope, and households per area one level
    below it."""
    user = request.user
    scope = policy.scope_prefix(user)
    summary = selectors.scope_summary(user)
    names = regions.names(summary["areas"].keys())
    areas = [
        {
            "code": code,
            "name": names.get(code, code),
            "active": counts.get(Status.ACTIVE, 0),
            "inactive": counts.get(Status.INACTIVE, 0),
            "total": sum(counts.values()),
            "url": reverse("member_list") + "?" + urlencode({"region": code}),
        }
        for code, counts in summary["areas"].items()
    ]
    return render(
        request,
        "registry/home.html",
        {
            "has_access": scope is not None,
            "scope_label": regions.label(scope) if scope else "",
            "households": _totals(summary["households"]),
            "members": _totals(summary["members"]),
            "areas": areas,
            "area_level_label": Level(summary["area_level"]).label,
        },
    )


def _totals(by_status: dict[str, int]) -> dict[str, int]:
    active, inactive = by_status.get(Status.ACTIVE, 0), by_status.get(Status.INACTIVE, 0)
    return {"active": active, "inactive": inactive, "total": active + inactive}


@login_required
@require_GET
def member_list(request: HttpRequest) -> HttpResponse:
    """Search members by name prefix, NIK or KK with region/status/sex filters. Pages of 50
    without counting the whole result: one extra row tells whether there is a next page."""
    form = MemberSearchForm(request.GET, user=request.user)
    page = _page_number(request)
    members: list[Member] = []
    has_next = False
    if form.is_valid():
        data = form.cleaned_data
        qs = selectors.search_members(
            request.user,
            text=data["q"],
            village=data["region"],
            status=data["status"],
            sex=data["sex"],
        )
        offset = (page - 1) * PAGE_SIZE
        rows = list(qs[offset : offset + PAGE_SIZE + 1])
        members, has_next = rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
    context = {
        "form": form,
        "members": members,
        "page": page,
        "has_next": has_next,
        "first_row": (page - 1) * PAGE_SIZE + 1,
        "last_row": (page - 1) * PAGE_SIZE + len(members),
        "next_query": _page_query(request, page + 1) if has_next else "",
        "prev_query": _page_query(request, page - 1) if page > 1 else "",
        "first_query": _page_query(request, 1),
        "searched": any(request.GET.get(k) for k in request.GET if k != "page"),
    }
    partial = _is_partial(request)
    template = "registry/_member_results.html" if partial else "registry/member_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_GET
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    household = _household_or_404(request.user, household_id)
    return _render_household(request, household)


def _render_household(
    request: HttpRequest,
    household: Household,
    address_form: HouseholdAddressForm | None = None,
    status_form: StatusForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The household page; opening it is recorded in the audit log."""
    user = request.user
    services.open_household(_ctx(request), household)
    definition = _definition(household)
    lang = content_language()
    can_change = policy.can(user, policy.CHANGE_REGISTRY, household.village_id)
    if can_change and address_form is None:
        address_form = HouseholdAddressForm(
            initial={
                "revision": household.revision,
                "address": household.address,
                "rt": household.rt,
                "rw": household.rw,
                "latitude": household.latitude,
                "longitude": household.longitude,
            }
        )
    if can_change and status_form is None:
        target = Status.INACTIVE if household.status == Status.ACTIVE else Status.ACTIVE
        status_form = StatusForm(initial={"status": target})
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "region_label": regions.label(household.village_id),
            "families": _families(household, definition, lang),
            "blocks": _answer_blocks(definition, household.answers, lang),
            "status_changes": selectors.status_history(household)[:50],
            "history": _audit_history(user, household, definition),
            "extension_blocks": hooks.household_blocks(user, household),
            "can_change": can_change,
            "can_propose": policy.can(user, policy.PROPOSE, household.village_id),
            "address_form": address_form if can_change else None,
            "status_form": status_form if can_change else None,
            **_time_zone_context(household.village_id),
        },
        status=status,
    )


def _families(household: Household, definition: dict, lang: str) -> list[dict]:
    """Members grouped by KK, each with its relationship label and age."""
    today = _region_today(household.village_id)
    families: dict[str, dict] = {}
    for m in selectors.household_members(household):
        family = families.setdefault(m.family_id, {"kk_number": m.family.kk_number, "members": []})
        family["members"].append(
            {
                "member": m,
                "age": _age(m.birth_date, today),
                "relation": member_label(
                    definition, "relation_to_household_head", m.relation_to_household_head, lang
                ),
            }
        )
    return list(families.values())


def _answer_blocks(definition: dict, answers: dict, lang: str) -> list[dict]:
    """The instrument answers by block, labelled in the active language (unanswered: —)."""

    def row(q: dict) -> tuple[str, str]:
        return q["label"][lang], answer_label(definition, q["key"], answers.get(q["key"]), lang)

    return [
        {"id": b["id"], "title": b["title"][lang], "rows": [row(q) for q in b["questions"]]}
        for b in definition["blocks"]
    ]


@login_required
@require_http_methods(["GET", "POST"])
def household_update(request: HttpRequest, household_id: int) -> HttpResponse:
    """Save address, RT/RW and coordinates; a stale revision saves nothing and says so."""
    household = _household_or_404(request.user, household_id)
    if request.method == "GET":  # a reload or language switch after a form error
        return redirect("household_detail", household_id=household.pk)
    policy.require(request.user, policy.CHANGE_REGISTRY, household.village_id)
    form = HouseholdAddressForm(request.POST)
    if not form.is_valid():
        return _render_household(request, household, address_form=form, status=400)
    try:
        services.update_household(
            _ctx(request, form.cleaned_data["reason"]),
            household.pk,
            form.cleaned_data["revision"],
            form.changes(),
        )
    except services.StaleRecord:
        messages.error(
            request,
            _(
                "The record was changed by someone else while you were editing, so your change was "
                "not saved. Reload the page to see the current data, then make your change again."
            ),
        )
        return _render_household(request, household, address_form=form, status=409)
    except ValidationError as error:
        form.add_error(None, error)
        return _render_household(request, household, address_form=form, status=400)
    messages.success(request, _("The household was saved."))
    return redirect("household_detail", household_id=household.pk)


@login_required
@require_http_methods(["GET", "POST"])
def household_status(request: HttpRequest, household_id: int) -> HttpResponse:
    """Activate, or deactivate with a reason (its active members follow)."""
    household = _household_or_404(request.user, household_id)
    if request.method == "GET":
        return redirect("household_detail", household_id=household.pk)
    policy.require(request.user, policy.CHANGE_REGISTRY, household.village_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _render_household(request, household, status_form=form, status=400)
    data = form.cleaned_data
    services.change_status(
        _ctx(request, data["note"]),
        household,
        data["status"],
        data["inactive_reason"],
        data["note"],
    )
    if data["status"] == Status.ACTIVE:
        messages.success(request, _("The household is active again."))
    else:
        messages.success(request, _("The household was deactivated."))
    return redirect("household_detail", household_id=household.pk)


@login_required
@require_GET
def member_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    return _render_member(request, _member_or_404(request.user, member_id))


@login_required
@require_http_methods(["GET", "POST"])
def member_status(request: HttpRequest, member_id: int) -> HttpResponse:
    """Activate, or deactivate with a reason, one member."""
    member = _member_or_404(request.user, member_id)
    if request.method == "GET":  # a reload after a form error
        return redirect("member_detail", member_id=member.pk)
    policy.require(request.user, policy.CHANGE_REGISTRY, member.village_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _render_member(request, member, status_form=form, status=400)
    data = form.cleaned_data
    services.change_status(
        _ctx(request, data["note"]), member, data["status"], data["inactive_reason"], data["note"]
    )
    if data["status"] == Status.ACTIVE:
        messages.success(request, _("The member is active again."))
    else:
        messages.success(request, _("The member was deactivated."))
    return redirect("member_detail", member_id=member.pk)


def _render_member(
    request: HttpRequest,
    member: Member,
    status_form: StatusForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """A member's full record with the NIK decoded and checked against it; opening it is
    recorded in the audit log."""
    services.open_member(_ctx(request), member)
    can_change = policy.can(request.user, policy.CHANGE_REGISTRY, member.village_id)
    if can_change and status_form is None:
        target = Status.INACTIVE if member.status == Status.ACTIVE else Status.ACTIVE
        status_form = StatusForm(initial={"status": target})
    household = member.household
    definition = _definition(household)
    lang = content_language()
    return render(
        request,
        "registry/member_detail.html",
        {
            "member": member,
            "household": household,
            "region_label": regions.label(member.village_id),
            "age": _age(member.birth_date, _region_today(member.village_id)),
            "attributes": [
                (label, member_label(definition, field, getattr(member, field), lang))
                for field, label in MEMBER_CODED_FIELDS.items()
            ],
            "nik": _nik_check(member, lang),
            "status_changes": selectors.status_history(member)[:50],
            "history": _audit_history(request.user, member, definition),
            "status_form": status_form if can_change else None,
            "can_propose": policy.can(request.user, policy.PROPOSE, member.village_id),
            "member_blocks": hooks.member_blocks(request.user, member),
            **_time_zone_context(member.village_id),
        },
        status=status,
    )


def _nik_check(member: Member, lang: str) -> dict | None:
    """What the NIK itself says (birth date, sex, issuing district) and where it disagrees
    with the recorded values."""
    if not member.nik:
        return None
    parsed = identity.parse_nik(member.nik, known_district=regions.district_exists)
    problems = [identity.message(p, lang) for p in parsed.problems]
    if parsed.birth_date and member.birth_date and parsed.birth_date != member.birth_date:
        problems.append(_("The birth date in the NIK differs from the recorded birth date."))
    if parsed.sex and parsed.sex != member.sex:
        problems.append(_("The sex in the NIK differs from the recorded sex."))
    return {
        "parsed": parsed,
        "sex_label": _choice_label("sex", parsed.sex) if parsed.sex else "—",
        "district_label": regions.label(parsed.district_code) if parsed.district_code else "",
        "problems": problems,
        "errors": bool(parsed.errors),
    }
