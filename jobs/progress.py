"""What a running job tells its page: the step, counts, and the cancel check at safe points."""

import time

from django.utils import timezone

from .kinds import JobCancelled
from .models import Job

WRITE_EVERY_SECONDS = 1.0


class Progress:
    """Passed to a kind's work; services take it as `progress(step, done, total)`.

    Each report is committed on its own when no transaction is open, so the page sees it while
    the work goes on; inside the work's write transaction it becomes visible at the commit."""

    def __init__(self, job: Job, cancellable: bool = False):
        self.job, self.cancellable = job, cancellable
        self._step, self._written = job.step, 0.0

    def __call__(self, step: str, done: int = 0, total: int = 0) -> None:
        now = time.monotonic()
        new_step = step != self._step
        if not new_step and done < total and now - self._written < WRITE_EVERY_SECONDS:
            return
        fields = {"step": step[:60], "done": done, "total": total}
        if new_step:
            fields["step_started_at"] = timezone.now()
            self._step = step
        Job.objects.filter(pk=self.job.pk).update(**fields)
        self._written = now
        self.check_cancel()

    def record(self, **output) -> None:
        """Keep part of the output at once (e.g. the run a retry resumes)."""
        self.job.output = {**self.job.output, **output}
        Job.objects.filter(pk=self.job.pk).update(output=self.job.output)

    def check_cancel(self) -> None:
        if self.cancellable and Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists():
            raise JobCancelled
