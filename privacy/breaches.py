"""The breach register (UU 27/2022 art. 46): a breach is recorded with what happened, when it
occurred and was discovered, whom it affects; the subjects and the authority are notified in
writing within 3x24 hours of discovery, and the register shows that deadline, overdue ones
first. Every entry and change is an audit event."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit

from .access import require_officer
from .models import Breach, DataCategory
from .services import CLOCK_SLACK

FIELDS = ["title", "description", "data_categories", "occurred_at", "discovered_at",
          "subjects_affected", "subject_categories", "measures"]
NOTIFICATION_FIELDS = ["subjects_notified_at", "authority_notified_at", "notification_note"]


def _errors(values: dict[str, Any]) -> dict[str, str]:
    now = timezone.now() + CLOCK_SLACK
    found = {}
    for key in ("title", "description", "subject_categories"):
        if key in values and not str(values[key] or "").strip():
            found[key] = _("This field is required.")
    unknown = set(values.get("data_categories") or []) - set(DataCategory.values)
    if "data_categories" in values and (unknown or not values["data_categories"]):
        found["data_categories"] = _("Choose the kinds of data concerned.")
    occurred, discovered = values.get("occurred_at"), values.get("discovered_at")
    for key in ("occurred_at", "discovered_at", *NOTIFICATION_FIELDS[:2]):
        if values.get(key) and values[key] > now:
            found[key] = _("This time cannot be in the future.")
    if occurred and discovered and discovered < occurred:
        found["discovered_at"] = _("A breach is discovered after it occurred.")
    for key in NOTIFICATION_FIELDS[:2]:
        if values.get(key) and discovered and values[key] < discovered:
            found[key] = _("Notification comes after the breach was discovered.")
    return found


@transaction.atomic
def record_breach(ctx: audit.Context, **values: Any) -> Breach:
    """Enter a breach in the register; ValidationError names each wrong field."""
    require_officer(ctx.actor)
    errors = _errors({k: values.get(k) for k in FIELDS})
    if errors:
        raise ValidationError(errors)
    breach = Breach.objects.create(recorded_by=ctx.actor, **{k: values[k] for k in FIELDS})
    audit.record(ctx, "privacy.breach.record", breach, audit.diff({}, {
        "occurred_at": breach.occurred_at.isoformat(),
        "discovered_at": breach.discovered_at.isoformat(),
        "subjects_affected": breach.subjects_affected,
        "data_categories": breach.data_categories}))
    return breach


@transaction.atomic
def update_breach(ctx: audit.Context, breach: Breach, **values: Any) -> Breach:
    """Change the entry or record the notifications (times the subjects and the authority
    were notified, and how); the change is audited field by field."""
    require_officer(ctx.actor)
    allowed = FIELDS + NOTIFICATION_FIELDS
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValidationError({k: _("This field cannot be changed.") for k in unknown})
    if not values:
        return breach
    merged = {k: getattr(breach, k) for k in allowed} | values
    errors = _errors(merged)
    if errors:
        raise ValidationError(errors)
    before = {k: _text(getattr(breach, k)) for k in values}
    for key, value in values.items():
        setattr(breach, key, value)
    breach.save(update_fields=list(values))
    delta = audit.diff(before, {k: _text(v) for k, v in values.items()})
    if delta:
        audit.record(ctx, "privacy.breach.update", breach, delta)
    return breach


def _text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


@dataclass(frozen=True)
class Deadline:
    """A breach as the register shows it: its deadline, and what is missing or late."""

    breach: Breach
    deadline: datetime
    overdue: bool
    hours_left: float  # negative once past

    @property
    def missing(self) -> list[str]:
        b = self.breach
        found = []
        if b.subjects_notified_at is None:
            found.append(_("the subjects"))
        if b.authority_notified_at is None:
            found.append(_("the authority"))
        return found


def register(now: datetime | None = None) -> list[Deadline]:
    """Every breach with its deadline: those still to notify first (soonest deadline first),
    then the notified ones, newest first."""
    now = now or timezone.now()
    rows = [Deadline(b, b.deadline, b.overdue(now), (b.deadline - now).total_seconds() / 3600)
            for b in Breach.objects.select_related("recorded_by")]
    pending = sorted((r for r in rows if not r.breach.notified), key=lambda r: r.deadline)
    done = [r for r in rows if r.breach.notified]
    return pending + done

