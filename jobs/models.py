"""Long work as records a user can follow: one Job per start request, executed by a worker
through Django Tasks (django-tasks with the django-tasks-db backend, no broker)."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATES = (JobState.WAITING, JobState.RUNNING)


class Job(models.Model):
    """One piece of long work: what was asked (kind, parameters), by whom, for which region, and
    how far it is. The same request while one is still active is that job (`request_key`)."""

    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    scope = models.CharField(_("region"), max_length=16, blank=True)  # '' = national
    request_key = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=10, choices=JobState.choices, default=JobState.WAITING
    )
    step = models.CharField(_("step"), max_length=60, blank=True)
    done = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    step_started_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    output = models.JSONField(default=dict, blank=True)  # {"links": [...], "summary": {...}}
    error = models.JSONField(default=dict, blank=True)  # {"id": ..., "en": ..., "errors": [...]}
    resumable = models.BooleanField(default=False)
    task_id = models.UUIDField(null=True, blank=True)
    worker_id = models.CharField(max_length=64, blank=True)
    retry_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=JobState.values), name="job_state_valid"
            ),
            # A double click or a second tab finds the job already started, never a second one.
            models.UniqueConstraint(
                fields=["request_key"],
                condition=models.Q(state__in=["waiting", "running"]),
                name="job_one_active_per_request",
            ),
        ]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} job #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES


class WorkerBeat(models.Model):
    """A worker process's sign of life; a running job whose worker stopped beating is failed by
    the next worker (its writes were one transaction, so nothing of it stayed)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField()
    stopped = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"


def new_worker_id() -> str:
    return uuid.uuid4().hex
