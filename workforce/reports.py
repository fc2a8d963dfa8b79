"""Workforce figures for the article 52 periodic report: counts only, no personal data."""

from datetime import date

from django.db.models import Count

from wilayah.selectors import within_scope

from .models import Assignment, Certificate, Worker, WorkerKind
from .selectors import active_on


def workforce_figures(region_code: str, on_date: date) -> dict:
    """Active workers registered in `region_code` ('' = national): per kind, and the pekerja
    sosial by certification on `on_date` (certified, with supervision competency, certificate
    expired, never certified); workers with a running assignment."""
    workers = Worker.objects.filter(within_scope(region_code, "region__code"), active=True)
    by_kind = dict(workers.values_list("kind").annotate(n=Count("id")).order_by())
    peksos = workers.filter(kind=WorkerKind.PEKERJA_SOSIAL)
    valid = Certificate.objects.filter(issued_on__lte=on_date, valid_until__gte=on_date)
    certified = peksos.filter(pk__in=valid.values("worker_id"))
    supervisors = peksos.filter(pk__in=valid.filter(supervision=True).values("worker_id"))
    running = Assignment.objects.filter(active_on(on_date))
    with_any = peksos.filter(certificates__isnull=False).distinct()
    return {
        "total": workers.count(),
        "by_kind": {k: by_kind.get(k, 0) for k in WorkerKind.values},
        "pekerja_sosial": {
            "total": peksos.count(),
            "certified": certified.count(),
            "supervisors": supervisors.count(),
            "certificate_expired": with_any.exclude(pk__in=certified.values("pk")).count(),
            "never_certified": peksos.filter(certificates__isnull=True).count(),
        },
        "assigned": workers.filter(pk__in=running.values("worker_id")).count(),
    }
