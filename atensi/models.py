"""ATENSI case management (Permensos 7/2021 articles 11, 19-27, 43): the person (Client), the
first contact (Intake), the Case moving through the seven stages of `stages.json`, what is
recorded in each stage, the supervision sign-off log, conferences, referrals, and the report of
a person outside DTKS to the Dinas Sosial.

Which stage follows which and who may sign off is decided in `services.py`; the stage list and
its forms and due days are data (`stages.py`). Target clusters, service forms and bases are the
provider directory's code lists (providers.models)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from providers.models import Cluster, ServiceBase, ServiceForm

from .stages import CODES

USER = settings.AUTH_USER_MODEL


def _in(field: str, values, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": list(values)}), name=name)


class CaseRecord(models.Model):
    """Base of the rows a case file holds; named by kind and id in lists and the admin."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class PasGroup(models.TextChoices):
    """The 12 groups of Pemerlu Atensi Sosial (12 PAS), the ministry's working classification."""

    VULNERABLE_CHILDREN = "vulnerable_children", _("Vulnerable children")
    DIFABEL = "difabel", _("Persons with disabilities (difabel)")
    NEGLECTED_ELDERLY = "neglected_elderly", _("Neglected elderly")
    LOW_INCOME = "low_income", _("Low income")
    DISASTER_VICTIMS = "disaster_victims", _("Disaster victims")
    SPECIAL_AFFIRMATION = "special_affirmation", _("Special affirmation")
    WARGA_BINAAN = "warga_binaan", _("Warga binaan (inmates and former inmates)")
    VIOLENCE_VICTIMS = "violence_victims", _("Victims of violence")
    NAPZA_HIV = "napza_hiv", _("Victims of NAPZA and HIV/AIDS")
    DIFABEL_SOCIAL_PROBLEMS = "difabel_social", _("Persons with disabilities with social problems")
    VULNERABLE_WOMEN = "vulnerable_women", _("Vulnerable women")
    FAKIR_MISKIN = "fakir_miskin", _("Fakir miskin (the poor)")


class IntakeSource(models.TextChoices):
    """Article 20: access facilitation comes from a referral, a complaint report or outreach."""

    REFERRAL = "referral", _("Referral")
    COMPLAINT = "complaint", _("Complaint report")
    OUTREACH = "outreach", _("Case outreach")


