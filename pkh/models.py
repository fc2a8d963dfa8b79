"""PKH conditionality: the commitment rules (versioned data), the evidence of each member's
commitments (pendamping forms and imports from schools and health facilities), each stage's
verification per family and commitment, sanctions on the ladder, appeals, graduation and the
P2K2 family-development sessions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RuleVersion(models.Model):
    """One version of the commitments, thresholds, verification periods, cut rule and ladder
    (pkh/data/commitments.json is version 1). The highest version is in force."""

    version = models.PositiveIntegerField(unique=True)
    definition = models.JSONField()
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("PKH rule version")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"PKH rules v{self.version}"


class ImportBatch(models.Model):
    """An imported file of school attendance or health-facility visits. The same file twice is
    the same import (unique checksum), so it changes nothing the second time."""

    class Kind(models.TextChoices):
        SCHOOL = "school", _("School attendance")
        HEALTH = "health", _("Health-facility visits")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, unique=True)
    rows = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(kind__in=["school", "health"]),
                                              name="pkh_import_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"


class Evidence(models.Model):
    """One fact about one member's commitment: a visit (antenatal check, immunisation,
    weighing, home visit, Posyandu Lansia), attended or not, on a date; or a school's
    attendance figures for a stage."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit")
        ATTENDANCE = "attendance", _("School attendance")

    class Source(models.TextChoices):
        FORM = "form", _("Pendamping form")
        IMPORT = "import", _("Import")

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT,
                                  related_name="+")
    member = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+")
    village_code = models.CharField(max_length=13, db_index=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    visit_type = models.CharField(max_length=16, blank=True)
    on = models.DateField(_("date"))
    attended = models.BooleanField(_("attended"), default=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    stage = models.PositiveSmallIntegerField(null=True, blank=True)
    enrolled = models.BooleanField(null=True, blank=True)
    school_days = models.PositiveSmallIntegerField(null=True, blank=True)
    days_present = models.PositiveSmallIntegerField(null=True, blank=True)
    place = models.CharField(_("school or facility"), max_length=120, blank=True)
    note = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="evidence")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["member", "on"]),
                   models.Index(fields=["household", "year", "stage"])]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["visit", "attendance"]),
                                   name="pkh_evidence_kind"),
            models.CheckConstraint(
                condition=~Q(kind="attendance") | Q(year__isnull=False, stage__isnull=False,
                                                    school_days__isnull=False,
                                                    days_present__isnull=False,
                                                    enrolled__isnull=False),
                name="pkh_attendance_complete"),
            models.CheckConstraint(condition=Q(days_present__lte=models.F("school_days"))
                                   | Q(kind="visit"), name="pkh_attendance_days"),
            models.UniqueConstraint(fields=["member", "visit_type", "on"],
                                    condition=Q(kind="visit"), name="pkh_visit_once"),
            models.UniqueConstraint(fields=["member", "year", "stage"],
                                    condition=Q(kind="attendance"), name="pkh_attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.member_id} {self.on}"


class VerificationRun(models.Model):
    """One verification of a stage over the PKH families: counts, timing, rule version."""

    year = models.PositiveSmallIntegerField()
    stage = models.PositiveSmallIntegerField()
    rules = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="+")
    counts = models.JSONField(default=dict)
    seconds = models.FloatField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"verifikasi {self.year} tahap {self.stage}"


class StageStatus(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant")
    VIOLATION = "violation", _("Violation")
    NOT_VERIFIED = "not_verified", _("Not verified")


class StageResult(models.Model):
    """A family's verification of one stage (the period of the stage; its consequence falls
    on the next stage's payment)."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT,
                                  related_name="+")
    village_code = models.CharField(max_length=13, db_index=True)
    year = models.PositiveSmallIntegerField()
    stage = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=StageStatus.choices)
    streak = models.PositiveSmallIntegerField(default=0)  # consecutive violation stages
    step = models.CharField(max_length=12, blank=True)  # ladder step reached ('' none)
    run = models.ForeignKey(VerificationRun, on_delete=models.PROTECT, related_name="results")

    class Meta:
        indexes = [models.Index(fields=["year", "stage", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["household", "year", "stage"],
                                    name="pkh_stage_result_once"),
            models.CheckConstraint(condition=Q(status__in=StageStatus.values),
                                   name="pkh_stage_status"),
            models.CheckConstraint(condition=Q(stage__gte=1, stage__lte=4),
                                   name="pkh_stage_range"),
            models.CheckConstraint(condition=Q(step__in=["", "warning", "suspension", "exit"]),
                                   name="pkh_stage_step"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}-T{self.stage} {self.status}"


class CommitmentResult(models.Model):
    """One member's one commitment in one stage, with the facts it was judged on."""

    class Status(models.TextChoices):
        MET = "met", _("Met")
        VIOLATED = "violated", _("Violated")
        NOT_VERIFIED = "not_verified", _("Not verified")
        EXCUSED = "excused", _("Excused on appeal")

    result = models.ForeignKey(StageResult, on_delete=models.CASCADE, related_name="lines")
    member = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+")
    component = models.CharField(max_length=24)
    commitment = models.CharField(max_length=40)
    status = models.CharField(max_length=16, choices=Status.choices)
    facts = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["result", "member", "component", "commitment"],
                                    name="pkh_commitment_once"),
            models.CheckConstraint(
                condition=Q(status__in=["met", "violated", "not_verified", "excused"]),
                name="pkh_commitment_status"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.component}.{self.commitment} {self.status}"


