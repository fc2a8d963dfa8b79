"""Reads of PKH conditionality for the pages, the reports and the payment cycle.

`stage_cuts` is what payments/cycles.py reads when it prepares a PKH stage: the components (or
whole payment) of each family cut for the previous stage's verification."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils import translation

from . import rules
from .models import CommitmentResult, Graduation, RuleVersion, StageResult, StageStatus

PKH_CODE = "pkh"


def rules_in_force() -> RuleVersion:
    """The highest rule version; the shipped one (version 1) is installed on first use."""
    found = RuleVersion.objects.order_by("-version").first()
    if found is None:
        found, _ = RuleVersion.objects.get_or_create(
            version=1, defaults={"definition": rules.shipped_definition(),
                                 "note": "pkh/data/commitments.json"})
    return found


@dataclass
class Cut:
    """What a family loses in one payment stage and why (for the household page)."""

    family: bool = False
    components: dict[str, int] = field(default_factory=dict)
    because: list[CommitmentResult] = field(default_factory=list)
    graduation: Graduation | None = None
    verified: tuple[int, int] = (0, 0)  # the verification stage (year, stage) behind the cut


def uncut(components: str, cut: Cut) -> str:
    """The enrollment's components text left to pay after the cut ('' when all is cut)."""
    return "" if cut.family else rules.uncut(components, cut.components)


def _violated_lines(year: int, stage: int, household_ids=None):
    lines = CommitmentResult.objects.filter(
        result__year=year, result__stage=stage, status=CommitmentResult.Status.VIOLATED
    ).select_related("result", "member")
    if household_ids is not None:
        lines = lines.filter(result__household_id__in=household_ids)
    return lines


def stage_cuts(program_code: str, period: str, stage: int, household_ids=None
               ) -> dict[int, Cut]:
    """{household id: Cut} for the PKH payment of `period` (the year) and `stage`.

    The rule (seed 003 via issue 15): "A violation cuts the next payment; it is restored when
    the family complies again." The previous stage's violated commitments cut their component
    (one per member), or the family's whole payment where the rule in force says "family"; a
    family on suspension whose last stage was not verified stays cut until verified compliant;
    a graduated family is paid in no stage starting on or after its graduation."""
    if program_code != PKH_CODE:
        return {}
    year = int(period)
    vy, vs = rules.previous_stage(year, stage)
    cuts: dict[int, Cut] = {}
    results = StageResult.objects.filter(year=vy, stage=vs).select_related("run__rules")
    if household_ids is not None:
        results = results.filter(household_id__in=household_ids)
    cut_rule = {r.household_id: r.run.rules.definition.get("cut", "component")
                for r in results.filter(Q(status=StageStatus.VIOLATION)
                                        | Q(step="suspension"))}
    for line in _violated_lines(vy, vs, household_ids):
        _add(cuts, line, cut_rule.get(line.result.household_id, "component"), (vy, vs))
    for held in results.filter(status=StageStatus.NOT_VERIFIED, step="suspension"):
        last = (StageResult.objects.filter(household_id=held.household_id,
                                           status=StageStatus.VIOLATION)
                .filter(Q(year__lt=vy) | Q(year=vy, stage__lt=vs))
                .order_by("-year", "-stage").first())
        if last:
            for line in _violated_lines(last.year, last.stage, [held.household_id]):
                _add(cuts, line, cut_rule.get(held.household_id, "component"),
                     (last.year, last.stage))
    start, _ = rules.verification_period(rules_in_force().definition, year, stage)
    graduated = Graduation.objects.filter(on__lte=start)
    if household_ids is not None:
        graduated = graduated.filter(household_id__in=household_ids)
    for g in graduated:
        cut = cuts.setdefault(g.household_id, Cut())
        cut.family, cut.graduation = True, g
    return cuts


def _add(cuts: dict[int, Cut], line: CommitmentResult, cut_rule: str, verified) -> None:
    cut = cuts.setdefault(line.result.household_id, Cut(verified=verified))
    if any(b.member_id == line.member_id and b.component == line.component
           for b in cut.because):
        cut.because.append(line)
        return
    cut.because.append(line)
    cut.components[line.component] = cut.components.get(line.component, 0) + 1
    cut.family = cut.family or cut_rule == "family"


