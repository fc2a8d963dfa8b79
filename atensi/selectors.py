"""Reads over ATENSI cases for pages and reports: caseload, tasks and alerts (due and overdue
stages, follow-ups due this week, emergencies waiting, sign-offs waiting), per worker, per
supervisor and per provider. Every list starts from access.visible_cases/owned_cases."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, F, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from accounts import policy
from accounts.models import User
from wilayah.selectors import within_scope
from workforce.hooks import WorkerBlock

from . import access
from .models import Case, CaseStatus, DtksReport, FollowUp, Indicator, SignOff, SignOffKind

WEEK = 7


def open_cases(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.filter(status=CaseStatus.OPEN)


def waiting_signoff(qs: QuerySet[Case]) -> QuerySet[Case]:
    """Cases whose last supervision entry for the current stage is a request."""
    last = SignOff.objects.filter(case=OuterRef("pk"), stage=OuterRef("stage")).order_by(
        "-at", "-id"
    )
    return qs.annotate(_last=last.values("kind")[:1]).filter(_last=SignOffKind.REQUEST)


def caseload(
    user: User, *, stage: str = "", cluster: str = "", status: str = "open", mine: bool = False
) -> QuerySet[Case]:
    """The cases `user` may open, filtered; `mine`: only those they work or supervise."""
    qs = access.visible_cases(user)
    if mine:
        qs = qs.filter(Q(worker=user) | Q(supervisor=user))
    if status:
        qs = qs.filter(status=status)
    if stage:
        qs = qs.filter(stage=stage)
    if cluster:
        qs = qs.filter(clusters__cluster=cluster)
    return qs.select_related("client", "provider", "worker").order_by("stage_due", "id").distinct()


def caseload_per_worker(qs: QuerySet[Case]) -> list[dict]:
    """Open cases per case worker: [{worker_id, username, open, overdue, emergency}]."""
    today = timezone.localdate()
    return list(
        open_cases(qs)
        .values("worker_id", "worker__username", "worker__first_name", "worker__last_name")
        .annotate(
            open=Count("id"),
            overdue=Count("id", filter=Q(stage_due__lt=today)),
            emergency=Count("id", filter=Q(emergency=True)),
        )
        .order_by("-open", "worker__username")
    )


@dataclass
class Tasks:
    """What needs doing, for one user (or one provider)."""

    overdue: list[Case] = field(default_factory=list)
    due_this_week: list[Case] = field(default_factory=list)
    emergencies: list[Case] = field(default_factory=list)
    to_sign_off: list[Case] = field(default_factory=list)
    returned: list[Case] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(
            len(x)
            for x in (
                self.overdue,
                self.due_this_week,
                self.emergencies,
                self.to_sign_off,
                self.returned,
                self.follow_ups,
            )
        )


def tasks(qs: QuerySet[Case], today: date | None = None, supervisor: User | None = None) -> Tasks:
    """Alerts over the open cases of `qs`: stages overdue or due within a week, emergencies
    not yet answered, sign-off requests waiting (for `supervisor` when given: the cases they
    may sign, not their own work), returned stages and follow-ups due within a week."""
    today = today or timezone.localdate()
    week = today + timedelta(days=WEEK)
    qs = open_cases(qs).select_related("client", "provider", "worker")
    waiting = waiting_signoff(qs)
    if supervisor is not None:
        waiting = waiting.exclude(worker=supervisor)
    last = SignOff.objects.filter(case=OuterRef("pk"), stage=OuterRef("stage")).order_by(
        "-at", "-id"
    )
    returned = qs.annotate(_last=last.values("kind")[:1]).filter(_last=SignOffKind.RETURN)
    return Tasks(
        overdue=list(qs.filter(stage_due__lt=today).order_by("stage_due")[:200]),
        due_this_week=list(
            qs.filter(stage_due__gte=today, stage_due__lte=week).order_by("stage_due")[:200]
        ),
        emergencies=list(
            qs.filter(emergency=True, responded_at__isnull=True).order_by("response_due_at")
        ),
        to_sign_off=list(waiting.order_by("stage_due")[:200]),
        returned=list(returned[:200]),
        follow_ups=list(
            FollowUp.objects.filter(case__in=qs, done_on__isnull=True, due_on__lte=week)
            .select_related("case", "case__client")
            .order_by("due_on")[:200]
        ),
    )


def my_tasks(user: User, today: date | None = None) -> dict[str, Tasks]:
    """The "my tasks" page: as case worker, as supervisor (sign-offs only for a supervisor
    with valid competency) and for the provider(s) the user works at. Each case appears in
    one group only, the most specific: the cases they work, then those they supervise, then
    the rest of their provider's (where only a supervisor sees the sign-offs to give)."""
    mine = access.owned_cases(user)
    result = {"worker": tasks(mine.filter(worker=user), today)}
    supervises = access.may_supervise(user)
    if supervises:
        supervised = mine.filter(supervisor=user).exclude(worker=user)
        result["supervisor"] = tasks(supervised, today, supervisor=user)
    providers = access.provider_ids(user)
    if providers:
        rest = mine.filter(provider__in=providers).exclude(worker=user).exclude(supervisor=user)
        group = tasks(rest, today, supervisor=user)
        if not supervises:
            group.to_sign_off = []
        result["provider"] = group
    return result


