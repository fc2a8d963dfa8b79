"""Snapshots, pipeline runs and cleansing proposals."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import InactiveReason

__all__: list[str] = ["CleansingProposal", "PipelineRun", "PipelineStep", "Snapshot"]


class Snapshot(models.Model):
    """An immutable Parquet copy of the registry under VAR_DIR/snapshots/<name>/; its files
    are listed with their sha256 in `manifest`, and a run refuses a snapshot that changed."""

    class Source(models.TextChoices):
        DATABASE = "database", _("Registry database")
        SYNTH = "synth", _("Synthetic population")

    name = models.CharField(_("name"), max_length=64, unique=True)
    taken_at = models.DateTimeField(_("taken at"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True)
    households = models.BigIntegerField(_("households"))
    families = models.BigIntegerField(_("families"))
    members = models.BigIntegerField(_("members"))
    checksum = models.CharField(_("checksum"), max_length=64)
    manifest = models.JSONField(_("manifest"))
    seconds = models.FloatField(_("seconds"), default=0)

    class Meta:
        verbose_name = _("Snapshot")
        verbose_name_plural = _("Snapshots")
        ordering = ["-taken_at", "-id"]

    def __str__(self) -> str:
        return self.name


class PipelineRun(models.Model):
    """One run of the batch pipeline over a snapshot: its inputs (snapshot name and checksum),
    parameters, state and the record of every step. Outputs lie in VAR_DIR/runs/<name>/."""

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    name = models.CharField(_("name"), max_length=64, unique=True)
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="runs",
                                 verbose_name=_("snapshot"))
    snapshot_checksum = models.CharField(_("snapshot checksum"), max_length=64)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices,
                             default=State.RUNNING)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("Pipeline run")
        verbose_name_plural = _("Pipeline runs")
        ordering = ["-started_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(state__in=["running", "done",
                                                                            "failed"]),
                                              name="pipelinerun_state")]

    def __str__(self) -> str:
        return self.name

    @property
    def source_ref(self) -> str:
        """How audit events and status changes name this run."""
        return f"pipeline:{self.name}"


class PipelineStep(models.Model):
    """The record of one step of a run (a resumed run re-runs only what is not done)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    run = models.ForeignKey(PipelineRun, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("step"), max_length=32)
    state = models.CharField(_("state"), max_length=16, choices=State.choices,
                             default=State.PENDING)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    peak_memory_mb = models.FloatField(_("peak memory (MiB)"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    output_dir = models.CharField(_("output directory"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("Pipeline step")
        verbose_name_plural = _("Pipeline steps")
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "name"], name="pipelinestep_name"),
            models.CheckConstraint(condition=models.Q(state__in=["pending", "running", "done",
                                                                 "failed", "skipped"]),
                                   name="pipelinestep_state"),
        ]

    def __str__(self) -> str:
        return f"{self.run.name}/{self.name}"

    @property
    def label(self) -> str:
        """The step's name in the user's language."""
        from linkage.run_display import step_label
        return step_label(self.name)


class CleansingProposal(models.Model):
    """A proposed deactivation of a registry record found by a run, with its reason and the
    evidence. Accepted proposals are applied in bulk; applied ones can be reverted."""

    class Kind(models.TextChoices):
        HOUSEHOLD = "household", _("Household")
        MEMBER = "member", _("Member")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        APPLIED = "applied", _("Applied")
        SKIPPED = "skipped", _("Skipped (record changed since the snapshot)")
        REVERTED = "reverted", _("Reverted")

    run = models.ForeignKey(PipelineRun, on_delete=models.PROTECT, related_name="proposals")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    record_id = models.BigIntegerField(_("record"))
    region_code = models.CharField(_("region code"), max_length=13, db_index=True)
    reason = models.CharField(_("reason"), max_length=16, choices=InactiveReason.choices)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices,
                             default=State.PROPOSED)
    previous_status = models.CharField(max_length=16, blank=True)
    previous_reason = models.CharField(max_length=16, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    reverted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Cleansing proposal")
        verbose_name_plural = _("Cleansing proposals")
        ordering = ["run", "kind", "record_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "kind", "record_id"],
                                    name="cleansingproposal_once_per_run"),
            models.CheckConstraint(condition=models.Q(reason__in=InactiveReason.values),
                                   name="cleansingproposal_has_reason"),
            models.CheckConstraint(condition=models.Q(kind__in=["household", "member"]),
                                   name="cleansingproposal_kind"),
            models.CheckConstraint(
                condition=models.Q(state__in=["proposed", "accepted", "rejected", "applied",
                                              "skipped", "reverted"]),
                name="cleansingproposal_state"),
        ]
        indexes = [models.Index(fields=["run", "state", "reason"])]

    def __str__(self) -> str:
        return f"{self.run.name}: {self.kind} #{self.record_id} {self.reason}"
