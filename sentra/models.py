"""Sentra Kreasi ATENSI (Permensos 7/2021 articles 1, 35-39): "pusat pengembangan kewirausahaan
dan vokasional serta media promosi hasil karya penerima manfaat dalam satu kawasan terpadu".

A unit is run by a balai besar/balai/loka (a `providers.Provider`, article 37(1)) and located in
a region, its scope key. Its facilities (article 38(1)) and partners (article 37(2)); the
beneficiaries (participants, article 36) with their businesses, products, sales, the aid in kind
they received (article 38(4)-(5)), training and coaching (article 39(2)), job placements and the
outcomes the unit is for (article 35). Money is integer rupiah."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


def _in(field: str, values: list[str], name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": values}), name=name)


class FacilityKind(models.TextChoices):
    """Article 38(1) a-o, the stalls (lapak) of seed 002, and others (38(2))."""

    AGROWISATA = "agrowisata", _("Agrotourism")
    KULINER = "kuliner", _("Culinary")
    WORKSHOP = "workshop", _("Workshop")
    PERDAGANGAN = "perdagangan", _("Trade")
    LAPAK = "lapak", _("Stall (lapak)")
    HANDYCRAFT = "handycraft", _("Handicraft")
    KARYA_SENI = "karya_seni", _("Works of art")
    JASA = "jasa", _("Services")
    TATA_BOGA = "tata_boga", _("Catering kitchen (tata boga)")
    KONVEKSI = "konveksi", _("Garment making (konveksi)")
    PELATIHAN = "pelatihan", _("Training")
    REKREASI = "rekreasi", _("Recreation")
    OLAHRAGA = "olahraga", _("Sports")
    DAUR_ULANG = "daur_ulang", _("Waste recycling")
    CO_WORKING = "co_working", _("Co-working place")
    SHOWROOM = "showroom", _("Showroom")
    OTHER = "other", _("Other")


# Where a sale is rung up: the facilities that sell to visitors.
SELLING_KINDS = frozenset(
    {
        FacilityKind.LAPAK,
        FacilityKind.PERDAGANGAN,
        FacilityKind.KULINER,
        FacilityKind.SHOWROOM,
        FacilityKind.AGROWISATA,
        FacilityKind.TATA_BOGA,
    }
)


class PartnerKind(models.TextChoices):
    """Article 37(2): who a balai may work with."""

    MINISTRY = "ministry", _("Ministry or state agency")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    LKS = "lks", _("LKS (social welfare institution)")
    EDUCATION = "education", _("Educational institution")
    BUSINESS = "business", _("Business (dunia usaha)")
    BUMN = "bumn", _("State-owned enterprise (BUMN)")
    ORGANISATION = "organisation", _("Group or organisation")
    COMMUNITY = "community", _("Community (masyarakat)")


class TargetProgram(models.TextChoices):
    """Article 36: the SKA serves beneficiaries of these programs."""

    REHABILITATION = "rehabilitation", _("Social rehabilitation")
    PROTECTION = "protection", _("Social protection and security")
    EMPOWERMENT = "empowerment", _("Social empowerment")
    POVERTY = "poverty", _("Handling of the poor (fakir miskin)")


class BusinessKind(models.TextChoices):
    CULINARY = "culinary", _("Food and drink")
    CRAFT = "craft", _("Handicraft")
    GARMENT = "garment", _("Garments")
    TRADE = "trade", _("Trade")
    SERVICE = "service", _("Services")
    FARMING = "farming", _("Farming and livestock")
    RECYCLING = "recycling", _("Recycling")
    ART = "art", _("Art")
    OTHER = "other", _("Other")


class AidKind(models.TextChoices):
    """Article 38(4) (sarana: skills equipment, production equipment, materials, work gear),
    38(5) (prasarana: business capital, incentives) and assistive devices such as the
    wheelchair or three-wheeled motorbike of seed 002."""

    SKILLS_EQUIPMENT = "skills_equipment", _("Skills equipment")
    PRODUCTION_EQUIPMENT = "production_equipment", _("Production equipment")
    MATERIALS = "materials", _("Materials")
    WORK_GEAR = "work_gear", _("Work gear")
    CAPITAL = "capital", _("Business capital")
    INCENTIVE = "incentive", _("Incentive")
    ASSISTIVE_DEVICE = "assistive_device", _("Assistive device or vehicle")


class TrainingKind(models.TextChoices):
    """Vocational training and the coaching of article 39(2) b-d."""

    VOCATIONAL = "vocational", _("Vocational training")
    BUSINESS_MANAGEMENT = "business_management", _("Business management coaching")
    MARKETING = "marketing", _("Marketing coaching")
    DIGITAL = "digital", _("Digital coaching")


class Unit(models.Model):
    provider = models.ForeignKey(
        "providers.Provider",
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        related_name="sentra_units",
    )
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        "wilayah.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("Sentra Kreasi ATENSI unit")
        verbose_name_plural = _("Sentra Kreasi ATENSI units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "name"], name="sentra_unit_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Facility(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="facilities")
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=FacilityKind.choices)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("Facility")
        verbose_name_plural = _("Facilities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="sentra_facility_name"),
            _in("kind", FacilityKind.values, "sentra_facility_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def sells(self) -> bool:
        return self.kind in SELLING_KINDS


class Partner(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    agreement = models.CharField(_("agreement (MoU/PKS) number"), max_length=100, blank=True)
    since = models.DateField(_("partner since"), null=True, blank=True)
    contact = models.CharField(_("contact"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("Partner")
        verbose_name_plural = _("Partners")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="sentra_partner_name"),
            _in("kind", PartnerKind.values, "sentra_partner_kind"),
        ]

    def __str__(self) -> str:
        return self.name


class Participant(models.Model):
    """A beneficiary (penerima manfaat) at a unit: a DTKS member, with their ATENSI case when
    they have one."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="participants")
    member = models.ForeignKey(
        "registry.Member", verbose_name=_("DTKS member"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "atensi.Case",
        verbose_name=_("ATENSI case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    program = models.CharField(_("program"), max_length=20, choices=TargetProgram.choices)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    income_before = models.PositiveBigIntegerField(
        _("monthly income before (Rp)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("Participant")
        verbose_name_plural = _("Participants")
        constraints = [
            models.UniqueConstraint(fields=["unit", "member"], name="sentra_participant_once"),
            _in("program", TargetProgram.values, "sentra_participant_program"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="sentra_participant_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.member_id}"


class Business(models.Model):
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="businesses"
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=BusinessKind.choices)
    started_on = models.DateField(_("started on"))
    facility = models.ForeignKey(
        Facility,
        verbose_name=_("stall or facility"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="businesses",
    )

    class Meta:
        verbose_name = _("Business")
        verbose_name_plural = _("Businesses")
        ordering = ["name"]
        constraints = [_in("kind", BusinessKind.values, "sentra_business_kind")]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(_("name"), max_length=150)
    price = models.PositiveBigIntegerField(_("usual price (Rp)"))

    class Meta:
        verbose_name = _("Product")
        verbose_name_plural = _("Products")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["business", "name"], name="sentra_product_name"),
        ]

    def __str__(self) -> str:
        return self.name


class AidAsset(models.Model):
    """Aid in kind (or capital) given to a participant, for one of their businesses or not."""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="assets")
    business = models.ForeignKey(
        Business,
        verbose_name=_("business"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assets",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=AidKind.choices)
    description = models.CharField(_("description"), max_length=200)
    value = models.PositiveBigIntegerField(_("value (Rp)"))
    given_on = models.DateField(_("given on"))

    class Meta:
        verbose_name = _("Aid given")
        verbose_name_plural = _("Aid given")
        ordering = ["-given_on"]
        constraints = [_in("kind", AidKind.values, "sentra_asset_kind")]

    def __str__(self) -> str:
        return self.description


class Sale(models.Model):
    """One sale of a business's product. Article 38(6): what the SKA produces is the
    beneficiary's right (less the PNBP tariff), so the share that reaches the participant is
    recorded and can never exceed the amount."""

    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="sales")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="sales")
    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.SET_NULL, related_name="sales"
    )
    sold_on = models.DateField(_("date"))
    quantity = models.PositiveIntegerField(_("quantity"))
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    participant_share = models.PositiveBigIntegerField(_("share to the participant (Rp)"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Sale")
        verbose_name_plural = _("Sales")
        ordering = ["-sold_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="sentra_sale_quantity"),
            models.CheckConstraint(
                condition=Q(participant_share__lte=F("amount")), name="sentra_sale_share"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sold_on} {self.product_id} x{self.quantity}"


class TrainingSession(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="trainings")
    kind = models.CharField(_("kind"), max_length=24, choices=TrainingKind.choices)
    topic = models.CharField(_("topic"), max_length=200)
    held_on = models.DateField(_("held on"))
    trainer = models.CharField(_("trainer"), max_length=150, blank=True)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("with partner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trainings",
    )

    class Meta:
        verbose_name = _("Training session")
        verbose_name_plural = _("Training sessions")
        ordering = ["-held_on", "-id"]
        constraints = [_in("kind", TrainingKind.values, "sentra_training_kind")]

    def __str__(self) -> str:
        return self.topic


class Attendance(models.Model):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendance"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="attendance"
    )
    present = models.BooleanField(_("present"))
    certificate = models.CharField(_("certificate number"), max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="sentra_attendance_once"
            ),
            # A certificate goes only to someone who attended.
            models.CheckConstraint(
                condition=Q(present=True) | Q(certificate=""), name="sentra_certificate_present"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.participant_id} {self.present}"


class Placement(models.Model):
    """A job placement with an employer (a partner of the unit, or another employer)."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="placements"
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("employer (partner)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
    )
    employer = models.CharField(_("other employer"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=150)
    started_on = models.DateField(_("start date"))
    monthly_wage = models.PositiveBigIntegerField(_("monthly wage (Rp)"), null=True, blank=True)

    class Meta:
        verbose_name = _("Job placement")
        verbose_name_plural = _("Job placements")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(partner__isnull=False) | ~Q(employer=""),
                name="sentra_placement_employer",
            ),
        ]

    def __str__(self) -> str:
        return self.position

    @property
    def employer_name(self) -> str:
        return self.partner.name if self.partner_id else self.employer


class FollowUp(models.Model):
    """The check at 3 or 6 months after the start of a placement: still employed?"""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField(_("after months"))
    checked_on = models.DateField(_("checked on"))
    still_employed = models.BooleanField(_("still employed"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["placement", "months"], name="sentra_follow_up_once"),
            models.CheckConstraint(condition=Q(months__in=[3, 6]), name="sentra_follow_up_months"),
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} +{self.months}"


class Outcome(models.Model):
    """An assessment of what the SKA changed for a participant (article 35 c-d): monthly income
    now, and economic independence: the household no longer needs the aid programs."""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="outcomes")
    assessed_on = models.DateField(_("assessed on"))
    income_after = models.PositiveBigIntegerField(_("monthly income now (Rp)"))
    independent = models.BooleanField(_("left the aid programs (independent)"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "assessed_on"], name="sentra_outcome_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.assessed_on}"