def dtks_reports(user: User) -> QuerySet[DtksReport]:
    """Article 43 reports `user` may list: a provider's staff see their provider's clients;
    the Dinas Sosial and other report roles those located in their region."""
    if not policy.role_allows(user, policy.ATENSI_REPORTS):
        return DtksReport.objects.none()
    if policy.role_allows(user, policy.ATENSI_CASEWORK):
        qs = DtksReport.objects.filter(case__provider__in=access.provider_ids(user))
    else:
        qs = DtksReport.objects.filter(
            within_scope(policy.scope_prefix(user) or "", "region__code")
        )
    return qs.select_related("case__client", "case__provider", "region", "proposal").order_by(
        "-reported_at"
    )


def problem_text(message: str) -> str:
    """A stored report problem in the active language: problems are stored as English msgids;
    rows written before that hold Indonesian text, mapped back to their msgid."""
    from django.utils.translation import gettext, override

    from .services.intake import PROBLEMS

    if message not in PROBLEMS.values():
        with override("id"):
            legacy = {gettext(m): m for m in PROBLEMS.values()}
        message = legacy.get(message, message)
    return gettext(message)


def worker_block(user: User, worker) -> WorkerBlock | None:
    """The worker page's ATENSI caseload figures (counts only, no case data)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    if worker.user_id is None:
        return None
    today = timezone.localdate()
    own = open_cases(Case.objects.filter(worker_id=worker.user_id))
    supervised = open_cases(Case.objects.filter(supervisor_id=worker.user_id))
    url = reverse("atensi:caseload") if worker.user_id == user.pk else ""
    rows = [
        (_("Open cases as case worker"), own.count(), url),
        (_("Of which overdue"), own.filter(stage_due__lt=today).count(), ""),
        (
            _("Emergencies not yet answered"),
            own.filter(emergency=True, responded_at__isnull=True).count(),
            "",
        ),
        (_("Open cases supervised"), supervised.count(), ""),
        (_("Sign-offs waiting"), waiting_signoff(supervised).count(), ""),
    ]
    return WorkerBlock(_("ATENSI caseload"), "workforce/_block_figures.html", {"rows": rows})


# --- aggregates for reports (article 52): counts only, over the user's region scope -------

DIMENSIONS = {
    "stage": "stage",
    "status": "status",
    "cluster": "clusters__cluster",
    "pas_group": "pas_group",
    "provider": "provider__name",
    "termination_reason": "termination_reason",
}


def reportable_cases(user: User) -> QuerySet[Case]:
    """Cases counted in `user`'s reports: those located in their region scope (ATENSI_REPORTS;
    reports carry counts, never case data)."""
    if not policy.role_allows(user, policy.ATENSI_REPORTS):
        return Case.objects.none()
    return Case.objects.filter(within_scope(policy.scope_prefix(user) or "", "region__code"))


def report_counts(
    qs: QuerySet[Case],
    dimension: str,
    opened_from: date | None = None,
    opened_to: date | None = None,
) -> list[tuple[str, int]]:
    """[(value, number of cases)] by `dimension` (stage, status, cluster, pas_group, provider,
    termination_reason, or 'level1'..'level4' for the region cut at that level)."""
    if opened_from:
        qs = qs.filter(opened_at__date__gte=opened_from)
    if opened_to:
        qs = qs.filter(opened_at__date__lte=opened_to)
    if dimension.startswith("level"):
        width = {"level1": 2, "level2": 5, "level3": 8, "level4": 13}[dimension]
        rows = qs.annotate(key=Substr("region_id", 1, width)).values("key")
    else:
        rows = qs.values(key=F(DIMENSIONS[dimension]))
    return [(r["key"], r["n"]) for r in rows.annotate(n=Count("id", distinct=True)).order_by("key")]


def indicator_summary(qs: QuerySet[Case]) -> list[dict]:
    """M&E indicators (article 25(3)) per level: how many recorded, how many met."""
    return list(
        Indicator.objects.filter(case__in=qs)
        .values("level")
        .annotate(recorded=Count("id"), met=Count("id", filter=Q(met=True)))
        .order_by("level")
    )
