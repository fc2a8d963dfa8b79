"""ATENSI pages: caseload, my tasks, intake, the case file with its stage timeline, the stage
forms, sign-off, conferences, referrals, and the article 43 reports for the Dinas Sosial.

Views parse, call atensi.services / selectors, render. Case files are opened only through
access.open_case (which logs the read); refusals become messages (PermissionDenied: 403)."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts import policy
from audit import services as audit
from providers import selectors as directory
from providers.models import Cluster
from registry.identity import mask_nik

from . import access, forms, selectors, services
from .models import Case, FollowUp, Referral, Section, SignOff
from .stages import config

SESSION_OUTSIDE = "atensi_outside_scope"  # {case_id: reason} for this login session


def _ctx(request: HttpRequest, reason: str = "") -> audit.Context:
    return audit.Context(actor=request.user, reason=reason, source_ref=request.path[:100])


def _attempt(request: HttpRequest, call: Callable[[], Any], form=None) -> bool:
    """Run a service call; a refusal becomes a message (or form errors)."""
    try:
        call()
    except services.Refused as error:
        messages.error(request, str(error))
        return False
    except ValidationError as error:
        if form is not None and hasattr(error, "error_dict"):
            for field, errs in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            messages.error(request, " ".join(error.messages))
        return False
    return True


def _open(request: HttpRequest, case_id: int) -> access.CaseFile:
    reason = request.session.get(SESSION_OUTSIDE, {}).get(str(case_id), "")
    return access.open_case(
        _ctx(request), case_id, outside_scope_reason=reason, granted=bool(reason)
    )


def _workable(request: HttpRequest, case_id: int) -> Case:
    """A case the user may record in (404 when they may not see it, 403 when read-only)."""
    case = get_object_or_404(access.owned_cases(request.user), pk=case_id)
    if not access.may_record(request.user, case):
        raise PermissionDenied
    return case


# --- lists --------------------------------------------------------------------------------


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    stage = request.GET.get("stage", "")
    cluster = request.GET.get("cluster", "")
    status = request.GET.get("status", "open")
    mine = request.GET.get("mine") == "1"
    cases = selectors.caseload(request.user, stage=stage, cluster=cluster, status=status, mine=mine)
    page = list(cases[:300])
    # A case referred in shows its client's name only where the referral shares the identity.
    owned = set(
        access.owned_cases(request.user)
        .filter(pk__in=[c.pk for c in page])
        .values_list("pk", flat=True)
    )
    for case in page:
        case.referred_in = case.pk not in owned
        case.named = not case.referred_in or access.shared_sections(request.user, case) >= {
            Section.IDENTITY
        }
    return render(
        request,
        "atensi/caseload.html",
        {
            "cases": page,
            "total": cases.count(),
            "stages": config().stages,
            "clusters": Cluster.choices,
            "filters": {"stage": stage, "cluster": cluster, "status": status, "mine": mine},
            "may_intake": access.may_take_intake(request.user),
            "referrals_in": _referrals_in(request.user),
            "workload": selectors.caseload_per_worker(access.owned_cases(request.user)),
        },
    )


def _referrals_in(user) -> list[Referral]:
    """Live referrals to the user's providers, the client named only where identity is
    shared."""
    rows = list(access.referrals_in(user)[:100])
    for r in rows:
        r.named = Section.IDENTITY in r.sections
    return rows


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    groups = selectors.my_tasks(request.user)
    labels = {
        "worker": _("As case worker"),
        "supervisor": _("As supervisor"),
        "provider": _("My provider"),
    }
    return render(
        request,
        "atensi/tasks.html",
        {
            "groups": [(labels[k], v) for k, v in groups.items()],
            "stages": {s.code: s for s in config().stages},
            "referrals_in": [r for r in _referrals_in(request.user) if r.state == "waiting"],
            "open_count": access.owned_cases(request.user).filter(status="open").count(),
        },
    )


@login_required
def dtks_reports(request: HttpRequest) -> HttpResponse:
    """Article 43: clients outside DTKS reported to this Dinas Sosial."""
    if not policy.role_allows(request.user, policy.ATENSI_REPORTS):
        raise PermissionDenied
    reports = list(selectors.dtks_reports(request.user)[:300])
    for r in reports:
        r.notes = [selectors.problem_text(v) for v in (r.problems or {}).values()]
    rows = [(r, mask_nik(r.case.client.nik) if r.case.client.nik else "—") for r in reports]
    return render(request, "atensi/dtks_reports.html", {"rows": rows})


# --- intake -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    if not access.may_take_intake(request.user):
        raise PermissionDenied
    form = forms.IntakeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        person = services.Person(
            name=d["name"],
            sex=d["sex"],
            region_code=d["region"],
            nik=d["nik"],
            kk_number=d["kk_number"],
            birth_date=d["birth_date"],
            address=d["address"],
            marital_status=d["marital_status"],
        )
        opened: list[Case] = []

        def call() -> None:
            with transaction.atomic():
                received = services.receive_intake(
                    _ctx(request),
                    d["provider"],
                    d["source"],
                    person,
                    d["problem"],
                    emergency=d["emergency"],
                    referrer=d["referrer"],
                    referrer_contact=d["referrer_contact"],
                    location=d["location"],
                )
                opened.append(
                    services.open_case(
                        _ctx(request),
                        received,
                        d["worker"],
                        d["supervisor"],
                        d["pas_group"],
                        d["clusters"],
                        person=person,
                    )
                )

        if _attempt(request, call, form):
            messages.success(
                request, _("Intake recorded and case %(n)s opened.") % {"n": opened[0].number}
            )
            return redirect("atensi:case", opened[0].pk)
    return render(request, "atensi/intake.html", {"form": form})


# --- the case file ------------------------------------------------------------------------


def _timeline(case: Case) -> list[dict]:
    current = config().get(case.stage).order
    approvals = {s.stage: s for s in case.signoffs.filter(kind="approve").select_related("actor")}
    rows = []
    for stage in config().stages:
        if case.status == "terminated" or stage.order < current:
            state = "done"
        elif stage.order == current:
            state = "current"
        else:
            state = "upcoming"
        rows.append({"stage": stage, "state": state, "approval": approvals.get(stage.code)})
    return rows


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        seen = _open(request, case_id)
    except Http404:
        if not access.may_ask_outside_scope(request.user, case_id):
            raise
        # A supervisor may open it with a stated reason: offer that instead of a dead end.
        return render(
            request,
            "atensi/outside_scope.html",
            {"form": forms.OutsideScopeForm(), "case_id": case_id, "offer": True},
            status=403,
        )
    case = seen.case
    stage = config().get(case.stage)
    entries = list(case.entries.select_related("recorded_by"))
    context = {
        "case": case,
        "seen": seen,
        "S": {s.name: s.value for s in Section},
        "shows": {s.value: seen.shows(s.value) for s in Section},
        "stage": stage,
        "timeline": _timeline(case),
        "entries_by_form": _by_form(entries),
        "clusters": [c.get_cluster_display() for c in case.clusters.all()],
        "nik": mask_nik(case.client.nik) if case.client.nik else "",
        "may_work": seen.may_work and access.may_record(request.user, case),
        "may_supervise": seen.may_work
        and access.may_supervise(request.user)
        and request.user.pk != case.worker_id,
        "missing": services.missing_forms(case) if case.status == "open" else [],
        "pending": services.pending_request(case),
        "returned": services.last_return(case),
        "signoffs": _named(SignOff.objects.filter(case=case).select_related("actor")),
        "outside_reads": access.outside_scope_reads(case) if seen.basis == "owner" else [],
        "stage_forms": [(f, FORM_LABELS.get(f, f)) for f in stage.forms if f != "intake"],
        "referrals_here": list(access.referrals_in(request.user).filter(case=case)),
        "referral_note_form": forms.NoteForm(),
        "note_form": forms.NoteForm(),
        "return_form": forms.ReturnForm(),
        "follow_up_done_form": forms.FollowUpDoneForm(),
    }
    return render(request, "atensi/case_detail.html", context)


def _named(signoffs) -> list[SignOff]:
    names = {s.code: s.name for s in config().stages}
    rows = list(signoffs)
    for row in rows:
        row.stage_name = names.get(row.stage, row.stage)
    return rows


ENTRY_LABELS = {
    "summary": gettext_lazy("Summary of the problem"),
    "needs": gettext_lazy("Immediate needs"),
    "risk": gettext_lazy("Risk"),
    "consent": gettext_lazy("Consent"),
    "by": gettext_lazy("Agreed by"),
    "agreed_on": gettext_lazy("Date"),
    "terms": gettext_lazy("What was agreed"),
    "actions": gettext_lazy("What was done"),
    "late": gettext_lazy("Late"),
    "responded_at": gettext_lazy("Responded at"),
    "names": gettext_lazy("Resources"),
    "note": gettext_lazy("Note"),
    "reason": gettext_lazy("Reason"),
    "days": gettext_lazy("Duration (days)"),
    "basis": gettext_lazy("Basis"),
}
HIDDEN_KEYS = {"id", "providers", "intake"}


def _shown(value: Any, field=None) -> Any:
    """A saved value as the form shows it: its choice label, yes/no, a formatted date."""
    if value is True or value is False:
        return _("yes") if value else _("no")
    if value is None or value == "":
        return "—"
    choices = getattr(field, "choices", None) if field is not None else None
    if choices and not isinstance(value, list):
        labels = {str(k): v for k, v in choices}
        if str(value) in labels:
            return labels[str(value)]
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        if len(value) == 10:
            return date_format(parsed.date(), "j M Y")
        if timezone.is_aware(parsed):
            parsed = timezone.localtime(parsed)
        return date_format(parsed, "j M Y H:i")
    return value


ENTRY_FORMS = {"service": forms.ServiceRecordForm, "residential_stay": forms.ResidentialForm}


def _by_form(entries: list) -> dict[str, list]:
    found: dict[str, list] = {}
    for entry in entries:
        form_class = FORMS.get(entry.form, (ENTRY_FORMS.get(entry.form), None))[0]
        fields = form_class.base_fields if form_class else {}
        entry.pairs = [
            (
                ENTRY_LABELS.get(k) or (fields[k].label if k in fields else k),
                _shown(v, fields.get(k)),
            )
            for k, v in entry.data.items()
            if k not in HIDDEN_KEYS
        ]
        found.setdefault(entry.form, []).append(entry)
    return found


@login_required
@require_http_methods(["GET", "POST"])
def open_outside_scope(request: HttpRequest, case_id: int) -> HttpResponse:
    """A supervisor opens a case outside their scope by stating why (logged, shown to the
    case worker)."""
    if not access.may_supervise(request.user):
        raise Http404
    form = forms.OutsideScopeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        access.open_case(_ctx(request), case_id, outside_scope_reason=reason)  # 404 if none
        grants = request.session.get(SESSION_OUTSIDE, {})
        grants[str(case_id)] = reason
        request.session[SESSION_OUTSIDE] = grants
        return redirect("atensi:case", case_id)
    return render(request, "atensi/outside_scope.html", {"form": form, "case_id": case_id})


# --- stage forms --------------------------------------------------------------------------


def _resources(request: HttpRequest):
    return directory.directory(request.user, everywhere=True)


def _save_stay(ctx, case, d) -> None:
    open_stay = case.stays.filter(discharged_on__isnull=True).first()
    if open_stay and d.get("discharged_on"):
        services.discharge(ctx, open_stay, d["discharged_on"], d.get("note", ""))
    elif d.get("admitted_on"):
        services.admit(ctx, case, d["admitted_on"])
    else:
        raise services.Refused(_("There is no open stay to discharge."))


def _generic(code: str) -> Callable:
    def save(ctx, case, d) -> None:
        data = dict(d)
        if code == "resource_mapping":
            data["providers"] = [p.pk for p in d["providers"]]
        services.record_form(ctx, case, code, data)

    return save


FORMS: dict[str, tuple[type, Callable]] = {
    "initial_assessment": (forms.InitialAssessmentForm, _generic("initial_assessment")),
    "initial_agreement": (forms.AgreementForm, _generic("initial_agreement")),
    "case_response": (
        forms.CaseResponseForm,
        lambda ctx, case, d: services.respond_to_emergency(ctx, case, d["actions"]),
    ),
    "domain_assessment": (
        forms.DomainScoreForm,
        lambda ctx, case, d: services.score_domain(
            ctx, case, d["domain"], d["score"], d["findings"]
        ),
    ),
    "duration": (
        forms.DurationForm,
        lambda ctx, case, d: services.set_duration(ctx, case, d["days"], d["basis"]),
    ),
    "resource_mapping": (forms.ResourceMappingForm, _generic("resource_mapping")),
    "plan_goal": (
        forms.PlanGoalForm,
        lambda ctx, case, d: services.add_goal(
            ctx,
            case,
            d["domain"],
            d["goal"],
            d["activities"],
            d["service_form"],
            d["resource"],
            d["target_date"],
        ),
    ),
    "joint_agreement": (forms.AgreementForm, _generic("joint_agreement")),
    "service": (
        forms.ServiceRecordForm,
        lambda ctx, case, d: services.record_service(
            ctx,
            case,
            d["form"],
            d["basis"],
            d["description"],
            d["delivered_on"],
            d["amount_rupiah"],
        ),
    ),
    "residential_stay": (forms.ResidentialForm, _save_stay),
    "indicator": (
        forms.IndicatorForm,
        lambda ctx, case, d: services.add_indicator(
            ctx,
            case,
            d["level"],
            d["name"],
            d["target"],
            d["achieved"],
            d["met"],
            d["measured_on"],
        ),
    ),
    "follow_up": (
        forms.FollowUpForm,
        lambda ctx, case, d: services.schedule_follow_up(ctx, case, d["due_on"], d["purpose"]),
    ),
    "termination": (
        forms.TerminationForm,
        lambda ctx, case, d: services.record_termination(ctx, case, d["reason"], d["note"]),
    ),
}

FORM_LABELS = {
    "intake": gettext_lazy("Intake"),
    "initial_assessment": gettext_lazy("Initial assessment"),
    "initial_agreement": gettext_lazy("Initial agreement and consent"),
    "case_response": gettext_lazy("Emergency case response"),
    "domain_assessment": gettext_lazy("Domain assessment"),
    "duration": gettext_lazy("Duration"),
    "resource_mapping": gettext_lazy("Resource-system mapping"),
    "plan_goal": gettext_lazy("Plan goal"),
    "joint_agreement": gettext_lazy("Joint agreement"),
    "service": gettext_lazy("Service delivered"),
    "residential_stay": gettext_lazy("Residential admission / discharge"),
    "indicator": gettext_lazy("M&E indicator"),
    "follow_up": gettext_lazy("Follow-up"),
    "termination": gettext_lazy("Termination"),
}


@login_required
@require_http_methods(["GET", "POST"])
def stage_form(request: HttpRequest, case_id: int, form_code: str) -> HttpResponse:
    if form_code not in FORMS:
        raise Http404
    case = _workable(request, case_id)
    form_class, save = FORMS[form_code]
    extra = {}
    if form_code in ("resource_mapping", "plan_goal"):
        extra["resources"] = _resources(request)
    form = form_class(request.POST or None, **extra)
    saved = (
        request.method == "POST"
        and form.is_valid()
        and _attempt(request, lambda: save(_ctx(request), case, form.cleaned_data), form)
    )
    if saved:
        messages.success(request, _("Recorded: %(form)s.") % {"form": FORM_LABELS[form_code]})
        return redirect("atensi:case", case.pk)
    return render(
        request,
        "atensi/stage_form.html",
        {
            "case": case,
            "form": form,
            "form_code": form_code,
            "title": FORM_LABELS[form_code],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def conference(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _workable(request, case_id)
    form = forms.ConferenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def call() -> None:
            services.record_conference(
                _ctx(request),
                case,
                d["kind"],
                d["held_on"],
                d["participants"],
                d["findings"],
                d["decisions"],
                d["duration_days"],
            )

        if _attempt(request, call, form):
            messages.success(request, _("Conference recorded."))
            return redirect("atensi:case", case.pk)
    return render(
        request, "atensi/stage_form.html", {"case": case, "form": form, "title": _("Conference")}
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _workable(request, case_id)
    form = forms.ReferralForm(
        request.POST or None, providers=_resources(request).exclude(pk=case.provider_id)
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        call = lambda: services.refer(  # noqa: E731
            _ctx(request), case, d["to_provider"], d["purpose"], d["sections"]
        )
        if _attempt(request, call, form):
            messages.success(request, _("Case referred."))
            return redirect("atensi:case", case.pk)
    return render(
        request, "atensi/stage_form.html", {"case": case, "form": form, "title": _("Referral")}
    )


@login_required
@require_POST
def signoff(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    """request (the worker), approve or return (the supervisor)."""
    case = get_object_or_404(access.owned_cases(request.user), pk=case_id)
    ctx = _ctx(request)
    if action == "request":
        form = forms.NoteForm(request.POST)
        form.is_valid()
        done = _attempt(
            request, lambda: services.request_signoff(ctx, case, form.cleaned_data.get("note", ""))
        )
        text = _("Sign-off requested.")
    elif action == "approve":
        form = forms.NoteForm(request.POST)
        form.is_valid()
        done = _attempt(
            request, lambda: services.approve(ctx, case, form.cleaned_data.get("note", ""))
        )
        text = _("Stage approved.")
    elif action == "return":
        form = forms.ReturnForm(request.POST)
        reason = form.data.get("reason", "")
        done = _attempt(request, lambda: services.return_work(ctx, case, reason))
        text = _("Work returned to the case worker.")
    else:
        raise Http404
    if done:
        messages.success(request, text)
    return redirect("atensi:case", case.pk)


# --- the receiving side of a referral -----------------------------------------------------


def _received(request: HttpRequest, referral_id: int) -> Referral:
    """A live referral to the user's provider (404 otherwise)."""
    return get_object_or_404(access.referrals_in(request.user), pk=referral_id)


