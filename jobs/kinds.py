"""The kinds of long work. Each app declares its own in its tasks.py:

    @job_kind("eligibility_run", label=_("Enrollment run"), action=policy.RUN_ELIGIBILITY,
              steps={"snapshot": _("Registry snapshot"), ...})
    def eligibility_run(job: Job, progress: Progress) -> dict:
        ...  # the work; returns the output ({"links": [...], "summary": {...}})

A kind's work keeps its writes in one transaction (or is resumable step by step), so a worker
that dies in the middle leaves nothing half-applied.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


class JobRefused(Exception):  # noqa: N818 (the domain word: the input was refused)
    """The input cannot be processed: a message for the user in both languages, and row-level
    errors ({row, column, message_id, message_en}) where a file was refused."""

    def __init__(self, message_id: str, message_en: str, errors: list[dict] | None = None):
        super().__init__(message_en)
        self.message_id, self.message_en, self.errors = message_id, message_en, errors or []

    def as_error(self) -> dict[str, Any]:
        return {"id": self.message_id, "en": self.message_en, "errors": self.errors}


class JobCancelled(Exception):  # noqa: N818
    """Raised at a safe point after a user asked to cancel; the open transaction rolls back."""


@dataclass(frozen=True)
class JobKind:
    name: str
    label: Promise | str
    action: str  # the policy action needed to start (and retry) it
    run: Callable[..., dict]
    steps: dict[str, Promise | str] = field(default_factory=dict)
    cancellable: bool = False
    # After a failure, the parameters of a retry (e.g. resume the pipeline run it had begun).
    retry_params: Callable[[Any], dict] | None = None

    def step_label(self, step: str) -> str:
        return str(self.steps.get(step, step))


KINDS: dict[str, JobKind] = {}


def job_kind(name: str, *, label, action: str, steps: dict | None = None,
             cancellable: bool = False, retry_params: Callable | None = None) -> Callable:
    def register(run: Callable[..., dict]) -> Callable[..., dict]:
        KINDS[name] = JobKind(name, label, action, run, dict(steps or {}), cancellable,
                              retry_params)
        return run

    return register


def kind_of(name: str) -> JobKind | None:
    return KINDS.get(name)


# Callbacks run when a job of a kind finishes done: {kind: [callback(job)]}. A higher app
# registers one from its AppConfig.ready() (e.g. reports refreshes its summary tables after a
# pipeline run), so that the app whose job finished does not import it.
AFTER_DONE: dict[str, list[Callable[[Any], None]]] = {}


def after_done(kinds: list[str], callback: Callable[[Any], None]) -> None:
    for name in kinds:
        if callback not in AFTER_DONE.setdefault(name, []):
            AFTER_DONE[name].append(callback)


def in_both(text: Callable[[], str]) -> dict[str, str]:
    """A message for the job page in both languages, from the app's own catalogue: `text` is
    called once with Indonesian active and once with English."""
    from django.utils import translation

    out = {}
    for lang in ("id", "en"):
        with translation.override(lang):
            out[lang] = str(text())
    return out
