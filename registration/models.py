"""The DTKS update flow: proposals (usulan) from a village, the village meeting (musdes/muskel)
that makes the final prelist, the Dinas Sosial verification visit, the regency's compiled
submission and its approval chain (pengesahan, province, centre), and the period whose
determination (penetapan) applies the verified proposals to the registry.

Status values and who may move them live in `transitions.py`; these models only store them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    NEW_HOUSEHOLD = "new_household", _("New household")
    ADD_MEMBER = "add_member", _("Add a member")
    REMOVE_MEMBER = "remove_member", _("Remove a member")
    CORRECT_DATA = "correct_data", _("Correct data")
    MOVE_HOUSEHOLD = "move_household", _("Move household")
    DEACTIVATE = "deactivate", _("Deactivate household")


class ProposalSource(models.TextChoices):
    SELF_REGISTRATION = "self_registration", _("Self-registration")
    RT_RW_DUSUN = "rt_rw_dusun", _("RT/RW or kepala dusun")
    PSKS = "psks", _("PSKS")
    VILLAGE_MEETING = "village_meeting", _("Village meeting")
    COMPLAINT = "complaint", _("Complaint")
    ATENSI = "atensi", _("ATENSI")
    MINISTRY = "ministry", _("Ministry")


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the village meeting")
    PRELIST_FINAL = "prelist_final", _("Accepted at the meeting (final prelist)")
    REJECTED_AT_MEETING = "rejected_at_meeting", _("Rejected at the meeting")
    VISIT_ASSIGNED = "visit_assigned", _("Verification visit assigned")
    VERIFIED = "verified", _("Verified")
    NOT_VERIFIED = "not_verified", _("Not verified")
    COMPILED = "compiled", _("In the regency submission")
    RETURNED = "returned", _("Returned")
    APPLIED = "applied", _("Applied at penetapan")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SubmissionStatus(models.TextChoices):
    COMPILED = "compiled", _("Compiled")
    RATIFIED = "ratified", _("Ratified by the bupati/walikota")
    FORWARDED = "forwarded", _("Forwarded by the province")
    DETERMINED = "determined", _("Accepted by the centre")
    RETURNED = "returned", _("Returned")


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DETERMINED = "determined", _("Determined")


class MeetingKind(models.TextChoices):
    MUSDES = "musdes", _("Musyawarah desa")
    MUSKEL = "muskel", _("Musyawarah kelurahan")


class MeetingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Decision(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    REJECT = "reject", _("Reject")


class VisitResult(models.IntegerChoices):
    VERIFIED = 1, _("Verified")
    NOT_FOUND = 2, _("Household not found")
    MOVED = 3, _("Household moved / building gone")
    PART_OF_PRELIST_HOUSEHOLD = 4, _("Part of a prelist household")
    DUPLICATE = 5, _("Duplicate")


def _choice_check(field: str, choices: type[models.Choices], name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": choices.values}), name=name)


USER = settings.AUTH_USER_MODEL


class Period(models.Model):
    """A DTKS period (e.g. '2026-Q4'); its penetapan applies the period's accepted proposals."""

    code = models.CharField(max_length=16, unique=True)
    label = models.CharField(max_length=100)
    status = models.CharField(
        max_length=16, choices=PeriodStatus.choices, default=PeriodStatus.OPEN
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    determined_at = models.DateTimeField(null=True, blank=True)
    determined_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decree_number = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-code"]
        constraints = [
            _choice_check("status", PeriodStatus, "period_status"),
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(determined_at__isnull=False),
                name="period_determined_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Submission(models.Model):
    """One regency's (kabupaten/kota) compiled batch of verified proposals for a period."""

    regency = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="submissions")
    status = models.CharField(
        max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.COMPILED
    )
    status_since = models.DateTimeField()
    decree_number = models.CharField(max_length=100, blank=True)  # pengesahan bupati/walikota
    decree_file = models.FileField(upload_to="registration/decrees/%Y/", blank=True)
    return_reason = models.TextField(blank=True)
    compiled_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [_choice_check("status", SubmissionStatus, "submission_status")]
        indexes = [models.Index(fields=["status", "regency"])]

    def __str__(self) -> str:
        return f"{self.regency_id} {self.period_id} #{self.pk}"


class Proposal(models.Model):
    """An usulan: a change to the registry proposed for one village. The registry changes only
    when the proposal is applied at the penetapan of its period."""

    kind = models.CharField(max_length=16, choices=Kind.choices)
    source = models.CharField(max_length=20, choices=ProposalSource.choices)
    village = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        "registry.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payload = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)  # [{code, field, message, ...}]
    status = models.CharField(
        max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    status_since = models.DateTimeField()
    status_reason = models.TextField(blank=True)  # why it was returned / not verified
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    period = models.ForeignKey(
        Period, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals"
    )
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals"
    )
    # What penetapan created or changed in the registry.
    applied_household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_member = models.ForeignKey(
        "registry.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    # The one-time token of the web form that created it: saving the same form twice (back,
    # then save again) finds this proposal instead of making a second one.
    form_token = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["form_token"], condition=~models.Q(form_token=""), name="proposal_form_once"
            ),
            _choice_check("kind", Kind, "proposal_kind"),
            _choice_check("source", ProposalSource, "proposal_source"),
            _choice_check("status", ProposalStatus, "proposal_status"),
            models.CheckConstraint(
                condition=models.Q(kind="new_household") | models.Q(household__isnull=False),
                name="proposal_existing_kinds_name_household",
            ),
        ]
        indexes = [models.Index(fields=["village", "status"])]

    def __str__(self) -> str:
        return f"Usulan #{self.pk}"


