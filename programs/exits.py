"""Exits decided outside a program's rules: a family that graduated from PKH leaves the next
KPM list whatever its rules say. An app above programs registers, per program, a source of
{household id: reason code} in force on a date, with the words of its reason codes; an
enrollment run treats those households as not eligible with that reason, so they leave the
list (exited, with the reason) and free their place in the quota."""

from collections.abc import Callable
from datetime import date

Source = Callable[[date], dict[int, str]]
_SOURCES: dict[str, list[Source]] = {}
_WORDS: dict[str, tuple[str, str]] = {}


def register(program_code: str, source: Source, words: dict[str, tuple[str, str]]) -> None:
    """`source(as_of)` -> {household id: reason code}; `words`: {code: (Indonesian, English)}."""
    if source not in _SOURCES.setdefault(program_code, []):
        _SOURCES[program_code].append(source)
    _WORDS.update(words)


def exits_on(program_code: str, as_of: date) -> dict[int, str]:
    found: dict[int, str] = {}
    for source in _SOURCES.get(program_code, []):
        found.update(source(as_of))
    return found


def words(reason: str) -> tuple[str, str] | None:
    return _WORDS.get(reason)
