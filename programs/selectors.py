"""Reads of eligibility runs and KPM lists that serve pages, exports and the API. Counts of a
run need VIEW_PROGRAMS; rows of a KPM list (names, NIK) need VIEW_ENROLLMENT and are limited to
the user's region through accounts.policy, so no view can forget the scope. The words of a run
(clause reasons, segment and component names) come from the rule set the run used."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Substr
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import policy
from accounts.models import User
from registry.models import InactiveReason, Member
from wilayah import selectors as regions
from wilayah.selectors import within_scope

from . import wording
from .models import EligibilityRun, Enrollment, Program
from .services import PERIODS_PER_YEAR, period_start

HEAD_OF_HOUSEHOLD = 1  # relation_to_household_head
CODE_LENGTH = {1: 2, 2: 5, 3: 8, 4: 13}  # region level -> length of its code


# --- runs ------------------------------------------------------------------------------------


def programs_for(user: User) -> QuerySet[Program]:
    if not policy.role_allows(user, policy.VIEW_PROGRAMS):
        return Program.objects.none()
    return Program.objects.all()


def run_for(user: User, code: str, run_id: int) -> EligibilityRun:
    """A run of program `code` (counts only); EligibilityRun.DoesNotExist when the user may not
    see programs or there is no such run."""
    return (EligibilityRun.objects.filter(program__in=programs_for(user), program__code=code)
            .select_related("program", "rule_set", "created_by", "frozen_by").get(pk=run_id))


def run_definition(run: EligibilityRun) -> dict:
    """The rule set the run used: a what-if's changed rules, else its published version."""
    return run.parameters.get("definition") or run.rule_set.definition


@dataclass(frozen=True)
class RunWords:
    """A run's codes in words, in one language: reasons through programs.wording (the clause
    with its outcome, "Tidak terpenuhi: Termasuk desil 1-5"), segment and component names."""

    definition: dict
    lang: str
    segments: dict[int, str]
    components: dict[str, str]

    def reason(self, code: str) -> str:
        return wording.reason_text(self.definition, code or "", self.lang)

    def segment(self, code: int | None) -> str:
        if code is None:
            return ""
        return self.segments.get(code) or str(code)

    def component_list(self, text: str) -> str:
        """'sd:2,smp:1' as 'Anak SD/sederajat × 2, Anak SMP/sederajat × 1'."""
        parts = []
        for part in filter(None, (text or "").split(",")):
            key, _sep, count = part.partition(":")
            parts.append(f"{self.components.get(key, key)} × {count or 1}")
        return ", ".join(parts)


def run_words(definition: dict, lang: str) -> RunWords:
    def name(item: dict, fallback: str) -> str:
        names = item.get("name") or item.get("reason") or {}
        return names.get(lang) or names.get("id") or fallback

    return RunWords(
        definition=definition, lang=lang,
        segments={int(s.get("code", i)): name(s, str(s.get("code", i)))
                  for i, s in enumerate(definition.get("segments") or [], 1)},
        components={c.get("id", ""): name(c, c.get("id", ""))
                    for c in (definition.get("benefit") or {}).get("components") or []},
    )


def cost_per_year(run: EligibilityRun) -> int:
    return int(run.counts.get("cost_per_period") or 0) * PERIODS_PER_YEAR.get(
        run.program.frequency, 1)


def level_below(scope: str) -> int:
    """The region level one below a scope prefix ('' national -> provinces)."""
    return min(len(scope.split(".")) + 1, 4) if scope else 1


def region_counts(user: User, run: EligibilityRun) -> list[dict]:
    """Units by status and cost per period in each region one level below the user's scope.
    An enrollment run counts its KPM rows; a what-if run (no rows) rolls up its regency counts,
    which cannot go below the regency."""
    scope = policy.scope_prefix(user)
    if scope is None or not policy.role_allows(user, policy.VIEW_PROGRAMS):
        return []
    level = level_below(scope)
    if run.kind == EligibilityRun.Kind.ENROLLMENT:
        rows = _enrollment_region_rows(run, scope, CODE_LENGTH[level])
    else:
        rows = _what_if_region_rows(run, scope, min(CODE_LENGTH[level], CODE_LENGTH[2]))
    names = regions.names([r["code"] for r in rows])
    return [r | {"name": names.get(r["code"], r["code"])} for r in rows]


def _enrollment_region_rows(run: EligibilityRun, scope: str, length: int) -> list[dict]:
    counted = (run.enrollments.filter(within_scope(scope, "village_code"))
               .annotate(area=Substr("village_code", 1, length)).values("area").annotate(
                   enrolled=Count("pk", filter=Q(status=Enrollment.Status.ENROLLED)),
                   waiting=Count("pk", filter=Q(status=Enrollment.Status.WAITING)),
                   exited=Count("pk", filter=Q(status=Enrollment.Status.EXITED)),
                   new=Count("pk", filter=Q(change=Enrollment.Change.NEW,
                                            status=Enrollment.Status.ENROLLED)),
                   cost=Coalesce(Sum("amount", filter=Q(status=Enrollment.Status.ENROLLED)), 0))
               .order_by("area"))
    return [{"code": r["area"], "enrolled": r["enrolled"], "waiting": r["waiting"],
             "exited": r["exited"], "new": r["new"], "cost": r["cost"]} for r in counted]


def _what_if_region_rows(run: EligibilityRun, scope: str, length: int) -> list[dict]:
    totals: dict[str, dict] = {}
    for regency, enrolled, waiting, _eligible, cost in run.counts.get("regions") or []:
        if not regions.code_in_scope(regency, scope):
            continue
        row = totals.setdefault(regency[:length], {"code": regency[:length], "enrolled": 0,
                                                   "waiting": 0, "exited": None, "new": None,
                                                   "cost": 0})
        row["enrolled"] += enrolled or 0
        row["waiting"] += waiting or 0
        row["cost"] += cost or 0
    return [totals[k] for k in sorted(totals)]