def in_pkh(household_id: int) -> bool:
    """Is the family enrolled in a frozen PKH KPM list?"""
    from programs.models import Enrollment

    return Enrollment.objects.filter(run__program__code=PKH_CODE, run__state="frozen",
                                     household_id=household_id, status="enrolled").exists()


def household_stages(household_id: int, limit: int = 8) -> list[StageResult]:
    return list(StageResult.objects.filter(household_id=household_id)
                .prefetch_related("lines__member", "lines__appeal")
                .order_by("-year", "-stage")[:limit])


def explain_cut(cut: Cut, definition: dict, lang: str) -> list[str]:
    """A cut in words, one sentence per reason."""
    if cut.graduation is not None:
        g = cut.graduation
        label = str(Graduation.Kind(g.kind).label) if lang == "en" else GRADUATION_ID[g.kind]
        if lang == "en":
            return [f"Not paid: the family left PKH on {g.on:%d-%m-%Y} ({label}): {g.reason}."]
        return [f"Tidak dibayar: keluarga keluar dari PKH pada {g.on:%d-%m-%Y} ({label}): "
                f"{g.reason}."]
    out = []
    for line in cut.because:
        out.append(line_words(line, definition, lang, cut.family))
    return out


GRADUATION_ID = {"alamiah": "graduasi alamiah, tidak ada komponen lagi",
                 "paksa": "graduasi paksa", "mandiri": "graduasi mandiri",
                 "tidak_padan": "data tidak padan dengan Dukcapil"}

COMPONENT_ID = {"hamil": "ibu hamil", "usia_dini": "anak usia dini", "sd": "anak SD",
                "smp": "anak SMP", "sma": "anak SMA", "disabilitas_berat": "disabilitas berat",
                "lansia": "lanjut usia"}
COMPONENT_EN = {"hamil": "pregnancy", "usia_dini": "early childhood", "sd": "primary school",
                "smp": "junior secondary", "sma": "senior secondary",
                "disabilitas_berat": "severe disability", "lansia": "elderly"}


def line_words(line: CommitmentResult, definition: dict, lang: str, family: bool = False
               ) -> str:
    """'Komponen anak SD (Budi) dipotong: kehadiran 70% di bawah ambang 85% pada tahap 2.'"""
    f, r = line.facts, line.result
    name = line.member.name
    if lang == "en":
        what = (f"attendance {f.get('percent')}% below the {f.get('threshold'):g}% threshold"
                if "percent" in f and f.get("enrolled", True)
                else "not enrolled at school" if "percent" in f
                else f"{f.get('visits', 0)} of {f.get('min', 1)} required visits")
        whose = "The family's whole payment is" if family else (
            f"The {COMPONENT_EN.get(line.component, line.component)} component ({name}) is")
        return (f"{whose} cut in the next stage: {what} in stage {r.stage} of {r.year}; "
                "it is restored once the family complies again.")
    what = (f"kehadiran {f.get('percent')}% di bawah ambang {f.get('threshold'):g}%"
            if "percent" in f and f.get("enrolled", True)
            else "tidak terdaftar di sekolah" if "percent" in f
            else f"{f.get('visits', 0)} dari {f.get('min', 1)} kunjungan wajib")
    whose = "Seluruh bantuan keluarga" if family else (
        f"Komponen {COMPONENT_ID.get(line.component, line.component)} ({name})")
    return (f"{whose} dipotong pada tahap berikutnya: {what} pada tahap {r.stage} tahun "
            f"{r.year}; dipulihkan setelah keluarga kembali memenuhi komitmen.")


def years_in_program(as_of: date, region_prefix: str = "") -> dict[int, int]:
    """{household id: whole years since its first frozen PKH enrollment} (within a region)."""
    from programs.models import Enrollment

    firsts: dict[int, int] = {}
    rows = Enrollment.objects.filter(run__program__code=PKH_CODE, run__state="frozen",
                                     status="enrolled")
    if region_prefix:
        rows = rows.filter(village_code__startswith=region_prefix)
    rows = rows.values_list("household_id", "run__period")
    for household_id, period in rows.iterator(chunk_size=5000):
        y = int(period[:4])
        firsts[household_id] = min(y, firsts.get(household_id, y))
    return {h: as_of.year - y for h, y in firsts.items()}


