"""The one Django Task behind every job: it runs the job's kind (see jobs.kinds)."""

from django_tasks import task


@task(takes_context=True)
def execute(context, job_id: int) -> str:
    from .services import execute as run_job

    worker_ids = context.task_result.worker_ids
    return run_job(job_id, worker_ids[-1] if worker_ids else "")
