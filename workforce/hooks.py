"""Extension point for apps built on the workforce: blocks on the worker page.

The atensi app shows a worker's caseload there without workforce importing atensi: in its
AppConfig.ready() it calls `register_worker_block(atensi.selectors.<fn>)`; the function takes
(user, worker) and returns a `WorkerBlock` or None (nothing to show, or not allowed).
"workforce/_block_figures.html" shows context["rows"] = [(label, value, url or ""), ...]."""

from base.blocks import Block as WorkerBlock
from base.blocks import BlockSlot

worker_page = BlockSlot()
register_worker_block = worker_page.register
worker_blocks = worker_page.blocks

__all__ = ["WorkerBlock", "register_worker_block", "worker_blocks"]
