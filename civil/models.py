"""Imported civil-registry (Dukcapil) extracts and the latest matching (pemadanan) result of
each registry member, with the civil-registry candidates proposed for members without a usable
NIK."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CivilExtract(models.Model):
    """One imported extract file, kept as an immutable Parquet dataset under
    VAR_DIR/civil/<name>/. The checksum is the source file's sha256: the same file is imported
    once."""

    name = models.CharField(max_length=100, unique=True)
    source_name = models.CharField(max_length=255)  # the file name it came from
    rows = models.PositiveBigIntegerField()
    checksum = models.CharField(max_length=64, unique=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Civil-registry extract")
        verbose_name_plural = _("Civil-registry extracts")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.name


class MatchStatus(models.TextChoices):
    PADAN = "padan", _("Matched (padan)")
    NIK_NOT_FOUND = "nik_not_found", _("NIK not found")
    DATA_DIFFERS = "data_differs", _("NIK found, data differ")
    NIK_SHARED = "nik_shared", _("NIK held by several members")
    NO_NIK = "no_nik", _("No valid NIK")


class MemberMatch(models.Model):
    """The latest civil-registry status of a member (one row per member, replaced by each
    run's write-back)."""

    member = models.OneToOneField(
        "registry.Member", on_delete=models.CASCADE, related_name="civil_match"
    )
    run_ref = models.CharField(max_length=100)
    status = models.CharField(max_length=16, choices=MatchStatus.choices)
    differs_name = models.BooleanField(default=False)
    differs_birth_date = models.BooleanField(default=False)
    differs_sex = models.BooleanField(default=False)
    differs_kk = models.BooleanField(default=False)
    deceased = models.BooleanField(default=False)
    death_date = models.DateField(null=True, blank=True)
    moved = models.BooleanField(default=False)
    civil_village_code = models.CharField(max_length=13, blank=True)
    matched_at = models.DateTimeField()

    class Meta:
        verbose_name = _("Civil-registry match")
        verbose_name_plural = _("Civil-registry matches")
        indexes = [models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=MatchStatus.values), name="member_match_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.status}"

    @property
    def differing_fields(self) -> list[str]:
        return [f for f in ("name", "birth_date", "sex", "kk") if getattr(self, f"differs_{f}")]


class CivilCandidate(models.Model):
    """A civil-registry person proposed for a member without a usable NIK, ranked by the
    probabilistic search's match weight."""

    member = models.ForeignKey(
        "registry.Member", on_delete=models.CASCADE, related_name="civil_candidates"
    )
    run_ref = models.CharField(max_length=100)
    rank = models.PositiveSmallIntegerField()
    nik = models.CharField(max_length=16)
    name = models.CharField(max_length=100)
    birth_date = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    village_code = models.CharField(max_length=13, blank=True)
    match_weight = models.FloatField()
    match_probability = models.FloatField()

    class Meta:
        verbose_name = _("Civil-registry candidate")
        verbose_name_plural = _("Civil-registry candidates")
        ordering = ["member", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["member", "rank"], name="civil_candidate_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} #{self.rank}"
