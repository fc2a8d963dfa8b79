"""Workforce rules and changes: certification and supervision competency (Permensos 7/2021
articles 1, 11(4), 42), and adding workers, certificates and assignments (each an audit event)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from audit.services import Context, diff, record
from base.i18n import content_language
from registry import identity
from wilayah.selectors import district_exists

from .models import Assignment, Certificate, Worker, WorkerKind

WORKER_FIELDS = ("name", "nik", "kind", "region", "phone", "user", "active")
CERTIFICATE_FIELDS = ("number", "issued_on", "valid_until", "supervision", "issuer")
ASSIGNMENT_FIELDS = ("provider", "region", "role", "start_date", "end_date")


def valid_certificate(
    worker: Worker, on_date: date | None = None, supervision: bool = False
) -> Certificate | None:
    """The worker's competency certificate valid on `on_date` (latest ending first), if any;
    with `supervision`, only one that carries supervision competency."""
    on_date = on_date or timezone.localdate()
    if worker.kind != WorkerKind.PEKERJA_SOSIAL:
        return None
    qs = worker.certificates.filter(issued_on__lte=on_date, valid_until__gte=on_date)
    if supervision:
        qs = qs.filter(supervision=True)
    return qs.order_by("-valid_until").first()


def is_certified(worker: Worker, on_date: date | None = None) -> bool:
    """Article 1: a pekerja sosial 'telah mendapatkan sertifikat kompetensi' — a certificate
    valid on `on_date`."""
    return valid_certificate(worker, on_date) is not None


def can_supervise(worker: Worker, on_date: date | None = None) -> bool:
    """Article 11(4): case management is supervised by a pekerja sosial. Supervising takes an
    active pekerja sosial holding, on `on_date`, a valid certificate with supervision
    competency; an expired certificate supervises nobody."""
    return worker.active and valid_certificate(worker, on_date, supervision=True) is not None


def certification_of(worker_ids: list[int], on_date: date | None = None) -> dict[int, str]:
    """For a page of workers at once: {worker_id: 'supervisor' | 'certified'} for the pekerja
    sosial holding a valid certificate on `on_date` (with supervision competency or not)."""
    on_date = on_date or timezone.localdate()
    rows = Certificate.objects.filter(
        worker_id__in=worker_ids,
        worker__kind=WorkerKind.PEKERJA_SOSIAL,
        issued_on__lte=on_date,
        valid_until__gte=on_date,
    ).values_list("worker_id", "supervision", "worker__active")
    found: dict[int, str] = {}
    for worker_id, supervision, active in rows:
        if supervision and active:
            found[worker_id] = "supervisor"
        else:
            found.setdefault(worker_id, "certified")
    return found


def nik_error(nik: str) -> str | None:
    """The problem with a worker's NIK in the user's language, or None (empty NIK is allowed:
    not every volunteer's NIK is known)."""
    if not nik:
        return None
    parsed = identity.parse_nik(nik, known_district=district_exists)
    if parsed.ok:
        return None
    return identity.message(parsed.errors[0], content_language())


def normalize_nik(nik: str) -> str:
    return identity.normalize_digits(nik or "")


_FK_FIELDS = ("region", "provider", "user")


def _values(obj, fields) -> dict:
    return {f: getattr(obj, f"{f}_id" if f in _FK_FIELDS else f) for f in fields}


def _check(obj) -> None:
    """Model validation (field-named errors) before writing."""
    obj.full_clean()


@transaction.atomic
def add_worker(ctx: Context, **values) -> Worker:
    """Register a worker in a region the actor manages."""
    worker = Worker(**values)
    worker.nik = normalize_nik(worker.nik)
    if problem := nik_error(worker.nik):
        raise ValidationError({"nik": problem})
    policy.require(ctx.actor, policy.MANAGE_WORKFORCE, worker.region_id)
    _check(worker)
    worker.save()
    record(
        ctx,
        "workforce.worker.create",
        worker,
        diff({}, _values(worker, WORKER_FIELDS)),
        worker.region_id,
    )
    return worker


@transaction.atomic
def update_worker(ctx: Context, worker: Worker, **values) -> Worker:
    policy.require(ctx.actor, policy.MANAGE_WORKFORCE, worker.region_id)
    before = _values(worker, WORKER_FIELDS)
    for key, value in values.items():
        setattr(worker, key, value)
    worker.nik = normalize_nik(worker.nik)
    if problem := nik_error(worker.nik):
        raise ValidationError({"nik": problem})
    policy.require(ctx.actor, policy.MANAGE_WORKFORCE, worker.region_id)
    _check(worker)
    worker.save()
    record(
        ctx,
        "workforce.worker.update",
        worker,
        diff(before, _values(worker, WORKER_FIELDS)),
        worker.region_id,
    )
    return worker


@transaction.atomic
def add_certificate(ctx: Context, worker: Worker, **values) -> Certificate:
    """Record a competency certificate; only a pekerja sosial holds one (article 1)."""
    policy.require(ctx.actor, policy.MANAGE_WORKFORCE, worker.region_id)
    if worker.kind != WorkerKind.PEKERJA_SOSIAL:
        raise ValidationError(_("Only a pekerja sosial holds a competency certificate."))
    cert = Certificate(worker=worker, **values)
    _check(cert)
    cert.save()
    changes = diff({}, _values(cert, CERTIFICATE_FIELDS))
    record(ctx, "workforce.certificate.create", cert, changes, worker.region_id)
    return cert


@transaction.atomic
def add_assignment(ctx: Context, worker: Worker, **values) -> Assignment:
    """Post a worker to a provider and/or region; the actor must manage the worker's region and
    the place of posting."""
    policy.require(ctx.actor, policy.MANAGE_WORKFORCE, worker.region_id)
    assignment = Assignment(worker=worker, **values)
    assignment.clean()
    place = assignment.region_id or assignment.provider.region_id
    if not policy.can(ctx.actor, policy.MANAGE_WORKFORCE, place) and not (
        assignment.provider_id and assignment.provider.is_national
    ):
        raise ValidationError({"region": _("This place lies outside your region.")})
    _check(assignment)
    assignment.save()
    changes = diff({}, _values(assignment, ASSIGNMENT_FIELDS))
    record(ctx, "workforce.assignment.create", assignment, changes, worker.region_id)
    return assignment


@transaction.atomic
def end_assignment(ctx: Context, assignment: Assignment, end_date: date) -> Assignment:
    policy.require(ctx.actor, policy.MANAGE_WORKFORCE, assignment.worker.region_id)
    before = _values(assignment, ASSIGNMENT_FIELDS)
    assignment.end_date = end_date
    assignment.clean()
    assignment.save(update_fields=["end_date"])
    changes = diff(before, _values(assignment, ASSIGNMENT_FIELDS))
    record(ctx, "workforce.assignment.update", assignment, changes, assignment.worker.region_id)
    return assignment
