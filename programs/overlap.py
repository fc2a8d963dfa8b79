"""Cross-program overlap: households enrolled in the KPM lists in force of two programs whose
rules exclude each other (a program with an `exclude` clause reading `in_program('other')`).
Such a household should not be in both; the report finds them, scoped to the user's region."""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.db.models.functions import Substr

from accounts import policy
from registry.models import Member
from wilayah.models import Region

from .attributes import program_column
from .compile import EXCLUDE
from .inputs import current_run_ids
from .models import EligibilityRun, Enrollment, Program
from .services import current_rule_set, spec_of

SHOWN_HOUSEHOLDS = 20
PAGE_SIZE = 50
CHILD_LENGTH = {0: 2, 2: 5, 5: 8, 8: 13, 13: 13}  # region code length one level below a scope


@dataclass
class ExclusivePair:
    """Program `program` refuses units enrolled in `other` (clauses named); `mutual` when
    `other` refuses those of `program` too (its clauses then follow, named with its code)."""

    program: Program
    other: Program
    clauses: list[str]
    mutual: bool = False


@dataclass
class Overlap:
    pair: ExclusivePair
    run: EligibilityRun | None  # the list in force of pair.program
    other_run: EligibilityRun | None
    total: int | None = None  # None: not computed (a program has no frozen KPM list yet)
    regions: list[tuple[str, str, int]] = field(default_factory=list)  # code, name, households
    households: list[dict] = field(default_factory=list)  # id, head's name, village

    @property
    def computed(self) -> bool:
        return self.total is not None

    @property
    def missing(self) -> list[Program]:
        """The programs of the pair without a frozen KPM list (why it is not computed)."""
        return [p for p, run in ((self.pair.program, self.run), (self.pair.other, self.other_run))
                if run is None]


def exclusive_pairs(lang: str = "id") -> list[ExclusivePair]:
    """Every two programs of which one's current rules exclude members of the other, once
    per pair (a household on both lists is one overlap, whichever program excludes)."""
    programs = list(Program.objects.filter(active=True))
    pairs: dict[frozenset, ExclusivePair] = {}
    for program in programs:
        rule_set = current_rule_set(program)
        if rule_set is None:
            continue
        clauses = [c for c in spec_of(program, rule_set.definition).clauses if c.kind == EXCLUDE]
        for other in programs:
            ids = [c.reason.get(lang) or c.id for c in clauses
                   if program_column(other.code) in c.rule.columns]
            if other == program or not ids:
                continue
            found = pairs.get(frozenset((program.pk, other.pk)))
            if found is None:
                pairs[frozenset((program.pk, other.pk))] = ExclusivePair(program, other, ids)
            else:
                found.mutual = True
                found.clauses = [f"{found.program.name}: {c}" for c in found.clauses] + [
                    f"{program.name}: {c}" for c in ids]
    return list(pairs.values())


def lists_in_force() -> dict[int, EligibilityRun]:
    """The KPM list in force of each program (its newest frozen run), by program id."""
    return {run.program_id: run
            for run in EligibilityRun.objects.filter(pk__in=current_run_ids())}


def overlapping(user, run: EligibilityRun, other_run: EligibilityRun) -> QuerySet:
    """Enrollment rows of `run` (enrolled) whose household is enrolled in `other_run`, within
    the user's region."""
    both = Enrollment.objects.filter(run=other_run, status=Enrollment.Status.ENROLLED)
    rows = Enrollment.objects.filter(run=run, status=Enrollment.Status.ENROLLED,
                                     household_id__in=both.values("household_id"))
    return policy.scoped(user, rows, "village_code", policy.VIEW_ENROLLMENT)


def overlap_report(user, with_names: bool = False, lang: str = "id") -> list[Overlap]:
    """Each exclusive pair with the households on both lists in force, counted by region one
    level below the user's scope, and (`with_names`) the first few households."""
    prefix = policy.scope_prefix(user) or ""
    length = CHILD_LENGTH.get(len(prefix), 13)
    in_force = lists_in_force()
    report = []
    for pair in exclusive_pairs(lang):
        found = Overlap(pair, in_force.get(pair.program.pk), in_force.get(pair.other.pk))
        if found.run and found.other_run:
            rows = overlapping(user, found.run, found.other_run)
            found.total = rows.values("household_id").distinct().count()
            found.regions = _by_region(rows, length)
            if with_names and found.total:
                found.households = _households(rows)
        report.append(found)
    return report


def _by_region(rows: QuerySet, length: int) -> list[tuple[str, str, int]]:
    counts = (rows.annotate(region=Substr("village_code", 1, length)).values("region")
              .annotate(n=Count("household_id", distinct=True)).order_by("region"))
    names = dict(Region.objects.filter(code__in=[c["region"] for c in counts])
                 .values_list("code", "name"))
    return [(c["region"], names.get(c["region"], c["region"]), c["n"]) for c in counts]


def household_page(user, run: EligibilityRun, other_run: EligibilityRun, number) -> Page:
    """One page of the households on both lists (within the user's region), with head and
    village: the list a Dinas Sosial works through."""
    rows = overlapping(user, run, other_run)
    ids = rows.order_by("household_id").values_list("household_id", flat=True).distinct()
    page = Paginator(ids, PAGE_SIZE).get_page(number)
    page.object_list = _households(rows, list(page.object_list))
    return page


def _households(rows: QuerySet, ids: list[int] | None = None) -> list[dict]:
    if ids is None:
        ids = list(rows.order_by("household_id").values_list("household_id", flat=True)
                   .distinct()[:SHOWN_HOUSEHOLDS])
    heads = dict(Member.objects.filter(household_id__in=ids, relation_to_household_head=1)
                 .values_list("household_id", "name"))
    villages = dict(rows.filter(household_id__in=ids).values_list("household_id", "village_code"))
    return [{"id": h, "name": heads.get(h, ""), "village_code": villages.get(h, "")}
            for h in ids]
