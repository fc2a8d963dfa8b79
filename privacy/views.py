"""The data-protection officer's pages: the dashboard (open requests with their due times,
breaches with their deadlines), a request with its downloads and answers, the breach register,
the retention report with its confirm step; and the objections the program officers answer.
Views parse, call the services, render; access is decided in privacy.access (accounts.policy)."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import policy
from audit import services as audit
from base.i18n import content_language
from registration.forms import HOUSEHOLD_CORRECTABLE, MEMBER_CORRECTABLE, CorrectionForm
from registry.instrument import shipped_definition
from registry.models import Member

from . import breaches, selectors, services
from .access import is_officer, may_answer_objection, require_officer
from .forms import (
    BreachForm,
    NotificationForm,
    ObjectionAnswerForm,
    ObjectionForm,
    OutcomeForm,
    RequestForm,
    RetentionConfirmForm,
)
from .models import Breach, DataCategory, RequestKind, RequestStatus
from .pdf import bundle_pdf
from .tasks import start_report, start_retention

DOWNLOADS = {"json": "application/json", "pdf": "application/pdf"}


def _ctx(request: HttpRequest) -> audit.Context:
    return audit.Context(actor=request.user, source_ref=request.path[:100])


def _officer(request: HttpRequest) -> None:
    require_officer(request.user)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    _officer(request)
    now = timezone.now()
    register = breaches.register(now)
    return render(request, "privacy/dashboard.html", {
        "open": selectors.open_requests(request.user, now),
        "answered": selectors.answered_requests(request.user, now)[:10],
        "breaches": [d for d in register if not d.breach.notified],
        "objections": selectors.open_objections(request.user).count(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    _officer(request)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            found = services.receive_request(_ctx(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Request %(number)s recorded: due %(due)s.") % {
                "number": found.number,
                "due": timezone.localtime(found.due_at).strftime("%d-%m-%Y %H:%M")})
            return redirect("privacy:request_detail", found.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "privacy/request_form.html", {"form": form}, status=status)


@login_required
@require_GET
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    found = selectors.request_for(request.user, request_id)
    return _detail(request, found)


def _detail(request: HttpRequest, found, form: OutcomeForm | None = None,
            status: int = 200) -> HttpResponse:
    now = timezone.now()
    return render(request, "privacy/request_detail.html", {
        "r": found,
        "due": selectors.Due(found, found.overdue(now),
                             (found.due_at - now).total_seconds() / 3600),
        "members": services.subject_members(request.user, found),
        "objection": getattr(found, "objection", None),
        "form": form or OutcomeForm(),
        "refuse_form": OutcomeForm(auto_id="refuse_%s"),
        "kinds": RequestKind,
        "is_open": found.status == RequestStatus.OPEN,
    }, status=status)


def _service_post(request: HttpRequest, request_id: int, action) -> HttpResponse:
    """Run one action on the request; a refused one shows its message on the request page."""
    found = selectors.request_for(request.user, request_id)
    try:
        action(found)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("privacy:request_detail", found.pk)


@login_required
@require_POST
def request_identity(request: HttpRequest, request_id: int) -> HttpResponse:
    return _service_post(request, request_id,
                         lambda r: services.confirm_identity(_ctx(request), r))


@login_required
@require_POST
def request_bundle(request: HttpRequest, request_id: int) -> HttpResponse:
    def produce(found):
        services.produce_bundle(_ctx(request), found)
        messages.success(request, _("The copy of the data was produced."))

    return _service_post(request, request_id, produce)


@login_required
@require_GET
def request_download(request: HttpRequest, request_id: int, fmt: str) -> HttpResponse:
    """The bundle as JSON or PDF; every download is an audit event."""
    found = selectors.request_for(request.user, request_id)
    if fmt not in DOWNLOADS or found.bundle is None:
        raise Http404
    body = services.bundle_json(found) if fmt == "json" else bundle_pdf(found)
    services.record_download(_ctx(request), found, fmt)
    response = HttpResponse(body, content_type=DOWNLOADS[fmt])
    response["Content-Disposition"] = f'attachment; filename="data-{found.number}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def request_answer(request: HttpRequest, request_id: int, refused: bool = False
                   ) -> HttpResponse:
    found = selectors.request_for(request.user, request_id)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        act = services.refuse if refused else services.answer
        try:
            act(_ctx(request), found, form.cleaned_data["outcome"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The request is closed."))
            return redirect("privacy:request_detail", found.pk)
    return _detail(request, found, form, status=400)


def _member_or_404(request: HttpRequest, found) -> Member:
    members = services.subject_members(request.user, found)
    wanted = request.GET.get("member") or request.POST.get("member")
    member = next((m for m in members if str(m.pk) == wanted), None)
    if member is None and len(members) == 1 and not wanted:
        member = members[0]
    if member is None:
        raise Http404
    return member


@login_required
@require_http_methods(["GET", "POST"])
def request_correction(request: HttpRequest, request_id: int) -> HttpResponse:
    """The corrected values of the person's identity or the household's address, recorded as
    a proposal of the DTKS update flow (registration.forms.CorrectionForm, the flow's own)."""
    found = selectors.request_for(request.user, request_id)
    if found.kind != RequestKind.CORRECTION:
        raise Http404
    member = _member_or_404(request, found)
    household_level = (request.GET.get("target") or request.POST.get("target")) == "household"
    record = member.household if household_level else member
    fields = HOUSEHOLD_CORRECTABLE if household_level else MEMBER_CORRECTABLE
    current = {f: getattr(record, f) for f in fields}
    form = CorrectionForm(request.POST or None, initial=current, current=current,
                          definition=shipped_definition(), lang=content_language(),
                          revising=True)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.record_correction(
                _ctx(request), found, member, form.payload()["changes"], household_level)
        except ValidationError as error:
            _correction_errors(form, error)
        else:
            messages.success(request, _("Recorded as proposal #%(number)s.")
                             % {"number": proposal.pk})
            return redirect("privacy:request_detail", found.pk)
    return render(request, "privacy/correction_form.html", {
        "r": found, "member": member, "form": form, "household_level": household_level,
    }, status=400 if request.method == "POST" else 200)


def _correction_errors(form: CorrectionForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errs in error.message_dict.items():
        name = key.removeprefix("changes.")
        form.add_error(name if name in form.fields else None, " ".join(errs))


@login_required
@require_http_methods(["GET", "POST"])
def request_objection(request: HttpRequest, request_id: int) -> HttpResponse:
    found = selectors.request_for(request.user, request_id)
    if found.kind != RequestKind.OBJECTION:
        raise Http404
    members = services.subject_members(request.user, found)
    form = ObjectionForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.record_objection(_ctx(request), found, d["member"], d["program"],
                                      d["grounds"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The objection was sent to the program officers."))
            return redirect("privacy:request_detail", found.pk)
    return render(request, "privacy/objection_form.html", {"r": found, "form": form,
                                                          "members": members},
                  status=400 if request.method == "POST" else 200)


# --- objections: the program officers' human review --------------------------------------


def _may_see_objections(user) -> bool:
    return is_officer(user) or policy.role_allows(user, policy.ANSWER_OBJECTIONS)


@login_required
@require_GET
def objection_list(request: HttpRequest) -> HttpResponse:
    if not _may_see_objections(request.user):
        raise PermissionDenied(policy.ANSWER_OBJECTIONS)
    rows = selectors.objections_for(request.user).order_by("status", "request__due_at", "id")
    now = timezone.now()
    return render(request, "privacy/objection_list.html", {
        "rows": [(o, o.request.overdue(now)) for o in rows[:200]],
        "perms_officer": is_officer(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def objection_detail(request: HttpRequest, objection_id: int) -> HttpResponse:
    if not _may_see_objections(request.user):
        raise PermissionDenied(policy.ANSWER_OBJECTIONS)
    objection = get_object_or_404(selectors.objections_for(request.user), pk=objection_id)
    may_answer = may_answer_objection(request.user, objection.village_code)
    form = ObjectionAnswerForm(request.POST or None) if may_answer else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(policy.ANSWER_OBJECTIONS)
        if form.is_valid():
            try:
                services.answer_objection(_ctx(request), objection,
                                          form.cleaned_data["status"],
                                          form.cleaned_data["answer"])
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("The answer was recorded and given to the "
                                            "data-protection officer."))
                return redirect("privacy:objection_detail", objection.pk)
    # The page names the person (name, NIK): an audited read of the member.
    audit.record_read(_ctx(request), objection.member, region_code=objection.village_code)
    return render(request, "privacy/objection_detail.html", {
        "o": objection, "form": form, "due": objection.request.due_at,
        "overdue": objection.request.overdue(timezone.now()),
    }, status=400 if request.method == "POST" else 200)


# --- breach register ---------------------------------------------------------------------


@login_required
@require_GET
def breach_list(request: HttpRequest) -> HttpResponse:
    _officer(request)
    return render(request, "privacy/breach_list.html", {"rows": breaches.register()})


@login_required
@require_http_methods(["GET", "POST"])
def breach_new(request: HttpRequest) -> HttpResponse:
    _officer(request)
    form = BreachForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            breach = breaches.record_breach(_ctx(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Breach %(number)s recorded: notify by %(deadline)s.")
                             % {"number": breach.number, "deadline": timezone.localtime(
                                 breach.deadline).strftime("%d-%m-%Y %H:%M")})
            return redirect("privacy:breach_detail", breach.pk)
    return render(request, "privacy/breach_form.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def breach_detail(request: HttpRequest, breach_id: int) -> HttpResponse:
    _officer(request)
    breach = get_object_or_404(Breach, pk=breach_id)
    initial = {k: timezone.localtime(getattr(breach, k)).strftime("%Y-%m-%dT%H:%M")
               for k in ("subjects_notified_at", "authority_notified_at") if getattr(breach, k)}
    initial["notification_note"] = breach.notification_note
    form = NotificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {k: v for k, v in form.cleaned_data.items() if v != getattr(breach, k)}
        try:
            breaches.update_breach(_ctx(request), breach, **changed)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The notifications were recorded."))
            return redirect("privacy:breach_detail", breach.pk)
    now = timezone.now()
    return render(request, "privacy/breach_detail.html", {
        "b": breach, "form": form, "overdue": breach.overdue(now),
        "categories": [DataCategory(c).label for c in breach.data_categories
                       if c in DataCategory.values],
        "hours_left": (breach.deadline - now).total_seconds() / 3600,
        "history": audit.history(breach)[:50],
    }, status=400 if request.method == "POST" else 200)


# --- retention ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def retention_page(request: HttpRequest) -> HttpResponse:
    """The newest report of what is past retention (made by a job), and the confirm step that
    applies it (another job)."""
    _officer(request)
    if request.method == "POST" and "make_report" in request.POST:
        return redirect(start_report(_ctx(request)))
    form = RetentionConfirmForm(request.POST or None)
    if request.method == "POST" and not form.is_valid():
        messages.error(request, _("Tick the confirmation to apply the retention policy."))
        return redirect("privacy:retention")
    if request.method == "POST":
        return redirect(start_retention(_ctx(request), form.cleaned_data["as_of"],
                                        form.cleaned_data["checksum"]))
    report = selectors.latest_retention_report(request.user)
    if report:
        form = RetentionConfirmForm(initial={"as_of": report["as_of"],
                                             "checksum": report["policy_checksum"]})
    return render(request, "privacy/retention.html", {
        "report": report, "as_of": parse_datetime(report["as_of"]) if report else None,
        "form": form, "running": selectors.retention_job_running(),
        "runs": selectors.retention_runs(request.user), "lang": content_language(),
    })