class Sex(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class Client(models.Model):
    """A person served by ATENSI; linked to the registry member with the same NIK when DTKS
    holds one (article 43(1): DTKS is the source of ATENSI recipients)."""

    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    kk_number = models.CharField(_("KK number"), max_length=16, blank=True)
    name = models.CharField(_("name"), max_length=100)
    name_key = models.CharField(max_length=100, db_index=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    region = models.ForeignKey(
        "wilayah.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        "registry.Member",
        verbose_name=_("DTKS member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Client")
        verbose_name_plural = _("Clients")
        constraints = [
            models.UniqueConstraint(
                fields=["nik"], condition=~models.Q(nik=""), name="atensi_client_nik_unique"
            ),
            _in("sex", Sex.values, "atensi_client_sex"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def in_dtks(self) -> bool:
        return self.member_id is not None


class Intake(models.Model):
    """The first contact (article 20), recorded before there is a case."""

    source = models.CharField(_("source"), max_length=12, choices=IntakeSource.choices)
    received_at = models.DateTimeField(_("received at"))
    provider = models.ForeignKey(
        "providers.Provider",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="intakes")
    # Who brought the case: the referring institution, the complainant, the outreach place.
    referrer = models.CharField(_("referred by / reported by"), max_length=200, blank=True)
    referrer_contact = models.CharField(_("contact"), max_length=100, blank=True)
    referred_from = models.ForeignKey(
        "providers.Provider",
        verbose_name=_("referring provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    location = models.CharField(_("place of outreach"), max_length=200, blank=True)
    problem = models.TextField(_("problem presented"))
    emergency = models.BooleanField(_("emergency"), default=False)

    class Meta:
        verbose_name = _("Intake")
        verbose_name_plural = _("Intakes")
        ordering = ["-received_at"]
        constraints = [_in("source", IntakeSource.values, "atensi_intake_source")]

    def __str__(self) -> str:
        return f"Intake #{self.pk}"


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    TERMINATED = "terminated", _("Terminated")


class TerminationReason(models.TextChoices):
    GOALS_ACHIEVED = "goals_achieved", _("Goals of the plan achieved")
    REFERRED = "referred", _("Referred to another service")
    CLIENT_WITHDREW = "client_withdrew", _("Client or family withdrew")
    MOVED = "moved", _("Client moved away")
    DECEASED = "deceased", _("Client died")
    NOT_ELIGIBLE = "not_eligible", _("Not a PPKS / not eligible")
    OTHER = "other", _("Other")


class DurationBasis(models.TextChoices):
    """Article 27: duration from the assessment, a case conference or a family conference."""

    ASSESSMENT = "assessment", _("Assessment by the pekerja sosial")
    CASE_CONFERENCE = "case_conference", _("Case conference")
    FAMILY_CONFERENCE = "family_conference", _("Family conference")


class Case(models.Model):
    """One ATENSI case of one client at one provider, run by a worker under a supervising
    pekerja sosial. `stage` is a code of stages.json; `stage_due` its deadline."""

    intake = models.OneToOneField(Intake, on_delete=models.PROTECT, related_name="case")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="cases")
    provider = models.ForeignKey(
        "providers.Provider",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="atensi_cases",
    )
    region = models.ForeignKey(
        "wilayah.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    worker = models.ForeignKey(
        USER, verbose_name=_("case worker"), on_delete=models.PROTECT, related_name="+"
    )
    supervisor = models.ForeignKey(
        USER, verbose_name=_("supervisor"), on_delete=models.PROTECT, related_name="+"
    )
    pas_group = models.CharField(_("PAS group"), max_length=24, choices=PasGroup.choices)
    stage = models.CharField(_("stage"), max_length=16)
    stage_started_at = models.DateTimeField()
    stage_due = models.DateField(_("stage due"))
    emergency = models.BooleanField(_("emergency"), default=False)
    response_due_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    service_basis = models.CharField(
        _("service basis"), max_length=12, choices=ServiceBase.choices, blank=True
    )
    duration_days = models.PositiveIntegerField(_("duration (days)"), null=True, blank=True)
    duration_basis = models.CharField(
        _("duration set by"), max_length=20, choices=DurationBasis.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    termination_reason = models.CharField(
        _("termination reason"), max_length=20, choices=TerminationReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("Case")
        verbose_name_plural = _("Cases")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["provider", "status", "stage"]),
            models.Index(fields=["worker", "status"]),
            models.Index(fields=["supervisor", "status"]),
        ]
        constraints = [
            _in("stage", CODES, "atensi_case_stage"),
            _in("status", CaseStatus.values, "atensi_case_status"),
            _in("pas_group", PasGroup.values, "atensi_case_pas_group"),
            models.CheckConstraint(
                condition=models.Q(status="open")
                | (models.Q(closed_at__isnull=False) & ~models.Q(termination_reason="")),
                name="atensi_case_terminated_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(worker=models.F("supervisor")),
                name="atensi_case_supervisor_not_worker",
            ),
        ]

    def __str__(self) -> str:
        return f"ATENSI-{self.pk:06d}" if self.pk else "ATENSI-new"

    @property
    def number(self) -> str:
        return str(self)


class CaseCluster(CaseRecord):
    """Article 3 cluster(s) of the case: a person may belong to several."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clusters")
    cluster = models.CharField(_("cluster"), max_length=20, choices=Cluster.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "cluster"], name="atensi_case_cluster_once"),
            _in("cluster", Cluster.values, "atensi_case_cluster_valid"),
        ]


class FormEntry(CaseRecord):
    """Every form recorded in a stage, with what was entered (the stage's record and the proof
    that a required form is done). Structured forms also write their own rows below."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    stage = models.CharField(max_length=16)
    form = models.CharField(max_length=32)
    data = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["case", "form"])]


class SignOffKind(models.TextChoices):
    REQUEST = "request", _("Sign-off requested")
    APPROVE = "approve", _("Approved")
    RETURN = "return", _("Returned")


class SignOff(CaseRecord):
    """The supervision log (articles 11(4), 19(2)-(3)): requests and responses, append-only
    (database triggers refuse UPDATE and DELETE). An approval moves the case on."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="signoffs")
    stage = models.CharField(max_length=16)
    kind = models.CharField(max_length=8, choices=SignOffKind.choices)
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)  # the request's note or the reason for a return
    # The certificate the approving supervisor held (article 19(3)), for the record.
    certificate_number = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            _in("kind", SignOffKind.values, "atensi_signoff_kind"),
            models.CheckConstraint(
                condition=~models.Q(kind="return") | ~models.Q(note=""),
                name="atensi_signoff_return_has_reason",
            ),
        ]


class Domain(models.TextChoices):
    """Article 22: the domains of the comprehensive assessment."""

    MEDICAL = "medical", _("Medical")
    LEGAL = "legal", _("Legal")
    PHYSICAL = "physical", _("Physical")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial")
    MENTAL = "mental", _("Mental")
    SPIRITUAL = "spiritual", _("Spiritual")
    INTERESTS = "interests", _("Interests and talents")
    FAMILY_TRACING = "family_tracing", _("Family tracing")
    OTHER = "other", _("Other aspects")


class DomainScore(CaseRecord):
    """One domain's assessment: 1 (severe problem) to 5 (no problem); repeated over time
    (continuous assessment)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="scores")
    domain = models.CharField(_("domain"), max_length=16, choices=Domain.choices)
    score = models.PositiveSmallIntegerField(_("score (1-5)"))
    findings = models.TextField(_("findings"), blank=True)
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["domain", "-assessed_on", "-id"]
        constraints = [
            _in("domain", Domain.values, "atensi_score_domain"),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="atensi_score_1_5"
            ),
        ]


class PlanGoal(CaseRecord):
    """Article 23: a goal of the service plan in one domain, and the resource (a provider of
    the directory) that will help reach it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(_("domain"), max_length=16, choices=Domain.choices)
    goal = models.TextField(_("goal"))
    activities = models.TextField(_("activities"), blank=True)
    service_form = models.CharField(
        _("service form"), max_length=20, choices=ServiceForm.choices, blank=True
    )
    resource = models.ForeignKey(
        "providers.Provider",
        verbose_name=_("resource (provider)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [_in("domain", Domain.values, "atensi_goal_domain")]


class Service(CaseRecord):
    """Article 24/11: one service delivered, in one of the seven forms, on one basis. Cash or
    goods assistance carries its value in integer rupiah."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    form = models.CharField(_("service form"), max_length=20, choices=ServiceForm.choices)
    basis = models.CharField(_("service basis"), max_length=12, choices=ServiceBase.choices)
    delivered_on = models.DateField(_("delivered on"))
    description = models.TextField(_("description"))
    amount_rupiah = models.BigIntegerField(_("amount (Rp)"), null=True, blank=True)
    provider = models.ForeignKey(
        "providers.Provider",
        verbose_name=_("delivered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["delivered_on", "id"]
        constraints = [
            _in("form", ServiceForm.values, "atensi_service_form"),
            _in("basis", ServiceBase.values, "atensi_service_basis"),
            models.CheckConstraint(
                condition=models.Q(amount_rupiah__isnull=True) | models.Q(amount_rupiah__gte=0),
                name="atensi_service_amount_not_negative",
            ),
        ]


class ResidentialStay(CaseRecord):
    """Admission to and discharge from residential care (article 24)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stays")
    provider = models.ForeignKey("providers.Provider", on_delete=models.PROTECT, related_name="+")
    admitted_on = models.DateField(_("admitted on"))
    discharged_on = models.DateField(_("discharged on"), null=True, blank=True)
    discharge_note = models.TextField(_("discharge note"), blank=True)

    class Meta:
        ordering = ["admitted_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discharged_on__isnull=True)
                | models.Q(discharged_on__gte=models.F("admitted_on")),
                name="atensi_stay_dates_ordered",
            ),
        ]


class IndicatorLevel(models.TextChoices):
    """Article 25(3): masukan, proses, keluaran, manfaat, dampak."""

    INPUT = "input", _("Input")
    PROCESS = "process", _("Process")
    OUTPUT = "output", _("Output")
    OUTCOME = "outcome", _("Outcome")
    IMPACT = "impact", _("Impact")


class Indicator(CaseRecord):
    """A monitoring and evaluation indicator of the case (article 25)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="indicators")
    level = models.CharField(_("level"), max_length=8, choices=IndicatorLevel.choices)
    name = models.CharField(_("indicator"), max_length=200)
    target = models.CharField(_("target"), max_length=100, blank=True)
    achieved = models.CharField(_("achieved"), max_length=100, blank=True)
    met = models.BooleanField(_("target met"), null=True, blank=True)
    measured_on = models.DateField(_("measured on"))

    class Meta:
        ordering = ["level", "measured_on", "id"]
        constraints = [_in("level", IndicatorLevel.values, "atensi_indicator_level")]


class FollowUp(CaseRecord):
    """A scheduled aftercare contact (article 26(1)-(3))."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField(_("due on"))
    purpose = models.CharField(_("purpose"), max_length=200)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)

    class Meta:
        ordering = ["due_on", "id"]


class ConferenceKind(models.TextChoices):
    CASE = "case", _("Case conference (with other professionals)")
    FAMILY = "family", _("Family conference")


class Conference(CaseRecord):
    """Article 27(2): a case conference with other professionals or a family conference."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="conferences")
    kind = models.CharField(_("kind"), max_length=8, choices=ConferenceKind.choices)
    held_on = models.DateField(_("held on"))
    participants = models.JSONField(_("participants"), default=list)  # [{name, role}]
    findings = models.TextField(_("findings"))
    decisions = models.TextField(_("decisions"))
    duration_days = models.PositiveIntegerField(_("duration decided (days)"), null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "id"]
        constraints = [_in("kind", ConferenceKind.values, "atensi_conference_kind")]


class Section(models.TextChoices):
    """The parts of a case file, the unit of sharing on a referral (see access.py)."""

    IDENTITY = "identity", _("Identity of the client")
    INTAKE = "intake", _("Intake and who reported")
    ASSESSMENT = "assessment", _("Assessment")
    PLAN = "plan", _("Service plan")
    SERVICES = "services", _("Services delivered")
    MONITORING = "monitoring", _("Monitoring and evaluation")
    CONFERENCES = "conferences", _("Conferences")
    SUPERVISION = "supervision", _("Supervision log")
    AFTERCARE = "aftercare", _("Aftercare and termination")


class Referral(CaseRecord):
    """A referral of the case to another provider, naming the sections it may see."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    to_provider = models.ForeignKey(
        "providers.Provider",
        verbose_name=_("referred to"),
        on_delete=models.PROTECT,
        related_name="atensi_referrals_in",
    )
    purpose = models.TextField(_("purpose"))
    sections = models.JSONField(_("shared sections"), default=list)
    referred_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    referred_at = models.DateTimeField(auto_now_add=True)
    # The receiving provider accepts (then records the services it delivers) or declines.
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    end_note = models.TextField(_("note on ending"), blank=True)  # e.g. why it was declined

    class Meta:
        ordering = ["-referred_at", "-id"]

    @property
    def state(self) -> str:
        """'waiting' (for the receiving provider), 'accepted', 'declined' or 'ended'."""
        if self.ended_at:
            return "ended" if self.accepted_at else "declined"
        return "accepted" if self.accepted_at else "waiting"


class DtksReportStatus(models.TextChoices):
    PROPOSED = "proposed", _("Usulan created")
    NEEDS_DATA = "needs_data", _("Reported; the Dinas Sosial completes the usulan")


class DtksReport(CaseRecord):
    """Article 43(2): a client outside DTKS reported to the Dinas Sosial to be proposed; the
    usulan (registration.Proposal, source ATENSI) when one could be created."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="dtks_report")
    region = models.ForeignKey("wilayah.Region", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=DtksReportStatus.choices)
    proposal = models.ForeignKey(
        "registration.Proposal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    problems = models.JSONField(default=dict, blank=True)  # {field: message} when not proposed
    reported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        constraints = [
            _in("status", DtksReportStatus.values, "atensi_dtks_report_status"),
            models.CheckConstraint(
                condition=~models.Q(status="proposed") | models.Q(proposal__isnull=False),
                name="atensi_dtks_report_proposed_has_proposal",
            ),
        ]