def years_report(as_of: date, region_prefix: str = "") -> list[dict]:
    """Families by whole years in PKH, within a region prefix (issue 15, item 7)."""
    counts: dict[int, int] = {}
    for years in years_in_program(as_of, region_prefix).values():
        counts[years] = counts.get(years, 0) + 1
    return [{"years": y, "families": n} for y, n in sorted(counts.items())]


def due_for_review(as_of: date, region_prefix: str = "") -> list[int]:
    """Families six (data: review_after_years) or more years in PKH, not yet graduated: the
    design intent was an exit within six years (seed 003)."""
    limit = int(rules_in_force().definition.get("review_after_years", 6))
    graduated = set(Graduation.objects.values_list("household_id", flat=True))
    return sorted(h for h, y in years_in_program(as_of, region_prefix).items()
                  if y >= limit and h not in graduated)


def compliance_by_component(year: int, stage: int, region_prefix: str = "") -> list[dict]:
    """Compliance rate by component (met / judged) for one stage, within a region prefix."""
    lines = CommitmentResult.objects.filter(result__year=year, result__stage=stage)
    if region_prefix:
        lines = lines.filter(result__village_code__startswith=region_prefix)
    rows = (lines.values("component")
            .annotate(met=Count("id", filter=Q(status="met")),
                      violated=Count("id", filter=Q(status="violated")),
                      not_verified=Count("id", filter=Q(status="not_verified")))
            .order_by("component"))
    out = []
    for r in rows:
        judged = r["met"] + r["violated"]
        out.append({**r, "rate": round(100.0 * r["met"] / judged, 1) if judged else None})
    return out


def stage_of_day(day: date) -> tuple[int, int]:
    """The (year, stage) whose verification period holds `day` (the shipped quarters)."""
    for p in rules_in_force().definition["verification_periods"]:
        start, end = rules.verification_period(rules_in_force().definition, day.year,
                                               int(p["stage"]))
        if start <= day <= end:
            return day.year, int(p["stage"])
    return day.year, (day.month - 1) // 3 + 1


@dataclass
class CaseloadRow:
    household_id: int
    village_code: str
    head: str
    group: str
    evidence: int  # records this stage so far
    status: str  # the stage's verified status, '' before verification


def caseload(pendamping, year: int, stage: int) -> list[CaseloadRow]:
    """The families of a pendamping's P2K2 groups with the stage's evidence and status; a
    family with no evidence yet is a due verification."""
    from registry.models import Member

    from .models import Evidence, P2k2Member

    definition = rules_in_force().definition
    start, end = rules.verification_period(definition, year, stage)
    families = list(P2k2Member.objects.filter(group__pendamping=pendamping)
                    .select_related("group", "household").order_by("household_id"))
    ids = [f.household_id for f in families]
    heads = dict(Member.objects.filter(household_id__in=ids, relation_to_household_head=1)
                 .values_list("household_id", "name"))
    evidence = dict(Evidence.objects.filter(household_id__in=ids).filter(
        Q(kind="visit", on__gte=start, on__lte=end) | Q(kind="attendance", year=year,
                                                       stage=stage))
        .values("household_id").annotate(n=Count("id")).values_list("household_id", "n"))
    status = dict(StageResult.objects.filter(household_id__in=ids, year=year, stage=stage)
                  .values_list("household_id", "status"))
    return [CaseloadRow(f.household_id, f.household.village_id, heads.get(f.household_id, ""),
                        f.group.name, evidence.get(f.household_id, 0),
                        status.get(f.household_id, "")) for f in families]