@login_required
@require_POST
def referral_action(request: HttpRequest, referral_id: int, action: str) -> HttpResponse:
    """accept, or close (decline a waiting referral with a reason; end an accepted one)."""
    referral = _received(request, referral_id)
    ctx = _ctx(request)
    if action == "accept":
        done = _attempt(request, lambda: services.accept_referral(ctx, referral))
        text = _("Referral accepted.")
    elif action == "close":
        note = request.POST.get("note", "")
        done = _attempt(request, lambda: services.close_referral(ctx, referral, note))
        text = _("Referral ended.")
    else:
        raise Http404
    if done:
        messages.success(request, text)
    if referral.ended_at:
        return redirect("atensi:caseload")
    return redirect("atensi:case", referral.case_id)


@login_required
@require_http_methods(["GET", "POST"])
def referred_service(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Article 24: a service the referred provider delivered, recorded in the case file."""
    referral = _received(request, referral_id)
    form = forms.ServiceRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def call() -> None:
            services.record_referred_service(
                _ctx(request),
                referral,
                d["form"],
                d["basis"],
                d["description"],
                d["delivered_on"],
                d["amount_rupiah"],
            )

        if _attempt(request, call, form):
            messages.success(request, _("Recorded: %(form)s.") % {"form": FORM_LABELS["service"]})
            return redirect("atensi:case", referral.case_id)
    title = _("Service delivered by %(provider)s") % {"provider": referral.to_provider.name}
    return render(
        request,
        "atensi/stage_form.html",
        {"case": referral.case, "form": form, "title": title},
    )


@login_required
@require_POST
def follow_up_done(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    follow_up = get_object_or_404(
        FollowUp.objects.filter(case__in=access.owned_cases(request.user)), pk=follow_up_id
    )
    case = _workable(request, follow_up.case_id)
    form = forms.FollowUpDoneForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.complete_follow_up(
                _ctx(request), follow_up, form.cleaned_data["result"]
            ),
        )
    return redirect("atensi:case", case.pk)
