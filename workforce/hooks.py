"""Extension point for apps built on the workforce: blocks on the worker page.

The atensi app shows a worker's caseload there without workforce importing atensi: in its
AppConfig.ready() it calls `register_worker_block(atensi.selectors.<fn>)`; the function takes
(user, worker) and returns a `WorkerBlock` or None (nothing to show, or not allowed)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class WorkerBlock:
    title: str
    # Rendered with `block` = this object; "workforce/_block_figures.html" shows
    # context["rows"] = [(label, value, url or ""), ...].
    template: str
    context: dict[str, Any] = field(default_factory=dict)


WorkerBlockSource = Callable[[Any, Any], "WorkerBlock | None"]

# Filled once at start-up by AppConfig.ready() of the apps that extend the worker page.
_worker_block_sources: list[WorkerBlockSource] = []


def register_worker_block(source: WorkerBlockSource) -> None:
    if source not in _worker_block_sources:
        _worker_block_sources.append(source)


def worker_blocks(user, worker) -> list[WorkerBlock]:
    """The blocks other apps add to `worker`'s page as seen by `user`."""
    return [b for source in _worker_block_sources if (b := source(user, worker)) is not None]
