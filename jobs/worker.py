"""The job worker: django-tasks-db's worker, plus a heartbeat and the reaping of jobs whose
worker died (a killed process cannot mark its own job failed)."""

import logging
import threading

from django.db import close_old_connections, connection
from django.db.utils import OperationalError
from django_tasks_db.management.commands.db_worker import Worker as DBWorker

from . import services

logger = logging.getLogger("kesos.jobs")
BEAT_SECONDS = 5.0


class Worker(DBWorker):
    """Picks one job at a time (a locked claim: with several workers each job runs once)."""

    def run(self) -> None:
        services.beat(self.worker_id)
        services.fail_abandoned()
        stop = threading.Event()
        beating = threading.Thread(target=self._beat, args=(stop,), daemon=True)
        beating.start()
        try:
            super().run()
        finally:
            stop.set()
            beating.join(timeout=BEAT_SECONDS * 2)
            services.stopped(self.worker_id)

    def _beat(self, stop: threading.Event) -> None:
        while not stop.wait(BEAT_SECONDS):
            try:
                close_old_connections()
                services.beat(self.worker_id)
                services.fail_abandoned()
            except OperationalError:  # SQLite busy with the job's own write: beat next time
                logger.debug("worker heartbeat skipped: database busy")
        connection.close()


def run_waiting(worker_id: str = "inline") -> int:
    """Run every job that waits now in this process, through the worker's own task runner; the
    number run. For the demo's set-up and the tests (no polling loop, no connection recycling)."""
    from django_tasks_db.models import DBTaskResult

    worker = Worker(queue_names=["default"], interval=0, batch=True, backend_name="default",
                    startup_delay=False, max_tasks=None, worker_id=worker_id,
                    excluded_queue_names=[])
    ran = 0
    while (result := DBTaskResult.objects.ready().filter(backend_name="default").first()):
        result.claim(worker_id)
        worker.run_task(result)
        ran += 1
    return ran
