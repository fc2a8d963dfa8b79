"""The cek bansos lookup table: one row per registry member with what the public page may show,
and one row per program a household (or member) is in for the current periods. A batch job
(portal/tasks.py, portal/refresh.py) rebuilds both set-based; a lookup never computes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LookupPerson(models.Model):
    """A registry member as the lookup finds them: by village and normalised name (exact), or by
    NIK. The name is only ever shown through portal.masking.mask_name; the NIK is never shown."""

    member_id = models.BigIntegerField(unique=True)
    household_id = models.BigIntegerField(db_index=True)
    village_code = models.CharField(max_length=13)
    name_key = models.CharField(max_length=100)  # registry.names.name_key of the name
    name = models.CharField(max_length=100)
    nik = models.CharField(max_length=16, blank=True, db_index=True)
    birth_date = models.DateField(null=True, blank=True)
    desil = models.PositiveSmallIntegerField(null=True, blank=True)  # national desil
    refreshed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("Lookup person")
        verbose_name_plural = _("Lookup people")
        indexes = [models.Index(fields=["village_code", "name_key"], name="portal_lookup_name")]

    def __str__(self) -> str:
        return f"member {self.member_id}"  # never the name or the NIK


class LookupProgram(models.Model):
    """A program the household (household programs) or the member (person programs) is in,
    from the program's KPM list in force, with the latest payment status of that enrollment."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Registered, not yet paid")
        IN_PROCESS = "in_process", _("Being paid")
        PAID = "paid", _("Paid (sudah salur)")
        FAILED = "failed", _("Payment failed")
        RETURNED = "returned", _("Returned to the treasury")

    household_id = models.BigIntegerField()
    member_id = models.BigIntegerField(null=True, blank=True)  # person programs only
    program_code = models.CharField(max_length=32)
    program_name = models.CharField(max_length=120)
    period = models.CharField(max_length=16)
    stage = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices)

    class Meta:
        verbose_name = _("Lookup program")
        verbose_name_plural = _("Lookup programs")
        indexes = [models.Index(fields=["household_id"], name="portal_lookup_household")]
        constraints = [models.CheckConstraint(
            condition=models.Q(status__in=["enrolled", "in_process", "paid", "failed",
                                           "returned"]),
            name="portal_lookup_status")]

    def __str__(self) -> str:
        return f"{self.program_code} {self.period} household {self.household_id}"
