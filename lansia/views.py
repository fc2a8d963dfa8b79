"""Posyandu Lansia pages: the posts a user may see, a post (kader, members, sessions), the
month's session on a phone, the referrals waiting for ATENSI and PKH, and the report."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import policy
from audit.services import Context
from registry.identity import mask_nik
from wilayah.selectors import label_or_nation

from . import reports, rules, selectors, services
from .forms import MemberForm, PostForm, VolunteerForm, YearForm
from .models import RANGES, Post, Referral, Session


def _ctx(request: HttpRequest) -> Context:
    return Context(actor=request.user, source_ref=request.path[:100])


def _viewer(request: HttpRequest) -> None:
    if not policy.role_allows(request.user, policy.VIEW_LANSIA):
        raise PermissionDenied(policy.VIEW_LANSIA)


def _post(request: HttpRequest, pk: int) -> Post:
    _viewer(request)
    return get_object_or_404(selectors.posts_for(request.user), pk=pk)


def _errors(form, error: ValidationError) -> None:
    for name, texts in error.message_dict.items():
        form.add_error(name if name in form.fields else None, texts)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    _viewer(request)
    today = timezone.localdate()
    posts = list(selectors.posts_for(request.user).order_by("village_id", "rw"))
    held = set(Session.objects.filter(post__in=posts, year=today.year, month=today.month)
               .values_list("post_id", flat=True))
    for p in posts:
        p.member_count = p.members.filter(active=True).count()
        p.held_this_month = p.pk in held
    user = request.user
    return render(request, "lansia/index.html", {
        "posts": posts, "today": today,
        "can_manage": policy.role_allows(user, policy.MANAGE_POSYANDU),
        "can_record": policy.role_allows(user, policy.RECORD_POSYANDU),
        "is_kader": user.role == "kader_posyandu",
        "has_referrals": policy.role_allows(user, policy.ATENSI_CASEWORK)
        or policy.role_allows(user, policy.PKH_VERIFY)})


@login_required
@require_http_methods(["GET", "POST"])
def post_create(request: HttpRequest) -> HttpResponse:
    if not policy.role_allows(request.user, policy.MANAGE_POSYANDU):
        raise PermissionDenied(policy.MANAGE_POSYANDU)
    form = PostForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            post = services.create_post(_ctx(request), d["village"].code, d["rw"], d["name"],
                                        d["provider"])
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, _("The Posyandu Lansia was created."))
            return redirect("lansia:post", post.pk)
    return render(request, "lansia/post_form.html", {"form": form})


@login_required
@require_GET
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post(request, pk)
    user = request.user
    members = list(post.members.filter(active=True))
    for m in members:
        m.masked_nik = mask_nik(m.nik) if m.nik else ""
        m.age = rules.age_on(m.birth_date, timezone.localdate())
        m.atensi_open = any(selectors.referral_is_open(r) for r in m.referrals.filter(
            kind=Referral.Kind.ATENSI).select_related("intake"))
    can_manage = policy.can(user, policy.MANAGE_POSYANDU, post.village_id)
    return render(request, "lansia/post_detail.html", {
        "post": post, "members": members,
        "volunteers": post.volunteers.filter(active=True).select_related("worker"),
        "sessions": post.sessions.all()[:12], "can_manage": can_manage,
        "can_record": policy.can(user, policy.RECORD_POSYANDU, post.village_id),
        "volunteer_form": VolunteerForm(post=post) if can_manage else None})


@login_required
@require_POST
def volunteer_add(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post(request, pk)
    form = VolunteerForm(request.POST, post=post)
    if form.is_valid():
        try:
            services.assign_volunteer(_ctx(request), post, form.cleaned_data["worker"])
            messages.success(request, _("The kader was assigned."))
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
    else:
        messages.error(request, _("Choose an active worker of this area."))
    return redirect("lansia:post", post.pk)


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post(request, pk)
    if not policy.can(request.user, policy.RECORD_POSYANDU, post.village_id):
        raise PermissionDenied(policy.RECORD_POSYANDU)
    on = timezone.localdate()
    form = MemberForm(request.POST or None, elders=selectors.village_elders(post, on)[:500])
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        new = None if d["person"] else services.NewPerson(
            d["name"], d["birth_date"], d["sex"], d["nik"], d["address"])
        try:
            services.register_member(_ctx(request), post, person_id=d["person"], new=new,
                                     on=d["registered_on"])
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, _("The member was registered."))
            return redirect("lansia:post", post.pk)
    return render(request, "lansia/member_form.html", {"post": post, "form": form})


def _month(text: str | None) -> date:
    try:
        year, month = (int(x) for x in (text or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def _number(raw: str, kind=int):
    raw = (raw or "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        return Decimal(raw) if kind is Decimal else int(Decimal(raw))
    except (InvalidOperation, ValueError):
        return "bad"


def _visits(request: HttpRequest, members) -> tuple[list[services.Visit], dict[str, str]]:
    visits, bad = [], {}
    for m in members:
        p = request.POST
        values = {f: _number(p.get(f"{f}-{m.pk}", ""), Decimal if f == "weight_kg" else int)
                  for f in ("weight_kg", "systolic", "diastolic", "blood_sugar")}
        bad.update({f"{m.pk}-{f}": _("Enter a number.") for f, v in values.items() if v == "bad"})
        values = {f: (None if v == "bad" else v) for f, v in values.items()}
        visits.append(services.Visit(
            m.pk, present=f"present-{m.pk}" in p, nutrition=f"nutrition-{m.pk}" in p,
            activity=f"activity-{m.pk}" in p, lives_alone=f"lives_alone-{m.pk}" in p,
            neglected=f"neglected-{m.pk}" in p, bedridden=f"bedridden-{m.pk}" in p, **values))
    return visits, bad


@login_required
@require_http_methods(["GET", "POST"])
def session(request: HttpRequest, pk: int) -> HttpResponse:
    """The kader's page on a phone: the month's attendance, screening and flags."""
    post = _post(request, pk)
    if not policy.can(request.user, policy.RECORD_POSYANDU, post.village_id):
        raise PermissionDenied(policy.RECORD_POSYANDU)
    first = _month(request.GET.get("month") or request.POST.get("month"))
    members = list(post.members.filter(active=True))
    existing = post.sessions.filter(year=first.year, month=first.month).first()
    errors: dict[str, str] = {}
    today = timezone.localdate()
    held_on = existing.held_on if existing else (
        today if (today.year, today.month) == (first.year, first.month) else first)
    if request.method == "POST":
        visits, errors = _visits(request, members)
        try:
            held_on = date.fromisoformat(request.POST.get("held_on", ""))
        except ValueError:
            errors["held_on"] = _("Enter a valid date.")
        if not errors and (held_on.year, held_on.month) != (first.year, first.month):
            errors["held_on"] = _("The date must fall in the month of the session.")
        if not errors:
            try:
                services.record_session(_ctx(request), post, held_on, visits,
                                        puskesmas=request.POST.get("puskesmas", ""),
                                        activity=request.POST.get("activity", ""))
            except ValidationError as e:
                errors = {k: " ".join(v) for k, v in e.message_dict.items()}
            else:
                messages.success(request, _("The session was saved."))
                return redirect("lansia:post", post.pk)
        lines = {v.member_id: v for v in visits}
    else:
        lines = {a.member_id: a for a in existing.attendance.all()} if existing else {}
    for m in members:
        m.line = lines.get(m.pk)
        m.errors = {f: errors[f"{m.pk}-{f}"] for f in RANGES if f"{m.pk}-{f}" in errors}
    return render(request, "lansia/session.html", {
        "post": post, "members": members, "month": first, "existing": existing,
        "held_on": held_on, "errors": errors,
        "puskesmas": request.POST.get("puskesmas", existing.puskesmas if existing else ""),
        "activity": request.POST.get("activity", existing.activity if existing else "")},
        status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def referrals(request: HttpRequest) -> HttpResponse:
    """ATENSI referrals for a provider's pekerja sosial; PKH attendance for the pendamping."""
    _viewer(request)
    atensi = selectors.atensi_referrals_for(request.user)
    pkh = selectors.pkh_referrals_for(request.user)
    if request.method == "POST":
        ctx = _ctx(request)
        if "take" in request.POST:
            from atensi.access import providers_for_intake

            referral = get_object_or_404(atensi, pk=request.POST["take"])
            provider = get_object_or_404(providers_for_intake(request.user),
                                         pk=request.POST.get("provider"))
            try:
                intake = services.take_atensi_referral(ctx, referral, provider)
            except ValidationError as e:
                messages.error(request, " ".join(e.messages))
            else:
                messages.success(request, _("The referral was taken in as ATENSI intake #%(n)s.")
                                 % {"n": intake.pk})
        else:
            ids = [int(x) for x in request.POST.getlist("confirm") if x.isdigit()]
            done = services.confirm_pkh_attendance(ctx, list(pkh.filter(pk__in=ids)))
            messages.success(request, _("%(n)s attendance records were sent to PKH.") % {"n": done})
        return redirect("lansia:referrals")
    from atensi.access import providers_for_intake

    return render(request, "lansia/referrals.html", {
        "atensi": atensi, "pkh": pkh, "providers": providers_for_intake(request.user)})


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    _viewer(request)
    form = YearForm(request.GET or {"year": timezone.localdate().year})
    year = form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year
    posts = selectors.posts_for(request.user).order_by("village_id", "rw")
    rows = reports.figures(posts, year)
    region = label_or_nation(policy.scope_prefix(request.user) or "")
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            reports.workbook(rows, year, region),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="posyandu-lansia-{year}.xlsx"'
        return response
    months = list(range(1, 13))
    total = reports.totals(rows)
    for r in [*rows, total]:
        r.rates = [r.rate(m) for m in months]
    return render(request, "lansia/report.html", {
        "form": form, "year": year, "rows": rows, "total": total, "months": months,
        "region": region})
