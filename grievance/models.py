"""Citizens' submissions: usul (propose a household), sanggah (object to a recipient) and
complaints (pengaduan), their routing to a responsible unit with a service-level time, incidents
that group identical complaints, Serasi referrals (Permensos 7/2021 art. 1) and notifications.

Routing and SLA are data (`RoutingRule`); status moves live in `services.py`."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


def _in(field: str, choices: type[models.Choices], name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": choices.values}), name=name)


class Kind(models.TextChoices):
    USUL = "usul", _("Proposal (usul)")
    SANGGAH = "sanggah", _("Objection (sanggah)")
    COMPLAINT = "complaint", _("Complaint")


class Category(models.TextChoices):
    NOT_RECEIVING = "not_receiving", _("Not receiving aid")
    CARD_PROBLEM = "card_problem", _("Card broken or blocked")
    BALANCE_SHORT = "balance_short", _("Balance short")
    EWARONG_GOODS = "ewarong_goods", _("Goods quality or price at an e-warong")
    POS_PAYMENT = "pos_payment", _("Payment at the Pos office")
    WRONG_DATA = "wrong_data", _("Wrong data")
    TARGETING_ERROR = "targeting_error", _("Targeting error")
    CONDUCT = "conduct", _("Conduct of a pendamping or merchant")
    OTHER = "other", _("Other")
    # usul and sanggah route like categories of their own
    USUL = "usul", _("Proposal (usul)")
    SANGGAH = "sanggah", _("Objection (sanggah)")


COMPLAINT_CATEGORIES = [c for c in Category.values if c not in ("usul", "sanggah")]


class Channel(models.TextChoices):
    WEB = "web", _("Public web form")
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in")
    API = "api", _("API")
    LAPOR = "lapor", _("SP4N-LAPOR!")
    VERIFICATION = "verification", _("Payment verification")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("Being handled")
    ESCALATED = "escalated", _("Escalated")
    REFERRED = "referred", _("Referred to a service")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged into another report")


OPEN_STATUSES = [Status.RECEIVED, Status.IN_PROGRESS, Status.ESCALATED, Status.REFERRED]
DONE_STATUSES = [Status.RESOLVED, Status.CLOSED]


class Unit(models.TextChoices):
    """The responsible unit, by level. The unit's region is kept next to it on the submission."""

    VILLAGE = "village", _("Village office")
    DINSOS_KABUPATEN = "dinsos_kabupaten", _("Dinas Sosial (regency/city)")
    DINSOS_PROVINSI = "dinsos_provinsi", _("Dinas Sosial (province)")
    PROGRAM = "program", _("Program office")
    CHANNEL = "channel", _("Paying bank / PT Pos")
    EWARONG_SUPERVISOR = "ewarong_supervisor", _("E-warong supervisor")
    PUSAT = "pusat", _("Ministry (centre)")


class Resolution(models.TextChoices):
    FIXED = "fixed", _("Problem fixed")
    PAID = "paid", _("Aid paid or balance restored")
    DATA_CORRECTED = "data_corrected", _("Data corrected")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible under the program rules")
    UNFOUNDED = "unfounded", _("Not confirmed on verification")
    REFERRED = "referred", _("Referred and served")
    SANCTIONED = "sanctioned", _("Merchant or staff sanctioned")
    OTHER = "other", _("Other")


