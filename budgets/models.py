"""The DIPA (Daftar Isian Pelaksanaan Anggaran) of a program and year, its revisions (append-only:
the effective ceiling is the latest one) and its allocations by province and kabupaten/kota.

The sums are held by the database, not only by Python: the DIPA row carries its effective
ceiling and what is allocated to provinces, a province's allocation row carries what it passed
on to its kabupaten/kota, and check constraints refuse any row where the part passes the whole.
Writers change those sums with one conditional UPDATE (services.py), so two officers allocating
at the same moment are serialised by the row lock and the second is refused."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Dipa(models.Model):
    """One program's budget for one year, as the DIPA document gives it."""

    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.CharField(_("DIPA number"), max_length=60)
    date = models.DateField(_("DIPA date"))
    unit = models.CharField(_("ministry unit"), max_length=160)
    amount = models.PositiveBigIntegerField(_("original ceiling (Rp)"))
    # Kept in step by services.py: the latest revision's amount, and the sum of the provinces'
    # allocations; the constraint below is what makes over-allocation impossible.
    ceiling = models.PositiveBigIntegerField(_("effective ceiling (Rp)"))
    allocated = models.PositiveBigIntegerField(_("allocated (Rp)"), default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "DIPA"
        verbose_name_plural = "DIPA"
        ordering = ["-year", "program__code"]
        constraints = [
            models.UniqueConstraint(fields=["program", "year"], name="dipa_once_per_year"),
            models.UniqueConstraint(fields=["number"], name="dipa_number_unique"),
            models.CheckConstraint(condition=Q(allocated__lte=F("ceiling")),
                                   name="dipa_allocated_within_ceiling"),
        ]

    def __str__(self) -> str:
        return f"DIPA {self.number}"


class DipaRevision(models.Model):
    """One step of the DIPA's history; number 0 is the original DIPA. Append-only (a database
    trigger refuses UPDATE and DELETE)."""

    dipa = models.ForeignKey(Dipa, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveSmallIntegerField(_("revision"))
    date = models.DateField(_("revision date"))
    amount = models.PositiveBigIntegerField(_("new ceiling (Rp)"))
    reason = models.TextField(_("reason"))
    letter_number = models.CharField(_("letter number"), max_length=80)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("DIPA revision")
        verbose_name_plural = _("DIPA revisions")
        ordering = ["dipa", "number"]
        constraints = [models.UniqueConstraint(fields=["dipa", "number"],
                                               name="dipa_revision_once")]

    def __str__(self) -> str:
        return f"{self.dipa} revisi {self.number}"


class Allocation(models.Model):
    """What a province or kabupaten/kota holds of the DIPA now. `passed_on` is the sum of the
    kabupaten/kota allocations below a province (always 0 for a kabupaten/kota)."""

    dipa = models.ForeignKey(Dipa, on_delete=models.PROTECT, related_name="allocations")
    region_code = models.CharField(_("region"), max_length=13)
    amount = models.PositiveBigIntegerField(_("allocation (Rp)"))
    passed_on = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("Allocation")
        verbose_name_plural = _("Allocations")
        ordering = ["dipa", "region_code"]
        constraints = [
            models.UniqueConstraint(fields=["dipa", "region_code"], name="allocation_once"),
            models.CheckConstraint(condition=Q(passed_on__lte=F("amount")),
                                   name="allocation_passed_on_within_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.dipa} {self.region_code}"


class AllocationEntry(models.Model):
    """The append-only history of allocations: each change, under the revision in force."""

    dipa = models.ForeignKey(Dipa, on_delete=models.PROTECT, related_name="allocation_entries")
    revision = models.ForeignKey(DipaRevision, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(_("region"), max_length=13)
    amount = models.PositiveBigIntegerField(_("allocation (Rp)"))
    previous = models.PositiveBigIntegerField(_("previous allocation (Rp)"), default=0)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Allocation entry")
        verbose_name_plural = _("Allocation entries")
        ordering = ["dipa", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.dipa} {self.region_code}: {self.amount}"
