from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    HOUSEHOLD = "household", _("Household (KPM)")
    PERSON = "person", _("Person")


class BenefitKind(models.TextChoices):
    CASH = "cash", _("Cash")
    IN_KIND = "in_kind", _("In kind")
    PREMIUM = "premium", _("Insurance premium")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly (four stages a year)")
    ONCE = "once", _("Once")


class Channel(models.TextChoices):
    HIMBARA = "himbara", _("Himbara banks")
    POS = "pos", _("PT Pos Indonesia")
    BPJS = "bpjs", _("BPJS Kesehatan")
    DINSOS = "dinsos", _("Dinas Sosial distribution")


class Program(models.Model):
    """An aid program: what it gives, to whom, through which channel, in which period. Who is
    eligible and how much they get live in its rule sets (data, versioned)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    unit = models.CharField(_("target unit"), max_length=16, choices=Unit.choices)
    benefit_kind = models.CharField(_("benefit"), max_length=16, choices=BenefitKind.choices)
    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    budget_ceiling = models.PositiveBigIntegerField(
        _("budget ceiling (Rp per year)"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("Program")
        verbose_name_plural = _("Programs")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(unit__in=Unit.values), name="program_unit"),
            models.CheckConstraint(
                condition=models.Q(period_end__isnull=True) | models.Q(period_start__isnull=True)
                | models.Q(period_end__gte=models.F("period_start")),
                name="program_period_ordered"),
        ]

    def __str__(self) -> str:
        return self.name


class RuleSet(models.Model):
    """One version of a program's rules (clauses, segments, benefit formula, ranking). Versions
    are never edited: saving makes a new draft, publishing makes it the one runs use."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="rule_sets")
    version = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("definition"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Rule set")
        verbose_name_plural = _("Rule sets")
        ordering = ["program", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["program", "version"], name="rule_set_version"),
        ]

    def __str__(self) -> str:
        return f"{self.program.code} v{self.version}"


class Quota(models.Model):
    """How many units a program may enroll in a region (a region code prefix; '' = national)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="quotas")
    region_code = models.CharField(_("region"), max_length=13, blank=True)
    count = models.PositiveIntegerField(_("quota"))

    class Meta:
        verbose_name = _("Quota")
        verbose_name_plural = _("Quotas")
        ordering = ["program", "region_code"]
        constraints = [
            models.UniqueConstraint(fields=["program", "region_code"], name="quota_per_region"),
        ]

    def __str__(self) -> str:
        return f"{self.program.code} {self.region_code or 'national'}: {self.count}"
