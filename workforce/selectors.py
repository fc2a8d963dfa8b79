"""Reads over the workforce: scoped worker lists, who may supervise where, and where a user works
(the atensi app scopes case files with `provider_of`)."""

from datetime import date

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts import policy
from accounts.models import User
from providers.models import Provider
from wilayah.selectors import within_scope

from .models import Assignment, Worker, WorkerKind


def active_on(on_date: date, prefix: str = "") -> Q:
    """Q for assignments running on `on_date` (prefix: 'assignments__' from a Worker query)."""
    return Q(**{f"{prefix}start_date__lte": on_date}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": on_date})
    )


def _in_region(prefix: str, code: str) -> Q:
    """Workers registered in, or assigned (to a region or a provider) inside, region `code`."""
    return (
        within_scope(code, f"{prefix}region__code")
        | within_scope(code, f"{prefix}assignments__region__code")
        | within_scope(code, f"{prefix}assignments__provider__region__code")
    )


def workers_for(user: User) -> QuerySet[Worker]:
    """Workers `user` may see: registered in their region scope or assigned inside it."""
    if not policy.role_allows(user, policy.VIEW_WORKFORCE):
        return Worker.objects.none()
    prefix = policy.scope_prefix(user) or ""
    qs = Worker.objects.select_related("region", "user")
    if not prefix:
        return qs
    ids = Worker.objects.filter(_in_region("", prefix)).values("pk")
    return qs.filter(pk__in=ids)


def worker_for(user: User, worker_id: int) -> Worker:
    """One worker `user` may see (404 otherwise)."""
    return get_object_or_404(workers_for(user), pk=worker_id)


def search_workers(
    user: User, *, kind: str = "", provider_id: int | None = None, text: str = ""
) -> QuerySet[Worker]:
    qs = workers_for(user)
    if kind:
        qs = qs.filter(kind=kind)
    if provider_id:
        today = timezone.localdate()
        ids = Assignment.objects.filter(active_on(today), provider_id=provider_id).values(
            "worker_id"
        )
        qs = qs.filter(pk__in=ids)
    if text:
        qs = qs.filter(name__icontains=text)
    return qs.order_by("name")


def worker_of(user: User) -> Worker | None:
    """The worker record behind a Kesos account, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Worker.objects.filter(user=user, active=True).first()


def provider_of(user: User, on_date: date | None = None) -> QuerySet[Provider]:
    """The providers `user` works at on `on_date` (today): through their Worker record and its
    running assignments. Empty for accounts that are not workers."""
    on_date = on_date or timezone.localdate()
    if not getattr(user, "is_authenticated", False):
        return Provider.objects.none()
    ids = Assignment.objects.filter(
        active_on(on_date), worker__user=user, worker__active=True, provider__isnull=False
    ).values("provider_id")
    return Provider.objects.filter(pk__in=ids)


def assignments_of(worker: Worker) -> QuerySet[Assignment]:
    return worker.assignments.select_related("provider", "region").order_by("-start_date")


def supervisors_for(target: Provider | str, on_date: date | None = None) -> QuerySet[Worker]:
    """Pekerja sosial who may supervise (article 11(4)) at a provider or in a region (code) on
    `on_date`: active, assigned there on that date, holding a valid certificate with supervision
    competency. A region covers assignments to the region or to providers inside it."""
    on_date = on_date or timezone.localdate()
    running = Assignment.objects.filter(active_on(on_date))
    if isinstance(target, Provider):
        running = running.filter(provider=target)
    else:
        running = running.filter(
            within_scope(target, "region__code") | within_scope(target, "provider__region__code")
        )
    return (
        Worker.objects.filter(
            kind=WorkerKind.PEKERJA_SOSIAL,
            active=True,
            pk__in=running.values("worker_id"),
            certificates__supervision=True,
            certificates__issued_on__lte=on_date,
            certificates__valid_until__gte=on_date,
        )
        .distinct()
        .order_by("name")
    )
