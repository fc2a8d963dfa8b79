from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ListKind(models.TextChoices):
    """Lists other agencies send, matched by NIK. Most exclude (seed 000's exclusions 1-7; the
    wage list feeds exclusion 8 with the UMK); some include (orphans of Covid-19) or tell
    membership in another agency's program (Kartu Prakerja, for BST)."""

    ASN = "asn", _("Civil servants (ASN)")
    TNI_POLRI = "tni_polri", _("TNI/POLRI members")
    PENSIUN = "pensiun", _("ASN/TNI/POLRI pensioners")
    PENDAMPING = "pendamping", _("Pendamping sosial")
    GURU_SERTIFIKASI = "guru_sertifikasi", _("Certified teachers")
    GAJI_APBN_APBD = "gaji_apbn_apbd", _("Regular income from APBN/APBD")
    AHU = "ahu", _("Company owners, directors, commissioners (AHU)")
    PENGHASILAN = "penghasilan", _("Reported wages")
    PRAKERJA = "prakerja", _("Kartu Prakerja participants")
    YATIM_COVID = "yatim_covid", _("Children orphaned by Covid-19")


class ReferenceList(models.Model):
    """One imported file of a list kind. The newest import of a kind is the list in force;
    the same file is never imported twice (checksum)."""

    kind = models.CharField(_("list"), max_length=32, choices=ListKind.choices)
    source_name = models.CharField(_("file"), max_length=255)
    checksum = models.CharField(max_length=64, unique=True)
    rows = models.PositiveIntegerField(_("rows"))
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("Reference list")
        verbose_name_plural = _("Reference lists")
        ordering = ["kind", "-imported_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=ListKind.values),
                                   name="reference_list_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.source_name})"


class ListEntry(models.Model):
    reference_list = models.ForeignKey(ReferenceList, on_delete=models.CASCADE,
                                       related_name="entries")
    nik = models.CharField(max_length=16, db_index=True)
    name = models.CharField(max_length=100, blank=True)
    detail = models.CharField(max_length=200, blank=True)  # employer, unit, company
    monthly_income = models.PositiveBigIntegerField(null=True, blank=True)  # rupiah

    class Meta:
        verbose_name = _("List entry")
        verbose_name_plural = _("List entries")
        constraints = [
            models.UniqueConstraint(fields=["reference_list", "nik"], name="list_entry_once"),
        ]

    def __str__(self) -> str:
        return f"{self.reference_list_id}: {self.pk}"


class MinimumWage(models.Model):
    """The UMK of a kabupaten/kota for a year (integer rupiah per month)."""

    year = models.PositiveSmallIntegerField(_("year"))
    regency = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    amount = models.PositiveBigIntegerField(_("UMK (Rp/month)"))
    source_name = models.CharField(_("file"), max_length=255, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Minimum wage (UMK)")
        verbose_name_plural = _("Minimum wages (UMK)")
        ordering = ["-year", "regency"]
        constraints = [
            models.UniqueConstraint(fields=["year", "regency"], name="umk_per_year_regency"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.regency_id}: {self.amount}"
