"""Posyandu Lansia (Permensos 7/2021 articles 40-41): a post per RW of a village with its
volunteers (kader), its elderly members, the monthly sessions with each member's attendance,
health screening, nutrition and activities, and the referrals that risk flags raise to ATENSI
or to the PKH elderly component's verification."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL
ELDERLY_FROM = 60  # UU 13/1998 art. 1(2): lanjut usia are aged 60 and over


class Post(models.Model):
    """One Posyandu Lansia, in a village, for one RW (article 41: every RW has one)."""

    name = models.CharField(_("name"), max_length=120)
    village = models.ForeignKey("wilayah.Region", verbose_name=_("village"),
                                on_delete=models.PROTECT, related_name="+")
    rw = models.CharField(_("RW"), max_length=3)
    # The balai/UPTD/LKS that receives the post's ATENSI referrals (article 40(2)).
    provider = models.ForeignKey("providers.Provider", verbose_name=_("ATENSI provider"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Posyandu Lansia")
        ordering = ["village_id", "rw"]
        constraints = [
            models.UniqueConstraint(fields=["village", "rw"], name="lansia_post_per_rw"),
            models.CheckConstraint(condition=~Q(rw=""), name="lansia_post_has_rw"),
        ]

    def __str__(self) -> str:
        return self.name


class Volunteer(models.Model):
    """A workforce Worker serving as kader of a post; their account (role kader_posyandu)
    sees the posts they serve while the assignment is active."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="volunteers")
    worker = models.ForeignKey("workforce.Worker", verbose_name=_("worker"),
                               on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(_("active"), default=True)
    since = models.DateField(_("since"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "worker"], condition=Q(active=True),
                                               name="lansia_volunteer_once")]

    def __str__(self) -> str:
        return f"{self.worker} @ {self.post}"


class Sex(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class Member(models.Model):
    """An elderly member of a post: a DTKS member of the village or a person outside DTKS.
    Risk flags are the latest the kader ticked."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey("registry.Member", verbose_name=_("DTKS member"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    registered_on = models.DateField(_("registered on"))
    active = models.BooleanField(_("active"), default=True)
    lives_alone = models.BooleanField(_("lives alone"), default=False)
    neglected = models.BooleanField(_("neglected (terlantar)"), default=False)
    bedridden = models.BooleanField(_("bedridden"), default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["post", "person"], name="lansia_dtks_member_once",
                                    condition=Q(active=True, person__isnull=False)),
            models.UniqueConstraint(fields=["post", "nik"], name="lansia_nik_member_once",
                                    condition=Q(active=True) & ~Q(nik="")),
            models.CheckConstraint(condition=Q(sex__in=["L", "P"]), name="lansia_member_sex"),
        ]

    def __str__(self) -> str:
        return self.name


class Session(models.Model):
    """The post's session of one month (one per post per month)."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="sessions")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    held_on = models.DateField(_("held on"))
    puskesmas = models.CharField(_("puskesmas"), max_length=120, blank=True)
    activity = models.CharField(_("activity"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["post", "year", "month"],
                                    name="lansia_session_monthly"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12),
                                   name="lansia_session_month"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id} {self.year}-{self.month:02d}"


# Plausible ranges of the screening values (outside: a typing error, not a reading).
RANGES = {"weight_kg": (20, 200), "systolic": (60, 260), "diastolic": (30, 160),
          "blood_sugar": (20, 600)}


class Attendance(models.Model):
    """One member at one session: present or not, and what they received."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="attendance")
    present = models.BooleanField(_("present"), default=False)
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=5, decimal_places=1,
                                    null=True, blank=True)
    systolic = models.PositiveSmallIntegerField(_("systolic (mmHg)"), null=True, blank=True)
    diastolic = models.PositiveSmallIntegerField(_("diastolic (mmHg)"), null=True, blank=True)
    blood_sugar = models.PositiveSmallIntegerField(_("blood sugar (mg/dL)"), null=True,
                                                   blank=True)
    nutrition = models.BooleanField(_("PMT lansia"), default=False)
    activity = models.BooleanField(_("activity"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="lansia_attendance_once"),
            # Services go to those present.
            models.CheckConstraint(
                condition=Q(present=True) | Q(weight_kg__isnull=True, systolic__isnull=True,
                                              diastolic__isnull=True, blood_sugar__isnull=True,
                                              nutrition=False, activity=False),
                name="lansia_services_when_present"),
            *[models.CheckConstraint(
                condition=Q(**{f"{f}__isnull": True}) | Q(**{f"{f}__gte": lo, f"{f}__lte": hi}),
                name=f"lansia_{f}_range") for f, (lo, hi) in RANGES.items()],
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.member_id} {self.present}"


class Referral(models.Model):
    """What a post hands on: a neglected elderly person living alone to ATENSI (article 41(4)
    c: helping the application for services at a balai/loka), or a PKH family's elderly
    member's attendance to the pendamping's verification of the PKH elderly component."""

    class Kind(models.TextChoices):
        ATENSI = "atensi", _("ATENSI (lansia terlantar)")
        PKH = "pkh", _("PKH elderly component")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        TAKEN = "taken", _("Taken in")
        CLOSED = "closed", _("Closed")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="referrals")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.WAITING)
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="referrals")
    village_code = models.CharField(max_length=13, db_index=True)
    intake = models.OneToOneField("atensi.Intake", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    taken_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    taken_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["atensi", "pkh"]),
                                   name="lansia_referral_kind"),
            models.CheckConstraint(condition=Q(status__in=["waiting", "taken", "closed"]),
                                   name="lansia_referral_status"),
            models.UniqueConstraint(fields=["member"], name="lansia_one_waiting_atensi",
                                    condition=Q(kind="atensi", status="waiting")),
            models.UniqueConstraint(fields=["member", "session"], name="lansia_pkh_once",
                                    condition=Q(kind="pkh")),
            models.CheckConstraint(condition=~Q(kind="pkh") | Q(session__isnull=False),
                                   name="lansia_pkh_has_session"),
            models.CheckConstraint(condition=~Q(kind="atensi", status="taken")
                                   | Q(intake__isnull=False), name="lansia_taken_has_intake"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.member_id} {self.status}"