# --- KPM lists ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpmFilter:
    region: str = ""
    status: str = ""
    change: str = ""

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}


def enrollments_for(user: User, run: EligibilityRun) -> QuerySet[Enrollment]:
    """The run's KPM rows inside the user's region (none without VIEW_ENROLLMENT)."""
    return policy.scoped(user, run.enrollments.all(), "village_code", policy.VIEW_ENROLLMENT)


def kpm_rows(user: User, run: EligibilityRun, filters: KpmFilter) -> QuerySet[Enrollment]:
    """The filtered KPM list with the name and NIK of the head (or of the member, for person
    programs), ordered by village, status and rank."""
    qs = enrollments_for(user, run)
    if filters.region:
        qs = qs.filter(within_scope(filters.region, "village_code"))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.change:
        qs = qs.filter(change=filters.change)
    head = Member.objects.filter(household=OuterRef("household_id"),
                                 relation_to_household_head=HEAD_OF_HOUSEHOLD).order_by("id")
    return qs.annotate(
        head_name=Coalesce("member__name", Subquery(head.values("name")[:1])),
        head_nik=Coalesce("member__nik", Subquery(head.values("nik")[:1])),
    ).order_by("village_code", "status", "rank", "household_id", "member_id")


def kpm_total(user: User, run: EligibilityRun) -> dict:
    """Enrolled, waiting and cost per period of the run's KPM rows inside the user's region
    (a regional user's own figures beside the run-wide, national ones). Counts only, so
    VIEW_PROGRAMS suffices."""
    qs = policy.scoped(user, run.enrollments.all(), "village_code", policy.VIEW_PROGRAMS)
    return qs.aggregate(
        enrolled=Count("pk", filter=Q(status=Enrollment.Status.ENROLLED)),
        waiting=Count("pk", filter=Q(status=Enrollment.Status.WAITING)),
        exited=Count("pk", filter=Q(status=Enrollment.Status.EXITED)),
        cost=Coalesce(Sum("amount", filter=Q(status=Enrollment.Status.ENROLLED)), 0))


# --- what a run read, and what changed since ----------------------------------------------------


@dataclass(frozen=True)
class ListRead:
    """A program whose KPM list the run's rules read through in_program."""

    code: str
    name: str
    run_id: int | None  # the frozen list the run read (None: there was none)
    current_id: int | None  # the list in force now

    @property
    def changed(self) -> bool:
        return self.run_id != self.current_id


def lists_read(run: EligibilityRun) -> list[ListRead]:
    """The programs the run's in_program read, with the list it read and the list in force
    now for the run's period."""
    from .inputs import current_run_ids

    read = (run.counts or {}).get("lists_read") or {}
    if not read:
        return []
    on = period_start(run.program, run.period)
    in_force = dict(EligibilityRun.objects.filter(pk__in=current_run_ids(on))
                    .values_list("program__code", "pk"))
    names = dict(Program.objects.filter(code__in=read).values_list("code", "name"))
    return [ListRead(code, names.get(code, code), run_id, in_force.get(code))
            for code, run_id in sorted(read.items())]


def frozen_for_period(run: EligibilityRun) -> EligibilityRun | None:
    """Another run of the same program and period whose KPM list is already frozen."""
    return (EligibilityRun.objects.filter(program_id=run.program_id, period=run.period,
                                          state=EligibilityRun.State.FROZEN)
            .exclude(pk=run.pk).first())


# --- members the programs leave out -------------------------------------------------------------


@dataclass(frozen=True)
class NotConsidered:
    """A member the targeting view leaves out (as programs/single.py and targeting.py do):
    recorded deceased by the civil-registry match, or inactive in DTKS."""

    member_id: int
    name: str
    nik: str
    is_head: bool
    reason: str  # "deceased" or "inactive"
    death_date: date | None
    inactive_reason: str

    def text(self, lang: str, with_name: bool = True) -> str:
        """"Heroe Raharjo: tercatat meninggal 2 Sep 2023 (Dukcapil) — perbarui kepala rumah
        tangga"; without the name for answers that carry no names (the API)."""
        with translation.override(lang):
            if self.reason == "deceased" and self.death_date:
                why = _("recorded deceased on %(date)s (Dukcapil)") % {
                    "date": date_format(self.death_date, "j M Y")}
            elif self.reason == "deceased":
                why = _("recorded deceased (Dukcapil)")
            else:
                label = dict(InactiveReason.choices).get(self.inactive_reason, "")
                why = (_("inactive in DTKS (%(reason)s)") % {"reason": label} if label
                       else _("inactive in DTKS"))
            if self.is_head:
                why += " — " + _("update the head of household")
            return f"{self.name}: {why}" if with_name else str(why)


def not_considered(household) -> list[NotConsidered]:
    """Members of the household that no program decides for, and why."""
    rows = (Member.objects.filter(household=household)
            .filter(Q(civil_match__deceased=True) | ~Q(status="active"))
            .values("id", "name", "nik", "relation_to_household_head", "status",
                    "inactive_reason", "civil_match__deceased", "civil_match__death_date")
            .order_by("relation_to_household_head", "id"))
    return [NotConsidered(
        member_id=r["id"], name=r["name"], nik=r["nik"],
        is_head=r["relation_to_household_head"] == HEAD_OF_HOUSEHOLD,
        reason="deceased" if r["civil_match__deceased"] else "inactive",
        death_date=r["civil_match__death_date"], inactive_reason=r["inactive_reason"])
        for r in rows]