class ProposalNik(models.Model):
    """The NIKs a proposal names, indexed to warn about another open proposal for a person."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="niks")
    nik = models.CharField(max_length=16, db_index=True)

    def __str__(self) -> str:
        return f"NIK of usulan #{self.proposal_id}"


class Meeting(models.Model):
    """A musdes (desa) or muskel (kelurahan); its decisions make the village's final prelist."""

    village = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=MeetingKind.choices)
    held_on = models.DateField()
    place = models.CharField(max_length=200)
    participants = models.JSONField(default=list, blank=True)  # [{name, role}]
    status = models.CharField(
        max_length=8, choices=MeetingStatus.choices, default=MeetingStatus.OPEN
    )
    berita_acara = models.FileField(upload_to="registration/berita_acara/%Y/", blank=True)
    opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            _choice_check("kind", MeetingKind, "meeting_kind"),
            _choice_check("status", MeetingStatus, "meeting_status"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.village_id} {self.held_on}"


class MeetingDecision(models.Model):
    """The meeting's decision on one new proposal or one existing household of the prelist."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=8, choices=Decision.choices)
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            _choice_check("decision", Decision, "decision_value"),
            models.CheckConstraint(
                condition=(
                    models.Q(proposal__isnull=False, household__isnull=True)
                    | models.Q(proposal__isnull=True, household__isnull=False)
                ),
                name="decision_on_proposal_or_household",
            ),
            models.UniqueConstraint(
                fields=["meeting", "proposal"],
                condition=models.Q(proposal__isnull=False),
                name="decision_unique_proposal",
            ),
            models.UniqueConstraint(
                fields=["meeting", "household"],
                condition=models.Q(household__isnull=False),
                name="decision_unique_household",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} at meeting #{self.meeting_id}"


class Visit(models.Model):
    """A Dinas Sosial verification and validation home visit with the full instrument."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="visits")
    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enumerator = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    visited_at = models.DateTimeField(null=True, blank=True)
    result = models.PositiveSmallIntegerField(choices=VisitResult.choices, null=True, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    officer = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(result__isnull=True) | models.Q(result__in=VisitResult.values),
                name="visit_result_code",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(result__isnull=True, visited_at__isnull=True)
                    | models.Q(result__isnull=False, visited_at__isnull=False)
                ),
                name="visit_result_has_date",
            ),
        ]
        indexes = [models.Index(fields=["enumerator", "visited_at"])]

    def __str__(self) -> str:
        return f"Visit #{self.pk}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="registration/visits/%Y/%m/")
    taken_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Photo of visit #{self.visit_id}"


class ApprovalStep(models.Model):
    """Append-only log of every transition of a proposal or a submission."""

    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="steps"
    )
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="steps"
    )
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(proposal__isnull=False, submission__isnull=True)
                    | models.Q(proposal__isnull=True, submission__isnull=False)
                ),
                name="step_of_proposal_or_submission",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} -> {self.to_status}"


class ImportKind(models.TextChoices):
    BNBA = "bnba", _("BNBA list")
    ODK = "odk", _("ODK/Kobo submissions")
    PACKAGE = "package", _("Work package")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")


class ImportBatch(models.Model):
    """One uploaded file and what importing it did. A file is imported at most once: a done
    batch is unique by (kind, content hash) and, for work packages, by package id."""

    kind = models.CharField(max_length=8, choices=ImportKind.choices)
    file_name = models.CharField(max_length=255)
    file = models.FileField(upload_to="registration/imports/%Y/%m/", blank=True)
    content_hash = models.CharField(max_length=64)  # sha256 of the bytes as uploaded
    ref = models.CharField(max_length=64, blank=True)  # package id of a work package
    scope = models.CharField(max_length=16, blank=True)  # importer's region code ('' = all)
    source = models.CharField(max_length=20, blank=True)  # proposal source of a BNBA import
    status = models.CharField(
        max_length=8, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [{row, column, message_id, message_en}]
    counts = models.JSONField(default=dict, blank=True)  # {created, skipped, ...}
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            _choice_check("kind", ImportKind, "import_kind"),
            _choice_check("status", ImportStatus, "import_status"),
            models.UniqueConstraint(
                fields=["kind", "content_hash"],
                condition=models.Q(status="done"),
                name="import_done_once",
            ),
            models.UniqueConstraint(
                fields=["kind", "ref"],
                condition=models.Q(status="done") & ~models.Q(ref=""),
                name="import_package_done_once",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} import #{self.pk}"


class ImportedSubmission(models.Model):
    """An ODK/Kobo submission (by its instance id) already recorded as a visit."""

    instance_id = models.CharField(max_length=64, unique=True)
    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="submissions")

    def __str__(self) -> str:
        return self.instance_id