class RoutingRule(models.Model):
    """Which unit handles a category in a region, and in how many hours (SLA). The rule with the
    longest matching `region_prefix` wins; '' matches everywhere."""

    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    region_prefix = models.CharField(_("region"), max_length=13, blank=True)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    sla_hours = models.PositiveIntegerField(_("service-level time (hours)"))

    class Meta:
        verbose_name = _("Routing rule")
        verbose_name_plural = _("Routing rules")
        constraints = [
            models.UniqueConstraint(fields=["category", "region_prefix"],
                                    name="grievance_rule_once"),
            _in("category", Category, "grievance_rule_category"),
            _in("unit", Unit, "grievance_rule_unit"),
            models.CheckConstraint(condition=models.Q(sla_hours__gt=0), name="grievance_sla_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.category}@{self.region_prefix or '*'} -> {self.unit}"


class Incident(models.Model):
    """One cause (a bank outage in a kabupaten, a late stage) and the many identical complaints
    it brings; resolving it resolves them all and tells each complainant."""

    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    region_code = models.CharField(_("region"), max_length=13, db_index=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=20, choices=Resolution.choices, blank=True)
    public_message = models.TextField(_("message to the complainants"), blank=True)

    class Meta:
        verbose_name = _("Incident")
        verbose_name_plural = _("Incidents")
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return self.title


class Submission(models.Model):
    """An usul, a sanggah or a complaint, followed by its tracking number."""

    tracking_number = models.CharField(max_length=16, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.RECEIVED)
    region = models.ForeignKey("wilayah.Region", verbose_name=_("village"),
                               on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("description"))
    # The submitter: never shown to the person concerned nor on any public page.
    submitter_name = models.CharField(_("submitter name"), max_length=100, blank=True)
    submitter_phone = models.CharField(_("submitter phone"), max_length=20, blank=True)
    submitter_email = models.EmailField(_("submitter e-mail"), blank=True)
    # The person or household it is about.
    subject_name = models.CharField(_("name of the person concerned"), max_length=100, blank=True)
    subject_nik = models.CharField(_("NIK"), max_length=16, blank=True, db_index=True)
    subject_kk = models.CharField(_("KK number"), max_length=16, blank=True)
    subject_address = models.CharField(_("address"), max_length=200, blank=True)
    is_self = models.BooleanField(_("about the submitter"), default=False)
    program_code = models.CharField(_("program"), max_length=20, blank=True)
    # Links to what it concerns.
    household = models.ForeignKey("registry.Household", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("registry.Member", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    enrollment = models.ForeignKey("programs.Enrollment", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    payment = models.ForeignKey("payments.Payment", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    merchant = models.ForeignKey("ewarong.Merchant", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    atensi_case = models.ForeignKey("atensi.Case", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    verification_flag = models.OneToOneField("payments.VerificationFlag", null=True, blank=True,
                                             on_delete=models.PROTECT, related_name="+")
    # usul: the draft usulan made from it in the registration flow. Registration has no
    # "public" proposal source; this link is how a proposal is known to come from the public.
    proposal = models.ForeignKey("registration.Proposal", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="submissions")
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="duplicates")
    # Routing
    unit = models.CharField(_("responsible unit"), max_length=20, choices=Unit.choices)
    unit_region_code = models.CharField(max_length=13, blank=True, db_index=True)
    due_at = models.DateTimeField(_("due"))
    escalations = models.PositiveSmallIntegerField(default=0)
    # Resolution and satisfaction
    resolution = models.CharField(_("resolution"), max_length=20, choices=Resolution.choices,
                                  blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    satisfaction_comment = models.CharField(max_length=500, blank=True)
    external_ref = models.CharField(_("SP4N-LAPOR! number"), max_length=40, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = _("Complaint / usul / sanggah")
        verbose_name_plural = _("Complaints, usul and sanggah")
        ordering = ["due_at", "id"]
        constraints = [
            _in("kind", Kind, "grievance_kind"),
            _in("category", Category, "grievance_category"),
            _in("channel", Channel, "grievance_channel"),
            _in("status", Status, "grievance_status"),
            _in("unit", Unit, "grievance_unit"),
            models.UniqueConstraint(fields=["external_ref"], condition=~models.Q(external_ref=""),
                                    name="grievance_lapor_once"),
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True)
                | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="grievance_satisfaction_1_5"),
            models.CheckConstraint(
                condition=~models.Q(status="merged") | models.Q(merged_into__isnull=False),
                name="grievance_merged_has_target"),
        ]
        indexes = [models.Index(fields=["status", "due_at"]),
                   models.Index(fields=["unit", "unit_region_code"])]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Event(models.Model):
    """One step of the timeline. `public_message` is what the citizen reads with the tracking
    number; `internal_note` never leaves the operators' pages."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    action = models.CharField(max_length=20)
    status = models.CharField(max_length=12, choices=Status.choices)
    public_message = models.CharField(max_length=500, blank=True)
    internal_note = models.TextField(blank=True)
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} @ {self.at:%Y-%m-%d %H:%M}"


class Attachment(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE,
                                   related_name="attachments")
    file = models.FileField(upload_to="grievance/%Y/%m/")
    content_type = models.CharField(max_length=20)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.file.name


class Notification(models.Model):
    """A message to a complainant, as a record; an SMS/e-mail gateway sends the unsent ones."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE,
                                   related_name="notifications")
    to = models.CharField(max_length=120)
    message = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"notification #{self.pk}"


class ReferralKind(models.TextChoices):
    ATENSI = "atensi", _("ATENSI intake (rehabilitation)")
    OTHER_SERVICE = "other_service", _("Another service")


class Referral(models.Model):
    """Serasi (Permensos 7/2021 art. 1): a complaint resolved by referral, and the outcome the
    service reports back."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="referrals")
    kind = models.CharField(max_length=16, choices=ReferralKind.choices)
    # ATENSI: the provider (sentra, balai, LKS) whose pekerja sosial receive the intake.
    provider = models.ForeignKey("providers.Provider", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    intake = models.OneToOneField("atensi.Intake", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    service_name = models.CharField(_("service"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    outcome = models.TextField(_("outcome"), blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            _in("kind", ReferralKind, "grievance_referral_kind"),
            models.CheckConstraint(
                condition=~models.Q(kind="atensi") | models.Q(provider__isnull=False),
                name="grievance_atensi_referral_has_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.service_name}"
