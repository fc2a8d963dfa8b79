"""Extension point for apps built on the registry: blocks on the household page.

The programs app shows each program's decision there without registry importing programs: in
its AppConfig.ready() it calls `register_household_block(<fn>)`; the function takes
(user, household) and returns a `HouseholdBlock` or None (nothing to show, or not allowed).
A block that is slow to compute renders a placeholder that loads itself (htmx), so the
household page stays fast."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class HouseholdBlock:
    title: str
    # Included in the household page with `block` = this object.
    template: str
    context: dict[str, Any] = field(default_factory=dict)


HouseholdBlockSource = Callable[[Any, Any], "HouseholdBlock | None"]

# Filled once at start-up by AppConfig.ready() of the apps that extend the household page.
_household_block_sources: list[HouseholdBlockSource] = []


def register_household_block(source: HouseholdBlockSource) -> None:
    if source not in _household_block_sources:
        _household_block_sources.append(source)


def household_blocks(user, household) -> list[HouseholdBlock]:
    """The blocks other apps add to `household`'s page as seen by `user`."""
    return [b for source in _household_block_sources
            if (b := source(user, household)) is not None]
