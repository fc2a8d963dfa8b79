"""What KPM may buy and at what ceiling: commodities in the allowed categories and the HET
price lists per region and period ("Kalau melebihi HET, maka nggak akan keluar", seed 003)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    CARBOHYDRATE = "carbohydrate", _("Carbohydrate (rice, corn, sago)")
    ANIMAL_PROTEIN = "animal_protein", _("Animal protein (eggs, meat, chicken, fish)")
    PLANT_PROTEIN = "plant_protein", _("Plant protein (beans, tofu, tempeh)")
    VEGETABLES_FRUIT = "vegetables_fruit", _("Vegetables and fruit")
    CIGARETTES = "cigarettes", _("Cigarettes")
    ALCOHOL = "alcohol", _("Alcohol")
    PROCESSED = "processed", _("Processed or packaged goods")


# "para KPM tidak bisa membelanjakan saldonya untuk membeli rokok dan miras" (seed 003); FACTS:
# no processed or packaged goods.
BANNED_CATEGORIES = frozenset({Category.CIGARETTES, Category.ALCOHOL, Category.PROCESSED})


class Commodity(models.Model):
    code = models.SlugField(_("code"), max_length=32, primary_key=True)
    name = models.CharField(_("name"), max_length=80)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    unit = models.CharField(_("unit"), max_length=12)

    class Meta:
        verbose_name = _("Commodity")
        verbose_name_plural = _("Commodities")
        ordering = ["category", "name"]
        constraints = [models.CheckConstraint(condition=models.Q(category__in=Category.values),
                                              name="commodity_category")]

    def __str__(self) -> str:
        return self.name

    @property
    def banned(self) -> bool:
        return self.category in BANNED_CATEGORIES


class HetList(models.Model):
    """One imported HET price list for a region (code prefix, '' = national) from a date; a
    re-import of the same region and date is a new version, the highest version applies."""

    region_prefix = models.CharField(_("region"), max_length=13, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    file_name = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("HET price list")
        verbose_name_plural = _("HET price lists")
        ordering = ["region_prefix", "-valid_from", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["region_prefix", "valid_from", "version"],
                                    name="het_list_version_once"),
            models.CheckConstraint(condition=models.Q(valid_until__isnull=True) | models.Q(
                valid_until__gte=models.F("valid_from")), name="het_list_period"),
        ]

    def __str__(self) -> str:
        return f"HET {self.region_prefix or '*'} {self.valid_from} v{self.version}"


class HetPrice(models.Model):
    het_list = models.ForeignKey(HetList, on_delete=models.CASCADE, related_name="prices")
    commodity = models.ForeignKey(Commodity, on_delete=models.PROTECT, related_name="+")
    max_price = models.PositiveIntegerField(_("HET (Rp per unit)"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["het_list", "commodity"], name="het_price_once"),
            models.CheckConstraint(condition=models.Q(max_price__gt=0), name="het_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.commodity_id} <= {self.max_price}"
