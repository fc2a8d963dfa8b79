"""Reads of the event log for the audit-log page: the events a user may read (their region scope,
through accounts.policy) narrowed by a filter."""

from dataclasses import asdict, dataclass
from datetime import date

from django.db.models import Q, QuerySet

from accounts import policy
from accounts.models import User
from wilayah.selectors import within_scope

from .models import Event


@dataclass(frozen=True)
class EventFilter:
    """What the auditor looks for; empty fields do not filter."""

    actor: str = ""  # username, or part of the person's name
    action: str = ""  # an action or its beginning ("registry.", "programs.run")
    object_type: str = ""  # app label or model label ("registry", "registry.member")
    object_id: str = ""
    since: date | None = None  # days in Asia/Jakarta (settings.TIME_ZONE), inclusive
    until: date | None = None
    source: str = ""
    source_ref: str = ""  # the import file, batch run or page, or its beginning
    region: str = ""  # a region inside the user's scope

    def as_record(self) -> dict:
        """The filter as the read event records it (dates as text, empty fields left out)."""
        return {k: str(v) for k, v in asdict(self).items() if v not in ("", None)}


def events_for(user: User) -> QuerySet[Event]:
    """Every event `user` may read: those located in their region scope (a national reader
    also reads the events without a region)."""
    return policy.scoped(user, Event.objects.all(), "region_code", policy.VIEW_AUDIT_LOG)


def _actor(text: str) -> Q:
    return (
        Q(actor__username__iexact=text)
        | Q(actor__first_name__icontains=text)
        | Q(actor__last_name__icontains=text)
    )


def _object_type(text: str) -> Q:
    return Q(object_type=text) if "." in text else Q(object_type__startswith=f"{text}.")


def search(user: User, found: EventFilter) -> QuerySet[Event]:
    """The user's events matching the filter, newest first."""
    qs = events_for(user)
    if found.actor:
        qs = qs.filter(_actor(found.actor))
    if found.action:
        qs = qs.filter(action__startswith=found.action)
    if found.object_type:
        qs = qs.filter(_object_type(found.object_type.lower()))
    if found.object_id:
        qs = qs.filter(object_id=found.object_id)
    if found.since:
        qs = qs.filter(at__date__gte=found.since)
    if found.until:
        qs = qs.filter(at__date__lte=found.until)
    if found.source:
        qs = qs.filter(source=found.source)
    if found.source_ref:
        qs = qs.filter(source_ref__startswith=found.source_ref)
    if found.region:
        qs = qs.filter(within_scope(found.region, "region_code"))
    return qs.select_related("actor").order_by("-at", "-id")
