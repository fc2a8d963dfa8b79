"""Writing to the event log. Every change to registry, enrollment, payment or case data and every
read of a personal record calls one of these, inside the same transaction as the change."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from .models import Event, Source

READ = "read"
LOG_READ = "audit.log.read"


@dataclass(frozen=True)
class Context:
    """Who acts, through what, and why: passed from the view/API/batch into the services."""

    actor: Any = None
    source: str = Source.FORM
    source_ref: str = ""
    reason: str = ""
    extra: dict = field(default_factory=dict)


def object_key(obj: models.Model) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list]:
    """{field: [before, after]} for the fields whose value changed (values as JSON-able text)."""
    return {
        k: [_plain(before.get(k)), _plain(after.get(k))]
        for k in after
        if before.get(k) != after.get(k)
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def record(
    ctx: Context,
    action: str,
    obj: models.Model,
    changes: Mapping | None = None,
    region_code: str = "",
) -> Event:
    object_type, object_id = object_key(obj)
    actor = ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None
    return Event.objects.create(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        region_code=region_code,
        changes=dict(changes or {}),
        reason=ctx.reason,
        source=ctx.source,
        source_ref=ctx.source_ref,
    )


def record_read(ctx: Context, obj: models.Model, region_code: str = "") -> Event:
    """Opening a personal record is itself an event (UU 27/2022 processing trail)."""
    return record(ctx, READ, obj, region_code=region_code)


def record_bulk(
    ctx: Context, action: str, object_type: str, rows: Iterable[tuple[str, str, dict]]
) -> int:
    """One event per (object_id, region_code, changes) row, inserted in batches; for imports
    and batch runs, which name themselves in `ctx.source_ref`."""
    actor = ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None
    events = [
        Event(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=oid,
            region_code=region,
            changes=changes,
            reason=ctx.reason,
            source=ctx.source,
            source_ref=ctx.source_ref,
        )
        for oid, region, changes in rows
    ]
    Event.objects.bulk_create(events, batch_size=2000)
    return len(events)


def history(obj: models.Model):
    object_type, object_id = object_key(obj)
    return Event.objects.filter(object_type=object_type, object_id=object_id).select_related(
        "actor"
    )


def record_log_read(
    ctx: Context, filters: dict, event_ids: list[int], region_code: str = ""
) -> Event:
    """Reading the event log is processing of the personal data its events refer to (records
    of persons, values before and after a change): the read is an event itself, naming the
    filter and the range of events shown."""
    shown = f"{min(event_ids)}-{max(event_ids)}" if event_ids else ""
    actor = ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None
    return Event.objects.create(
        actor=actor,
        action=LOG_READ,
        object_type=Event._meta.label_lower,
        object_id=shown,
        region_code=region_code,
        changes={"filters": filters, "shown": len(event_ids)},
        reason=ctx.reason,
        source=ctx.source,
        source_ref=ctx.source_ref,
    )
