"""The background worker for every job (imports, snapshots, pipeline and eligibility runs,
what-if simulations, exports). Run one or more beside the web server:

    kesos worker              # keep taking jobs
    kesos worker --batch      # run what waits now, then exit
"""

from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from jobs.worker import Worker


class Command(BaseCommand):
    help = "Run the Kesos background job worker."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", action="store_true", help="Run waiting jobs, then exit.")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="Seconds between looks for new jobs when idle.")
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument("--worker-id", default="")

    def handle(self, *args, batch=False, interval=1.0, max_tasks=None, worker_id="", **options):
        worker = Worker(
            queue_names=["default"], interval=interval, batch=batch, backend_name="default",
            startup_delay=not batch, max_tasks=max_tasks,
            worker_id=worker_id or get_random_string(32), excluded_queue_names=[],
        )
        worker.configure_signals()
        worker.run()