def verification_rates(user, year: int, stage: int) -> list[dict]:
    """Per pendamping in the user's scope: families, families with evidence this stage, and
    the verification rate (supervisors' view)."""
    from accounts import policy

    from .models import P2k2Group

    groups = policy.scoped(user, P2k2Group.objects.select_related("pendamping"),
                           "village_code", policy.PKH_VIEW)
    out: dict[int, dict] = {}
    for g in groups:
        row = out.setdefault(g.pendamping_id, {"pendamping": g.pendamping.get_full_name()
                                               or g.pendamping.username, "families": 0,
                                               "verified": 0})
        rows = caseload(g.pendamping, year, stage)
        row["families"], row["verified"] = len(rows), sum(1 for r in rows if r.evidence)
    for row in out.values():
        row["rate"] = round(100.0 * row["verified"] / row["families"], 1) \
            if row["families"] else None
    return sorted(out.values(), key=lambda r: r["pendamping"])


def _component_amounts(year: int, stage: int) -> tuple[dict[str, int], int]:
    """{component: yearly amount} and stages from the PKH rule set in force (programs)."""
    from programs.models import Program
    from programs.services import current_rule_set

    program = Program.objects.filter(code=PKH_CODE).first()
    rule_set = current_rule_set(program) if program else None
    benefit = (rule_set.definition.get("benefit") or {}) if rule_set else {}
    return ({c["id"]: int(c["amount"]) for c in benefit.get("components", [])},
            int(benefit.get("stages", 4) or 4))


def cuts_report(year: int, stage: int, region_prefix: str = "") -> list[dict]:
    """The cuts of a payment stage by region (kabupaten/kota) and component: families, members
    and the rupiah left out (a component's yearly index / stages per member cut; a whole-family
    cut counts the family's enrolled components)."""
    from programs.models import Enrollment

    amounts, stages = _component_amounts(year, stage)
    cuts = stage_cuts(PKH_CODE, str(year), stage)
    villages = dict(StageResult.objects.filter(household_id__in=list(cuts)).values_list(
        "household_id", "village_code"))
    villages |= dict(Graduation.objects.filter(household_id__in=list(cuts)).values_list(
        "household_id", "village_code"))
    family_cut = [h for h, c in cuts.items() if c.family]
    enrolled = dict(Enrollment.objects.filter(
        household_id__in=family_cut, run__program__code=PKH_CODE, run__state="frozen",
        status="enrolled").order_by("run__period").values_list("household_id", "components"))
    rows: dict[tuple[str, str], dict] = {}
    for h, cut in cuts.items():
        region = villages.get(h, "")[:5]
        if region_prefix and not villages.get(h, "").startswith(region_prefix):
            continue
        lost = cut.components if not cut.family else {
            cid: int(n or 0) for cid, _, n in (p.partition(":") for p in
                                              filter(None, enrolled.get(h, "").split(",")))}
        for cid, n in lost.items():
            row = rows.setdefault((region, cid), {"region": region, "component": cid,
                                                  "families": 0, "members": 0, "amount": 0})
            row["families"] += 1
            row["members"] += n
            row["amount"] += n * amounts.get(cid, 0) // stages
    return sorted(rows.values(), key=lambda r: (r["region"], r["component"]))


def graduations_report(region_prefix: str = "") -> list[dict]:
    """Graduations by kind and region (kabupaten/kota)."""
    rows: dict[tuple[str, str], int] = {}
    found = Graduation.objects.all()
    if region_prefix:
        found = found.filter(village_code__startswith=region_prefix)
    for village, kind in found.values_list("village_code", "kind"):
        rows[(village[:5], kind)] = rows.get((village[:5], kind), 0) + 1
    return [{"region": r, "kind": k, "families": n} for (r, k), n in sorted(rows.items())]


def graduated_on(as_of: date) -> dict[int, str]:
    """{household id: 'pkh_graduation_<kind>'} of the families graduated on or before `as_of`:
    programs/exits.py ends their PKH enrollment in the next KPM list with that reason."""
    rows = Graduation.objects.filter(on__lte=as_of).values_list("household_id", "kind")
    return {h: f"pkh_graduation_{kind}" for h, kind in rows}


def graduation_words() -> dict[str, tuple[str, str]]:
    """The exit reasons' words for the KPM list, Indonesian and English."""
    with translation.override("en"):
        return {f"pkh_graduation_{kind}": (f"Keluar dari PKH: {GRADUATION_ID[kind]}",
                                           f"Left PKH: {label}")
                for kind, label in Graduation.Kind.choices}
