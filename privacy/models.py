"""The personal-data duties of UU 27/2022 as records: data subjects' requests (access,
correction, objection to an automated decision) with their 3x24-hour due time, the objections
routed to the program officers, the breach register with its 3x24-hour notification deadline,
and the retention runs with the records they anonymised."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL
# UU 27/2022: requests are answered, and breaches notified, within 3 x 24 hours.
DUTY_HOURS = 72


def due(start: datetime) -> datetime:
    return start + timedelta(hours=DUTY_HOURS)


def _in(field: str, choices: type[models.Choices], name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": choices.values}), name=name)


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access to one's data")
    CORRECTION = "correction", _("Correction of one's data")
    OBJECTION = "objection", _("Objection to an automated decision")


class RequesterRelation(models.TextChoices):
    SELF = "self", _("The person themselves")
    GUARDIAN = "guardian", _("Parent or guardian (of a child)")
    REPRESENTATIVE = "representative", _("Authorised representative")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FULFILLED = "fulfilled", _("Fulfilled")
    REFUSED = "refused", _("Refused")


class SubjectRequest(models.Model):
    """A data subject's request about the person with `nik`. Due 3x24 hours after it was
    received; fulfilled when the answer was given (the bundle handed over, the correction
    recorded as a proposal, the objection answered by the program officer)."""

    kind = models.CharField(_("kind"), max_length=16, choices=RequestKind.choices)
    nik = models.CharField(_("NIK"), max_length=16, db_index=True)
    requester_name = models.CharField(_("requester"), max_length=100)
    requester_relation = models.CharField(
        _("requester is"), max_length=16, choices=RequesterRelation.choices
    )
    identity_checked = models.BooleanField(
        _("identity checked"),
        help_text=_("The requester's KTP (and a representative's authority) was checked."),
    )
    statement = models.TextField(_("request"), blank=True)
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("due at"))
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    fulfilled_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    outcome = models.TextField(_("answer"), blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # A correction: the proposal (usulan) it was recorded as in the DTKS update flow.
    proposal = models.ForeignKey(
        "registration.Proposal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # An access request: the bundle as produced (JSON; the PDF is rendered from it), kept until
    # the retention policy deletes it; its checksum stays.
    bundle = models.JSONField(null=True, blank=True)
    bundle_produced_at = models.DateTimeField(null=True, blank=True)
    bundle_produced_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    bundle_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("Data subject request")
        verbose_name_plural = _("Data subject requests")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["status", "due_at"])]
        constraints = [
            _in("kind", RequestKind, "subject_request_kind"),
            _in("status", RequestStatus, "subject_request_status"),
            _in("requester_relation", RequesterRelation, "subject_request_relation"),
            models.CheckConstraint(
                condition=models.Q(status="open", fulfilled_at__isnull=True)
                | (~models.Q(status="open") & models.Q(fulfilled_at__isnull=False)),
                name="subject_request_closed_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(due_at__gt=models.F("received_at")),
                name="subject_request_due_after_received",
            ),
        ]

    def __str__(self) -> str:
        return f"PDP-{self.pk:05d}" if self.pk else "PDP-new"

    @property
    def number(self) -> str:
        return str(self)

    def overdue(self, now: datetime) -> bool:
        """Still open past its due time, or answered after it."""
        answered = self.fulfilled_at or now
        return answered > self.due_at


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the program officer")
    UPHELD = "upheld", _("Upheld: the decision is reviewed")
    REJECTED = "rejected", _("Rejected: the decision stands")


class Objection(models.Model):
    """An objection to an automated decision (a program's eligibility decision, or the welfare
    ranking's desil when `program` is empty), with the decision and its explanation as they
    stood when the objection was made, routed to the program officers for a human review."""

    request = models.OneToOneField(
        SubjectRequest, on_delete=models.PROTECT, related_name="objection"
    )
    member = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+")
    village_code = models.CharField(_("village"), max_length=13, db_index=True)
    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.JSONField(_("decision objected to"))
    grounds = models.TextField(_("grounds"))
    status = models.CharField(
        _("status"), max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Objection to an automated decision")
        verbose_name_plural = _("Objections to automated decisions")
        ordering = ["request__due_at", "id"]
        constraints = [
            _in("status", ObjectionStatus, "objection_status"),
            models.CheckConstraint(
                condition=models.Q(status="open", answered_at__isnull=True)
                | (~models.Q(status="open") & models.Q(answered_at__isnull=False)
                   & ~models.Q(answer="")),
                name="objection_answered_has_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} ({self.get_status_display()})"


class DataCategory(models.TextChoices):
    IDENTITY = "identity", _("Identity (NIK, KK, name, birth date)")
    ADDRESS = "address", _("Address and location")
    SOCIO_ECONOMIC = "socio_economic", _("Socio-economic data and desil")
    HEALTH = "health", _("Health and disability (specific data)")
    CHILDREN = "children", _("Children's data (specific data)")
    FINANCIAL = "financial", _("Financial data: KKS, bank, benefits (specific data)")
    CASE_FILES = "case_files", _("ATENSI case files")
    ACCOUNTS = "accounts", _("Officials' accounts")


class Breach(models.Model):
    """A personal-data breach (kegagalan pelindungan data pribadi): what happened, when it
    occurred and was discovered, whom it affects, and when the subjects and the authority were
    notified in writing: due 3x24 hours after discovery (UU 27/2022 art. 46)."""

    title = models.CharField(_("what happened"), max_length=200)
    description = models.TextField(_("how it happened and which data were exposed"))
    data_categories = models.JSONField(_("data concerned"), default=list)
    occurred_at = models.DateTimeField(_("occurred at"))
    discovered_at = models.DateTimeField(_("discovered at"))
    subjects_affected = models.PositiveIntegerField(_("people affected"))
    subject_categories = models.CharField(
        _("who is affected"),
        max_length=200,
        help_text=_("e.g. KPM of Program Sembako in one kabupaten"),
    )
    measures = models.TextField(_("measures taken to handle and recover"), blank=True)
    subjects_notified_at = models.DateTimeField(_("subjects notified at"), null=True, blank=True)
    authority_notified_at = models.DateTimeField(
        _("authority notified at"), null=True, blank=True
    )
    notification_note = models.TextField(_("how they were notified"), blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Personal-data breach")
        verbose_name_plural = _("Personal-data breaches")
        ordering = ["-discovered_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discovered_at__gte=models.F("occurred_at")),
                name="breach_discovered_after_occurred",
            ),
            models.CheckConstraint(
                condition=models.Q(subjects_notified_at__isnull=True)
                | models.Q(subjects_notified_at__gte=models.F("discovered_at")),
                name="breach_subjects_notified_after_discovery",
            ),
            models.CheckConstraint(
                condition=models.Q(authority_notified_at__isnull=True)
                | models.Q(authority_notified_at__gte=models.F("discovered_at")),
                name="breach_authority_notified_after_discovery",
            ),
        ]

    def __str__(self) -> str:
        return f"INSIDEN-{self.pk:04d}" if self.pk else "INSIDEN-new"

    @property
    def number(self) -> str:
        return str(self)

    @property
    def deadline(self) -> datetime:
        return due(self.discovered_at)

    @property
    def notified(self) -> bool:
        return self.subjects_notified_at is not None and self.authority_notified_at is not None

    def overdue(self, now: datetime) -> bool:
        """Past the deadline with a notification still missing, or made after it."""
        late = [t for t in (self.subjects_notified_at, self.authority_notified_at) if t]
        missing = not self.notified and now > self.deadline
        return missing or any(t > self.deadline for t in late)


class RetentionRun(models.Model):
    """One confirmed application of the retention policy: the report it applied (as shown to
    the officer who confirmed it) and what it anonymised or deleted per record kind."""

    report = models.JSONField()
    applied = models.JSONField(default=dict)  # {kind: records anonymised or deleted}
    confirmed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Retention run")
        verbose_name_plural = _("Retention runs")
        ordering = ["-applied_at", "-id"]

    def __str__(self) -> str:
        return f"retensi #{self.pk}"


class Anonymised(models.Model):
    """A record the retention policy anonymised (kept, with its identifiers removed), so that
    the next report does not count it again."""

    kind = models.CharField(max_length=40)  # the retention policy's record kind
    record_id = models.BigIntegerField()
    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, related_name="anonymised")

    class Meta:
        verbose_name = _("Anonymised record")
        verbose_name_plural = _("Anonymised records")
        constraints = [
            models.UniqueConstraint(fields=["kind", "record_id"], name="anonymised_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.record_id}"
