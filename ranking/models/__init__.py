"""Welfare ranking records: PMT models (the shipped *.json files in this folder are model
documents, see ranking.pmt) and the latest score and desil of every household."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PmtModel(models.Model):
    """A versioned proxy-means-test model: variables, categories, weights and intercept of each
    regional variant as one JSON document (`coefficients`), with the metrics of its fit."""

    name = models.CharField(_("name"), max_length=100)
    version = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    fitted_from = models.CharField(_("fitted from"), max_length=300, blank=True)
    coefficients = models.JSONField(_("coefficients"))
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)

    class Meta:
        verbose_name = _("PMT model")
        verbose_name_plural = _("PMT models")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="pmt_model_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def document(self) -> dict:
        """The model document that scoring reads."""
        return self.coefficients | {"name": self.name, "version": self.version}


class HouseholdScore(models.Model):
    """The latest welfare score of a household: predicted log per-capita consumption and its
    desil (1 = poorest tenth) nationally and within the province. A scoring run replaces the
    whole table."""

    household = models.OneToOneField("registry.Household", on_delete=models.CASCADE,
                                     related_name="score")
    model = models.ForeignKey(PmtModel, on_delete=models.PROTECT, related_name="+")
    run_ref = models.CharField(_("run"), max_length=100)
    province = models.CharField(_("province"), max_length=2)
    score = models.FloatField(_("score"))
    desil_national = models.PositiveSmallIntegerField(_("national desil"))
    desil_province = models.PositiveSmallIntegerField(_("provincial desil"))
    scored_at = models.DateTimeField(_("scored at"))

    class Meta:
        verbose_name = _("Household score")
        verbose_name_plural = _("Household scores")
        constraints = [
            models.CheckConstraint(condition=models.Q(desil_national__gte=1,
                                                      desil_national__lte=10),
                                   name="score_desil_national_range"),
            models.CheckConstraint(condition=models.Q(desil_province__gte=1,
                                                      desil_province__lte=10),
                                   name="score_desil_province_range"),
        ]
        indexes = [models.Index(fields=["province", "desil_national"],
                                name="score_province_desil")]

    def __str__(self) -> str:
        return f"household {self.household_id}: desil {self.desil_national}"