class Appeal(models.Model):
    """The pendamping's appeal (sanggahan) against a violation; the Dinas Sosial decides.
    Upheld: the violation is excused and the cut it caused is lifted."""

    class Status(models.TextChoices):
        FILED = "filed", _("Filed")
        UPHELD = "upheld", _("Upheld")
        REJECTED = "rejected", _("Rejected")

    line = models.OneToOneField(CommitmentResult, on_delete=models.PROTECT,
                                related_name="appeal")
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.FILED)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["filed", "upheld", "rejected"]),
                                   name="pkh_appeal_status"),
            models.CheckConstraint(condition=Q(status="filed") | Q(decided_by__isnull=False),
                                   name="pkh_appeal_decided_has_decider"),
            models.CheckConstraint(condition=Q(decided_by__isnull=True)
                                   | ~Q(decided_by=models.F("filed_by")),
                                   name="pkh_appeal_not_own"),
        ]

    def __str__(self) -> str:
        return f"appeal {self.line_id} {self.status}"


class Graduation(models.Model):
    """A family's exit from PKH (graduasi) with its kind, reason, date and document. A
    graduated family is paid in no stage that starts on or after the date."""

    class Kind(models.TextChoices):
        ALAMIAH = "alamiah", _("Natural (no component left)")
        PAKSA = "paksa", _("Forced (non-compliance or village meeting)")
        MANDIRI = "mandiri", _("Self-reliant (signed statement)")
        TIDAK_PADAN = "tidak_padan", _("Data not matched with Dukcapil")

    household = models.OneToOneField("registry.Household", on_delete=models.PROTECT,
                                     related_name="+")
    village_code = models.CharField(max_length=13, db_index=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=300)
    on = models.DateField(_("date"))
    document = models.FileField(upload_to="pkh/graduation/", blank=True)
    musdes_date = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["alamiah", "paksa", "mandiri",
                                                         "tidak_padan"]),
                                   name="pkh_graduation_kind"),
            # Mandiri needs the signed statement; a musdes decision its Berita Acara.
            models.CheckConstraint(condition=~Q(kind="mandiri") | ~Q(document=""),
                                   name="pkh_mandiri_has_statement"),
            models.CheckConstraint(condition=Q(musdes_date__isnull=True) | ~Q(document=""),
                                   name="pkh_musdes_has_berita_acara"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.kind} {self.on}"


class P2k2Group(models.Model):
    """A pendamping's group of families for the monthly P2K2 sessions; the pendamping's
    caseload is the families of their groups."""

    name = models.CharField(_("name"), max_length=100)
    pendamping = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    village_code = models.CharField(max_length=13, db_index=True)

    def __str__(self) -> str:
        return self.name


class P2k2Member(models.Model):
    group = models.ForeignKey(P2k2Group, on_delete=models.CASCADE, related_name="families")
    household = models.OneToOneField("registry.Household", on_delete=models.PROTECT,
                                     related_name="+")

    def __str__(self) -> str:
        return f"{self.group_id}: {self.household_id}"


class P2k2Session(models.Model):
    """One monthly family-development session (Pertemuan Peningkatan Kemampuan Keluarga)."""

    group = models.ForeignKey(P2k2Group, on_delete=models.CASCADE, related_name="sessions")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    held_on = models.DateField(_("held on"))
    module = models.CharField(_("module"), max_length=120)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "year", "month"], name="p2k2_monthly"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12),
                                   name="p2k2_month_range"),
        ]

    def __str__(self) -> str:
        return f"{self.group_id} {self.year}-{self.month:02d}"


class P2k2Attendance(models.Model):
    session = models.ForeignKey(P2k2Session, on_delete=models.CASCADE, related_name="attendance")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT,
                                  related_name="+")
    present = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "household"],
                                               name="p2k2_attendance_once")]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.household_id} {self.present}"
