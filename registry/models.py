"""The DTKS registry: households (rumah tangga), the families (KK) in them, their members (NIK),
the socio-economic instrument answers, and record status with its history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")


class InactiveReason(models.TextChoices):
    DUPLICATE = "duplicate", _("Duplicate")
    NO_VALID_NIK = "no_valid_nik", _("No valid NIK")
    MOVED = "moved", _("Moved")
    DECEASED = "deceased", _("Deceased")
    NOT_FOUND = "not_found", _("Not found")
    NOT_ELIGIBLE = "not_eligible", _("No longer eligible")


class Sex(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


def _status_constraints(prefix: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=models.Q(status__in=Status.values), name=f"{prefix}_status"
        ),
        models.CheckConstraint(
            condition=(
                models.Q(status=Status.ACTIVE, inactive_reason="")
                | models.Q(status=Status.INACTIVE, inactive_reason__in=InactiveReason.values)
            ),
            name=f"{prefix}_inactive_has_reason",
        ),
    ]


class InstrumentVersion(models.Model):
    """A published version of the socio-economic instrument: its blocks, questions and code
    lists as data. Answers record the version they were collected with."""

    code = models.CharField(max_length=32)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    definition = models.JSONField()
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Instrument version")
        verbose_name_plural = _("Instrument versions")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="instrument_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class Household(models.Model):
    """A rumah tangga at one address; it may hold several families (KK)."""

    village = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    address = models.CharField(max_length=200)
    rt = models.CharField(max_length=3, blank=True)
    rw = models.CharField(max_length=3, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    inactive_reason = models.CharField(max_length=16, choices=InactiveReason.choices, blank=True)
    instrument = models.ForeignKey(
        InstrumentVersion, null=True, blank=True, on_delete=models.PROTECT
    )
    answers = models.JSONField(default=dict, blank=True)
    # Indexed copies of the answers that rules and searches need (kept in step by services).
    floor_area_m2 = models.PositiveIntegerField(null=True, blank=True)
    floor_material = models.PositiveSmallIntegerField(null=True, blank=True)
    wall_material = models.PositiveSmallIntegerField(null=True, blank=True)
    roof_material = models.PositiveSmallIntegerField(null=True, blank=True)
    drinking_water = models.PositiveSmallIntegerField(null=True, blank=True)
    lighting = models.PositiveSmallIntegerField(null=True, blank=True)
    cooking_fuel = models.PositiveSmallIntegerField(null=True, blank=True)
    toilet_facility = models.PositiveSmallIntegerField(null=True, blank=True)
    # Optimistic lock: an update names the revision it read, so no update is silently lost.
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Household")
        verbose_name_plural = _("Households")
        constraints = _status_constraints("household")
        indexes = [models.Index(fields=["village", "status"])]

    def __str__(self) -> str:
        return f"RT #{self.pk}"


class Family(models.Model):
    """One Kartu Keluarga inside a household."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="families")
    kk_number = models.CharField(max_length=16, db_index=True)

    class Meta:
        verbose_name = _("Family (KK)")
        verbose_name_plural = _("Families (KK)")

    def __str__(self) -> str:
        return f"KK #{self.pk}"


class Member(models.Model):
    """A person in the registry (block IV of the instrument). Coded answers use the code lists of
    the household's instrument version; identity, location and status are real columns."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="members")
    # The household's village, copied so that scoping a member list needs no join.
    village = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    nik = models.CharField(max_length=16, blank=True, db_index=True)
    name = models.CharField(max_length=100)
    name_key = models.CharField(max_length=100, db_index=True)  # normalised for search
    birth_place = models.CharField(max_length=60, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    relation_to_household_head = models.PositiveSmallIntegerField()
    relation_to_family_head = models.PositiveSmallIntegerField()
    family_order = models.PositiveSmallIntegerField()
    marital_status = models.PositiveSmallIntegerField()
    pregnant = models.BooleanField(default=False)
    disability = models.PositiveSmallIntegerField(default=0)
    chronic_illness = models.PositiveSmallIntegerField(default=0)
    school_participation = models.PositiveSmallIntegerField(default=0)
    education = models.PositiveSmallIntegerField(default=0)
    work_sector = models.PositiveSmallIntegerField(default=0)
    employment_status = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    inactive_reason = models.CharField(max_length=16, choices=InactiveReason.choices, blank=True)
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Member")
        verbose_name_plural = _("Members")
        indexes = [
            models.Index(fields=["name_key", "id"]),  # name search and the default list order
            models.Index(fields=["village", "name_key", "id"]),
            models.Index(fields=["village", "status"]),  # counts per area without the table
        ]
        constraints = [
            *_status_constraints("member"),
            models.CheckConstraint(condition=models.Q(sex__in=Sex.values), name="member_sex"),
            models.CheckConstraint(
                condition=models.Q(pregnant=False) | models.Q(sex=Sex.FEMALE),
                name="member_only_women_pregnant",
            ),
        ]

    def __str__(self) -> str:
        return f"ART #{self.pk}"


class StatusChange(models.Model):
    """History of a household's or member's record status (active / inactive with a reason)."""

    class Kind(models.TextChoices):
        HOUSEHOLD = "household", _("Household")
        MEMBER = "member", _("Member")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    record_id = models.BigIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices)
    inactive_reason = models.CharField(max_length=16, choices=InactiveReason.choices, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_ref = models.CharField(max_length=100, blank=True)
    # A member's change that followed its household's (undone when the household returns).
    with_household = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("Status change")
        verbose_name_plural = _("Status changes")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["kind", "record_id"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.record_id}: {self.status}"
