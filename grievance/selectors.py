"""Reads: the public timeline (masked), the operators' queue within their scope, duplicates."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import policy
from registry.names import name_key

from . import routing
from .models import DONE_STATUSES, OPEN_STATUSES, Category, Kind, Status, Submission

# What the citizen reads for each step of the timeline (never the internal note).
PUBLIC_ACTIONS = {
    "received": gettext_lazy("Report received."),
    "in_progress": gettext_lazy("The responsible office is handling the report."),
    "escalated": gettext_lazy("Passed on to the office one level up."),
    "referred": gettext_lazy("Referred to a service."),
    "merged": gettext_lazy("Merged with another report about the same matter."),
    "proposed": gettext_lazy("Entered in the DTKS update (usulan)."),
    "resolved": gettext_lazy("Resolved."),
    "closed": gettext_lazy("Closed."),
    "rated": gettext_lazy("Thank you for rating the service."),
}


def mask_name(name: str) -> str:
    """'WAHYUNI LESTARI' -> 'W*****I L*****I': the first and last letter of each word, the
    rest starred; a word of one or two letters shows its first letter and "*". The same rule
    as portal/masking.py (which sits above this app and cannot be imported here)."""
    return " ".join(_mask_word(w) for w in name_key(name or "").split())


def _mask_word(word: str) -> str:
    if len(word) <= 2:
        return word[0] + "*"
    return word[0] + "*" * (len(word) - 2) + word[-1]


@dataclass(frozen=True)
class PublicEvent:
    at: datetime
    status: str
    status_label: str
    message: str


@dataclass(frozen=True)
class PublicTimeline:
    tracking_number: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    category_label: str
    subject_masked: str
    region_name: str
    created_at: datetime
    can_rate: bool
    satisfaction: int | None
    events: list[PublicEvent] = field(default_factory=list)


def public_timeline(tracking_number: str) -> PublicTimeline | None:
    """The status timeline the citizen follows with the tracking number: masked name, no NIK,
    no submitter details, no internal notes. A merged report shows the one it follows."""
    from .services import normalize_tracking

    number = normalize_tracking(tracking_number)
    if not number:
        return None
    sub = Submission.objects.filter(tracking_number=number).select_related("region").first()
    if sub is None:
        return None
    events = [_public_event(e) for e in sub.events.all()]
    if sub.merged_into_id:
        events += [_public_event(e) for e in sub.merged_into.events.exclude(action="received")]
    status = sub.merged_into.status if sub.merged_into_id else sub.status
    return PublicTimeline(
        tracking_number=sub.tracking_number, kind=sub.kind, kind_label=str(Kind(sub.kind).label),
        status=status, status_label=str(Status(status).label),
        category_label=str(Category(sub.category).label),
        subject_masked=mask_name(sub.subject_name), region_name=sub.region.name,
        created_at=sub.created_at,
        can_rate=status in DONE_STATUSES and sub.satisfaction is None,
        satisfaction=sub.satisfaction, events=sorted(events, key=lambda e: e.at),
    )


def _public_event(e) -> PublicEvent:
    base = str(PUBLIC_ACTIONS.get(e.action, ""))
    message = f"{base} {e.public_message}".strip() if e.public_message else base
    return PublicEvent(at=e.at, status=e.status, status_label=str(Status(e.status).label),
                       message=message)


def visible(user) -> QuerySet:
    """Every report in `user`'s region (role and scope via accounts.policy)."""
    return policy.scoped(user, Submission.objects.all(), "region__code", policy.VIEW_COMPLAINTS)


def queue(user, *, mine: bool = True, status: str = "open", category: str = "",
          overdue: bool = False, now: datetime | None = None) -> QuerySet:
    """The operator's queue: by default the open reports of the units `user`'s role works,
    within their region, most urgent first."""
    qs = visible(user).select_related("region")
    if mine:
        units = routing.units_of_role(user.role)
        qs = qs.filter(unit__in=units)
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if overdue:
        qs = qs.filter(due_at__lt=now or timezone.now())
    return qs.order_by("due_at", "id")


def duplicates_of(sub: Submission) -> QuerySet:
    """Open reports probably about the same matter: same category and village and the same
    NIK (or, without a NIK, the same phone)."""
    qs = Submission.objects.filter(category=sub.category, region_id=sub.region_id,
                                   status__in=OPEN_STATUSES).exclude(pk=sub.pk)
    same = Q()
    if sub.subject_nik:
        same |= Q(subject_nik=sub.subject_nik)
    if sub.submitter_phone:
        same |= Q(submitter_phone=sub.submitter_phone)
    return qs.filter(same) if same else qs.none()


def timeline(sub: Submission):
    return sub.events.select_related("actor").all()


def overdue_label(sub: Submission, now: datetime | None = None) -> str:
    now = now or timezone.now()
    if sub.status not in OPEN_STATUSES:
        return ""
    return _("Overdue") if sub.due_at < now else ""
