"""Due times in words: "12 jam lagi" / "terlambat 5 jam"."""

from django import template
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def hours_text(hours_left: float) -> str:
    hours = int(abs(hours_left))
    if hours_left >= 0:
        return ngettext("%(n)d hour left", "%(n)d hours left", hours) % {"n": hours}
    return ngettext("%(n)d hour late", "%(n)d hours late", hours) % {"n": hours}


@register.filter
def text_of(value: dict | None, lang: str) -> str:
    """The text of a {"id": ..., "en": ...} pair in the page's language."""
    if not isinstance(value, dict):
        return "" if value is None else str(value)
    return value.get(lang) or value.get("id") or ""


def _short(value) -> str:
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= 120 else text[:117] + "…"


@register.filter
def change_text(changes: dict | None) -> str:
    """An audit event's {field: [before, after]} as "field: before → after; ..."."""
    parts = []
    for key, value in (changes or {}).items():
        if isinstance(value, list) and len(value) == 2:
            parts.append(f"{key}: {_short(value[0])} → {_short(value[1])}")
        else:
            parts.append(f"{key}: {_short(value)}")
    return "; ".join(parts)


@register.filter
def when(value: str | None) -> str:
    """An ISO time or date of the bundle as '03-12-2026 16:20' / '03-12-2026'."""
    if not value:
        return "—"
    moment = parse_datetime(str(value))
    if moment is not None:
        return moment.strftime("%d-%m-%Y %H:%M")
    day = parse_date(str(value)[:10])
    return day.strftime("%d-%m-%Y") if day else str(value)
