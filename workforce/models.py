"""The people who deliver ATENSI (Permensos 7/2021 article 42): Pendamping Rehabilitasi Sosial
(pekerja sosial, tenaga kesejahteraan sosial, relawan sosial, penyuluh sosial) and the other
professionals the pekerja sosial works with; competency certificates; assignments."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerKind(models.TextChoices):
    # Article 1: a pekerja sosial holds a competency certificate; article 42(2): the pekerja
    # sosial coordinates the other Pendamping Rehabilitasi Sosial.
    PEKERJA_SOSIAL = "pekerja_sosial", _("Pekerja sosial (social worker)")
    TKS = "tks", _("Tenaga kesejahteraan sosial")
    RELAWAN_SOSIAL = "relawan_sosial", _("Relawan sosial (social volunteer)")
    PENYULUH_SOSIAL = "penyuluh_sosial", _("Penyuluh sosial (social extension worker)")
    # Article 42(3): the professionals a pekerja sosial works with.
    DOCTOR = "doctor", _("Doctor")
    THERAPIST = "therapist", _("Therapist")
    INSTRUCTOR = "instructor", _("Instructor")
    NURSE = "nurse", _("Nurse")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    PSYCHIATRIST = "psychiatrist", _("Psychiatrist")
    OTHER_PROFESSIONAL = "other_professional", _("Other professional")


# Article 1 (definition of Pendamping Rehabilitasi Sosial).
PENDAMPING_KINDS = frozenset(
    {
        WorkerKind.PEKERJA_SOSIAL,
        WorkerKind.TKS,
        WorkerKind.RELAWAN_SOSIAL,
        WorkerKind.PENYULUH_SOSIAL,
    }
)


class Worker(models.Model):
    """One person of the social-welfare workforce, bound to the region that employs or registers
    them (the scope key); may have a Kesos account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="worker",
    )
    name = models.CharField(_("name"), max_length=150)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=WorkerKind.choices)
    region = models.ForeignKey(
        "wilayah.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("Worker")
        verbose_name_plural = _("Workers")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=WorkerKind.values), name="worker_kind"
            ),
            models.UniqueConstraint(
                fields=["nik"], condition=~models.Q(nik=""), name="worker_nik_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_pekerja_sosial(self) -> bool:
        return self.kind == WorkerKind.PEKERJA_SOSIAL


class Certificate(models.Model):
    """A pekerja sosial competency certificate (article 1); supervision competency is what
    article 11(4) supervision needs."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="certificates")
    number = models.CharField(_("certificate number"), max_length=100, unique=True)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    supervision = models.BooleanField(_("supervision competency"), default=False)
    issuer = models.CharField(_("issuer"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("Competency certificate")
        verbose_name_plural = _("Competency certificates")
        ordering = ["-valid_until"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("issued_on")),
                name="certificate_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        if self.issued_on and self.valid_until and self.valid_until < self.issued_on:
            raise ValidationError(
                {"valid_until": _("The end of validity cannot be before the issue date.")}
            )

    def valid_on(self, on_date: date) -> bool:
        return self.issued_on <= on_date <= self.valid_until


class Assignment(models.Model):
    """A worker's posting to a provider and/or a region, for a period (open-ended: no end)."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="assignments")
    provider = models.ForeignKey(
        "providers.Provider",
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    region = models.ForeignKey(
        "wilayah.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("role in the unit"), max_length=100, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        verbose_name = _("Assignment")
        verbose_name_plural = _("Assignments")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(provider__isnull=False) | models.Q(region__isnull=False),
                name="assignment_has_place",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="assignment_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker} @ {self.provider or self.region}"

    def clean(self) -> None:
        found = {}
        if not self.provider_id and not self.region_id:
            found["provider"] = _("Choose a provider or a region.")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            found["end_date"] = _("The end date cannot be before the start date.")
        if found:
            raise ValidationError(found)

    def running_on(self, on_date: date) -> bool:
        return self.start_date <= on_date and (self.end_date is None or on_date <= self.end_date)
