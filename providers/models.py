"""ATENSI service providers (Permensos 7/2021): the ministry's balai besar/balai/loka (now sentra),
regional units (UPTD) and community organisations (LKS), with what they offer.

The code lists of article 3 (target clusters), article 8 (service bases) and article 11 (service
forms) live here because every ATENSI record refers to them; the atensi app imports them."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    # National units of the Ministry of Social Affairs (articles 6(1), 7): representation of its
    # strategic function, they supervise UPTD and LKS (article 6(4)).
    SENTRA = "sentra", _("Sentra (Ministry)")
    BALAI_BESAR = "balai_besar", _("Balai besar (Ministry)")
    BALAI = "balai", _("Balai (Ministry)")
    LOKA = "loka", _("Loka (Ministry)")
    DINAS_PROVINSI = "dinas_provinsi", _("Dinas Sosial (province)")
    DINAS_KABUPATEN = "dinas_kabupaten", _("Dinas Sosial (regency/city)")
    # Article 6(2): regional units and LKS may deliver ATENSI on their own.
    UPTD_PROVINSI = "uptd_provinsi", _("UPTD (province)")
    UPTD_KABUPATEN = "uptd_kabupaten", _("UPTD (regency/city)")
    LKS = "lks", _("LKS (community organisation)")


NATIONAL_KINDS = frozenset({Kind.SENTRA, Kind.BALAI_BESAR, Kind.BALAI, Kind.LOKA})
DINAS_KINDS = frozenset({Kind.DINAS_PROVINSI, Kind.DINAS_KABUPATEN})
# The units that may supervise a UPTD or an LKS.
SUPERVISING_KINDS = NATIONAL_KINDS | DINAS_KINDS


class ServiceBase(models.TextChoices):
    """Article 8: ATENSI is delivered family-, community- and/or residential-based."""

    FAMILY = "family", _("Family-based")
    COMMUNITY = "community", _("Community-based")
    RESIDENTIAL = "residential", _("Residential")


class ServiceForm(models.TextChoices):
    """Article 11(1) a-g: the seven forms of ATENSI."""

    DECENT_LIVING = "decent_living", _("Support for a decent living")
    CARE_PARENTING = "care_parenting", _("Social care and/or child parenting")
    FAMILY_SUPPORT = "family_support", _("Family support")
    THERAPY = "therapy", _("Physical, psychosocial and mental-spiritual therapy")
    VOCATIONAL = "vocational", _("Vocational training and/or entrepreneurship")
    SOCIAL_ASSISTANCE = "social_assistance", _("Social aid and social assistance")
    ACCESSIBILITY = "accessibility", _("Accessibility support")


class Cluster(models.TextChoices):
    """Article 3: the five clusters (paragraph 2) plus disaster victims and other PPKS (3)."""

    CHILDREN = "children", _("Children")
    DISABILITY = "disability", _("Persons with disabilities")
    TUNA_SOSIAL = "tuna_sosial", _("Tuna sosial and trafficking victims")
    DRUG_ABUSE = "drug_abuse", _("Victims of drug abuse (NAPZA)")
    ELDERLY = "elderly", _("Elderly")
    DISASTER = "disaster", _("Disaster victims")
    OTHER_PPKS = "other_ppks", _("Other PPKS")


class Grade(models.TextChoices):
    A = "A", _("A (very good)")
    B = "B", _("B (good)")
    C = "C", _("C (adequate)")


class Provider(models.Model):
    """One unit that delivers or supervises ATENSI, located in a region."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(
        "wilayah.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # Service bases (article 8), several allowed.
    family_based = models.BooleanField(_("family-based"), default=False)
    community_based = models.BooleanField(_("community-based"), default=False)
    residential = models.BooleanField(_("residential"), default=False)
    capacity = models.PositiveIntegerField(
        _("residential places"), null=True, blank=True, help_text=_("Only for residential care.")
    )
    # LKS only: legal status (an LKS may or may not be a legal entity), registration with the
    # Dinas Sosial, accreditation and the unit that supervises it (article 6(4)).
    legal_entity = models.BooleanField(_("legal entity (badan hukum)"), default=False)
    legal_number = models.CharField(_("badan hukum decree number"), max_length=100, blank=True)
    legal_date = models.DateField(_("badan hukum decree date"), null=True, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=100, blank=True)
    registration_date = models.DateField(_("registration date"), null=True, blank=True)
    accreditation_grade = models.CharField(
        _("accreditation grade"), max_length=1, choices=Grade.choices, blank=True
    )
    accreditation_number = models.CharField(
        _("accreditation certificate number"), max_length=100, blank=True
    )
    accredited_on = models.DateField(_("accredited on"), null=True, blank=True)
    accreditation_valid_until = models.DateField(
        _("accreditation valid until"), null=True, blank=True
    )
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("supervising unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised",
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("Service provider")
        verbose_name_plural = _("Service providers")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "region"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=Kind.values), name="provider_kind"),
            models.CheckConstraint(
                condition=models.Q(accreditation_grade="")
                | models.Q(
                    kind=Kind.LKS,
                    accreditation_grade__in=Grade.values,
                    accredited_on__isnull=False,
                    accreditation_valid_until__isnull=False,
                ),
                name="provider_accreditation_lks_with_dates",
            ),
            models.CheckConstraint(
                condition=models.Q(accreditation_valid_until__isnull=True)
                | models.Q(accreditation_valid_until__gte=models.F("accredited_on")),
                name="provider_accreditation_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(residential=True),
                name="provider_capacity_only_residential",
            ),
            models.CheckConstraint(
                condition=models.Q(supervisor__isnull=True) | ~models.Q(supervisor=models.F("id")),
                name="provider_not_own_supervisor",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_national(self) -> bool:
        return self.kind in NATIONAL_KINDS

    @property
    def bases(self) -> list[str]:
        flags = {
            ServiceBase.FAMILY: self.family_based,
            ServiceBase.COMMUNITY: self.community_based,
            ServiceBase.RESIDENTIAL: self.residential,
        }
        return [base for base, on in flags.items() if on]

    def clean(self) -> None:
        """Field-named reasons the record cannot be stored (forms show them beside the field)."""
        found = {}
        if self.accreditation_grade:
            if self.kind != Kind.LKS:
                found["accreditation_grade"] = _("Only an LKS is accredited.")
            if not self.accredited_on:
                found["accredited_on"] = _("Give the accreditation date.")
            if not self.accreditation_valid_until:
                found["accreditation_valid_until"] = _(
                    "Give the end of the accreditation validity."
                )
        start, end = self.accredited_on, self.accreditation_valid_until
        if start and end and end < start:
            found["accreditation_valid_until"] = _("The validity cannot end before it starts.")
        if self.capacity is not None and not self.residential:
            found["capacity"] = _("Residential places apply only to residential care.")
        if self.legal_entity and not self.legal_number:
            found["legal_number"] = _("Give the badan hukum decree number.")
        supervisor = self.supervisor
        if supervisor is not None:
            if supervisor.kind not in SUPERVISING_KINDS:
                found["supervisor"] = _("A supervising unit is a ministry unit or a Dinas Sosial.")
            elif self.pk and supervisor.pk == self.pk:
                found["supervisor"] = _("A unit cannot supervise itself.")
        if found:
            raise ValidationError(found)

    def accreditation_valid_on(self, on_date: date) -> bool:
        """True when an accreditation covers `on_date` (issued on or before, valid until on or
        after it)."""
        return bool(
            self.accreditation_grade
            and self.accredited_on
            and self.accreditation_valid_until
            and self.accredited_on <= on_date <= self.accreditation_valid_until
        )


class ProviderService(models.Model):
    """A form of ATENSI (article 11) that a provider offers."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="services")
    form = models.CharField(_("service form"), max_length=20, choices=ServiceForm.choices)

    class Meta:
        verbose_name = _("Service offered")
        verbose_name_plural = _("Services offered")
        constraints = [
            models.UniqueConstraint(fields=["provider", "form"], name="provider_service_once"),
            models.CheckConstraint(
                condition=models.Q(form__in=ServiceForm.values), name="provider_service_form"
            ),
        ]

    def __str__(self) -> str:
        return self.get_form_display()


class ProviderCluster(models.Model):
    """A target cluster (article 3) that a provider serves."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="clusters")
    cluster = models.CharField(_("cluster"), max_length=20, choices=Cluster.choices)

    class Meta:
        verbose_name = _("Cluster served")
        verbose_name_plural = _("Clusters served")
        constraints = [
            models.UniqueConstraint(fields=["provider", "cluster"], name="provider_cluster_once"),
            models.CheckConstraint(
                condition=models.Q(cluster__in=Cluster.values), name="provider_cluster_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.get_cluster_display()
