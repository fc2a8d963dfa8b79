"""Extension points on pages: an app low in the stack (registry, workforce) offers a slot on one
of its pages, and apps built on it fill the slot at start-up (AppConfig.ready) without the
lower app importing them. A source takes (user, object) and returns a Block, or None when it
has nothing to show or the user may not see it."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Block:
    title: str
    # Included in the page with `block` = this object.
    template: str
    context: dict[str, Any] = field(default_factory=dict)


BlockSource = Callable[[Any, Any], "Block | None"]


class BlockSlot:
    """The sources registered for one page."""

    def __init__(self) -> None:
        self._sources: list[BlockSource] = []

    def register(self, source: BlockSource) -> None:
        if source not in self._sources:
            self._sources.append(source)

    def blocks(self, user, obj) -> list[Block]:
        """The blocks other apps add to `obj`'s page as seen by `user`."""
        return [b for source in self._sources if (b := source(user, obj)) is not None]
