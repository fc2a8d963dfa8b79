"""Money and counts as readers of the active language write them: Rp200.000 and 12.345 in
Indonesian, Rp200,000 and 12,345 in English (integer rupiah)."""

from django import template
from django.utils.translation import get_language

register = template.Library()


def _grouped(n: int) -> str:
    """Digits of |n| with the active language's thousands separator."""
    separator = "," if (get_language() or "id").startswith("en") else "."
    return f"{abs(n):,}".replace(",", separator)


def format_rupiah(value, signed: bool = False) -> str:
    if value is None or value == "":
        return "—"
    amount = int(value)
    sign = "−" if amount < 0 else ("+" if signed and amount > 0 else "")
    return f"{sign}Rp{_grouped(amount)}"


@register.filter
def rupiah(value) -> str:
    """200000 -> 'Rp200.000' (Indonesian), 'Rp200,000' (English)."""
    return format_rupiah(value)


@register.filter
def rupiah_diff(value) -> str:
    """A change: +Rp200.000, −Rp200.000, Rp0."""
    return format_rupiah(value, signed=True)


@register.filter
def signed(value) -> str:
    """A change in a count: +12, −3, 0 (thousands separated)."""
    n = int(value or 0)
    return f"+{_grouped(n)}" if n > 0 else (f"−{_grouped(n)}" if n < 0 else "0")


@register.filter
def thousands(value) -> str:
    """12345 -> '12.345' (Indonesian), '12,345' (English)."""
    if value is None or value == "":
        return "—"
    n = int(value)
    return f"-{_grouped(n)}" if n < 0 else _grouped(n)
