"""Pairs of registry members that a dedup run could not settle (its review band), waiting for
or holding a clerical decision: the same person, or different people. A pair is stored once
whatever order its members come in (member_l < member_r), so a decision is never asked
twice; later runs pass the decided pairs back to the model, which they override."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["ReviewPair"]


class ReviewPair(models.Model):
    class Decision(models.TextChoices):
        SAME = "same", _("Same person")
        DIFFERENT = "different", _("Different people")

    member_l = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+")
    member_r = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+")
    # The run that queued the pair (a pipeline run id or name; kept as text so the review
    # queue does not depend on how runs are stored).
    run_ref = models.CharField(max_length=64, blank=True)
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    comparison = models.JSONField(default=dict, blank=True)  # level of each comparison
    region_l = models.CharField(max_length=13)  # village codes, for scoping without joins
    region_r = models.CharField(max_length=13)
    decision = models.CharField(max_length=16, choices=Decision.choices, null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-match_probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["member_l", "member_r"], name="review_pair_once"),
            models.CheckConstraint(condition=models.Q(member_l__lt=models.F("member_r")),
                                   name="review_pair_ordered"),
            models.CheckConstraint(
                condition=models.Q(decision__isnull=True, decided_at__isnull=True)
                | models.Q(decision__in=["same", "different"], decided_at__isnull=False),
                name="review_pair_decision"),
        ]
        indexes = [
            models.Index(fields=["decision", "region_l"]),
            models.Index(fields=["decision", "region_r"]),
        ]

    def __str__(self) -> str:
        return f"{self.pair_key} ({self.decision or 'pending'})"

    @property
    def pair_key(self) -> str:
        return f"{self.member_l_id}-{self.member_r_id}"
