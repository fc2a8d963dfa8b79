"""PKH conditionality actions: the pendamping's records, verifying a stage, appeals,
graduation and P2K2. Each takes an audit Context and checks the actor's policy."""

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from accounts import policy
from audit import services as audit

from . import rules
from .models import (
    Appeal,
    CommitmentResult,
    Evidence,
    Graduation,
    P2k2Attendance,
    P2k2Group,
    P2k2Member,
    P2k2Session,
    RuleVersion,
    StageResult,
    StageStatus,
    VerificationRun,
)
from .selectors import PKH_CODE, rules_in_force


class PkhError(Exception):
    """A refused PKH action, in Indonesian and English."""

    def __init__(self, message_id: str, message_en: str, problems: list[dict] | None = None):
        super().__init__(message_en)
        self.id, self.en, self.problems = message_id, message_en, problems or []


def publish_rules(ctx: audit.Context, definition: dict, note: str = "") -> RuleVersion:
    """A new version of the commitments (thresholds, periods, cut rule, ladder) in force."""
    policy.require(ctx.actor, policy.PKH_EDIT_RULES)
    problems = rules.check_definition(definition)
    if problems:
        raise PkhError("Aturan PKH tidak valid: " + "; ".join(problems),
                       "The PKH rules are not valid: " + "; ".join(problems))
    current = rules_in_force()
    version = RuleVersion.objects.create(version=current.version + 1, definition=definition,
                                         note=note, created_by=ctx.actor)
    audit.record(ctx, "pkh.rules.publish", version, {"version": version.version})
    return version


# --- the pendamping's records ---------------------------------------------------------------

@dataclass
class VisitRecord:
    member_id: int
    visit_type: str
    on: date
    attended: bool = True
    place: str = ""
    note: str = ""


def record_visits(ctx: audit.Context, household, records: list[VisitRecord]) -> int:
    """The pendamping's form: visits attended or missed by the family's members. A record for
    the same member, type and day replaces the earlier one."""
    policy.require(ctx.actor, policy.PKH_VERIFY, household.village_id)
    members = set(household.members.values_list("id", flat=True))
    events = []
    with transaction.atomic():
        for r in records:
            if r.member_id not in members:
                raise PkhError("Anggota bukan anggota keluarga ini.",
                               "The member is not in this family.")
            if r.visit_type not in rules.VISIT_TYPES:
                raise PkhError(f"Jenis kunjungan tidak dikenal: {r.visit_type}.",
                               f"Unknown visit type: {r.visit_type}.")
            evidence, _ = Evidence.objects.update_or_create(
                member_id=r.member_id, kind=Evidence.Kind.VISIT, visit_type=r.visit_type,
                on=r.on, defaults={
                    "household": household, "village_code": household.village_id,
                    "attended": r.attended, "place": r.place[:120], "note": r.note[:200],
                    "source": Evidence.Source.FORM, "recorded_by": ctx.actor})
            events.append((str(evidence.pk), household.village_id, {
                "visit_type": ["", r.visit_type], "on": ["", r.on.isoformat()],
                "attended": [None, r.attended]}))
        # Events on the evidence, not the household: the household page's history lists the
        # registry's own field changes.
        audit.record_bulk(ctx, "pkh.evidence.form", "pkh.evidence", events)
    saved = len(events)
    return saved


# --- verification of a stage ----------------------------------------------------------------

def enrolled_households(year: int, stage: int) -> list[tuple[int, str]]:
    """(household id, village) of the PKH KPM list of the stage (its frozen list, else the
    latest frozen list before it)."""
    from programs.models import EligibilityRun, Enrollment

    frozen = EligibilityRun.objects.filter(program__code=PKH_CODE, state="frozen")
    run = (frozen.filter(period=f"{year}-T{stage}").first()
           or frozen.filter(period__lte=f"{year}-T{stage}").order_by("-period").first())
    if run is None:
        return []
    return list(Enrollment.objects.filter(run=run, status="enrolled")
                .values_list("household_id", "village_code").order_by("household_id"))


def _evidence(ids: list[int], year: int, stage: int, start: date, end: date):
    visits: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for member_id, vtype, attended in Evidence.objects.filter(
            household_id__in=ids, kind=Evidence.Kind.VISIT, on__gte=start, on__lte=end
    ).values_list("member_id", "visit_type", "attended"):
        visits[member_id]["_verified"] = 1
        if attended:
            visits[member_id][vtype] += 1
    attendance = {
        m: rules.Attendance(bool(e), d, p) for m, e, d, p in Evidence.objects.filter(
            household_id__in=ids, kind=Evidence.Kind.ATTENDANCE, year=year, stage=stage
        ).values_list("member_id", "enrolled", "school_days", "days_present")}
    return visits, attendance


def judge_household(definition: dict, members: list[dict], visits, attendance, on: date
                    ) -> tuple[str, list[tuple[int, str, str, rules.Outcome]]]:
    """A family's status for a stage and its lines (member, component, commitment, outcome)."""
    lines = []
    for m in members:
        for cid in rules.member_components(
                birth_date=m["birth_date"], pregnant=m["pregnant"], disability=m["disability"],
                school_participation=m["school_participation"], education=m["education"],
                on=on):
            for c in definition["components"].get(cid, {}).get("commitments", []):
                outcome = rules.judge(c, definition, visits.get(m["id"], {}),
                                      attendance.get(m["id"]))
                lines.append((m["id"], cid, c["id"], outcome))
    statuses = {o.status for *_, o in lines}
    if "violated" in statuses:
        return StageStatus.VIOLATION, lines
    if "met" in statuses:
        return StageStatus.COMPLIANT, lines
    return StageStatus.NOT_VERIFIED, lines


def _streak(previous: StageResult | None, status: str) -> tuple[int, str]:
    """Consecutive violation stages (a stage not verified neither counts nor breaks them)."""
    before = previous.streak if previous else 0
    if status == StageStatus.VIOLATION:
        return before + 1, ""
    if status == StageStatus.NOT_VERIFIED:
        return before, previous.step if previous else ""
    return 0, ""


def verify_stage(ctx: audit.Context, year: int, stage: int, chunk: int = 1000
                 ) -> VerificationRun:
    """Judge every PKH family's commitments for the stage's verification period, climb the
    ladder of repeated violations and graduate (paksa) the families that reach its exit.
    Running a stage again replaces its results, unless appeals were filed on them."""
    from registry.models import Member

    policy.require(ctx.actor, policy.PKH_RUN_STAGE)
    version = rules_in_force()
    definition = version.definition
    start, end = rules.verification_period(definition, year, stage)
    began = time.monotonic()
    py, ps = rules.previous_stage(year, stage)
    with transaction.atomic():
        if Appeal.objects.filter(line__result__year=year, line__result__stage=stage).exists():
            raise PkhError(f"Tahap {stage} {year} sudah memiliki sanggahan; hasilnya tidak "
                           "dapat dihitung ulang.",
                           f"Stage {stage} of {year} has appeals; it cannot be verified again.")
        StageResult.objects.filter(year=year, stage=stage).delete()
        run = VerificationRun.objects.create(year=year, stage=stage, rules=version,
                                             created_by=ctx.actor)
        graduated = set(Graduation.objects.filter(on__lte=start)
                        .values_list("household_id", flat=True))
        families = [(h, v) for h, v in enrolled_households(year, stage) if h not in graduated]
        counts: dict[str, int] = defaultdict(int)
        exits = []
        for i in range(0, len(families), chunk):
            part = dict(families[i:i + chunk])
            ids = list(part)
            members: dict[int, list[dict]] = defaultdict(list)
            for m in Member.objects.filter(household_id__in=ids, status="active").values(
                    "id", "household_id", "birth_date", "pregnant", "disability",
                    "school_participation", "education"):
                members[m["household_id"]].append(m)
            visits, attendance = _evidence(ids, year, stage, start, end)
            previous = {r.household_id: r for r in StageResult.objects.filter(
                household_id__in=ids, year=py, stage=ps)}
            results, all_lines = [], []
            for h in ids:
                status, lines = judge_household(definition, members[h], visits, attendance,
                                                start)
                streak, step = _streak(previous.get(h), status)
                if status == StageStatus.VIOLATION:
                    step = rules.ladder_step(definition, streak)
                results.append(StageResult(household_id=h, village_code=part[h], year=year,
                                           stage=stage, status=status, streak=streak,
                                           step=step, run=run))
                all_lines.append(lines)
                counts[status] += 1
                if step == "exit" and status == StageStatus.VIOLATION:
                    exits.append((h, part[h], streak))
            StageResult.objects.bulk_create(results)
            if results[0:1] and results[0].pk is None:  # a backend without RETURNING
                by_household = dict(StageResult.objects.filter(
                    run=run, household_id__in=ids).values_list("household_id", "id"))
                for r in results:
                    r.pk = by_household[r.household_id]
            CommitmentResult.objects.bulk_create(
                CommitmentResult(result_id=r.pk, member_id=m, component=cid, commitment=c,
                                 status=o.status, facts=o.facts)
                for r, lines in zip(results, all_lines, strict=True)
                for m, cid, c, o in lines)
        for h, village, streak in exits:
            Graduation.objects.get_or_create(household_id=h, defaults={
                "village_code": village, "kind": Graduation.Kind.PAKSA,
                "on": end + timedelta(days=1), "decided_by": ctx.actor,
                "reason": f"{streak} tahap berturut-turut tidak memenuhi komitmen PKH"})
        counts["exit"] = len(exits)
        run.counts = dict(counts)
        run.seconds = round(time.monotonic() - began, 3)
        run.save(update_fields=["counts", "seconds"])
        audit.record(ctx, "pkh.stage.verify", run, {"year": year, "stage": stage, **counts})
    return run


# --- appeals --------------------------------------------------------------------------------

def file_appeal(ctx: audit.Context, line: CommitmentResult, reason: str) -> Appeal:
    """The pendamping appeals a violation (e.g. the child was sick, with a letter)."""
    village = line.result.village_code
    policy.require(ctx.actor, policy.PKH_APPEAL, village)
    if line.status != CommitmentResult.Status.VIOLATED:
        raise PkhError("Hanya pelanggaran yang dapat disanggah.",
                       "Only a violation can be appealed.")
    if not reason.strip():
        raise PkhError("Alasan sanggahan wajib diisi.", "The appeal needs a reason.")
    appeal = Appeal.objects.create(line=line, reason=reason.strip(), filed_by=ctx.actor)
    audit.record(ctx, "pkh.appeal.file", appeal, {"line": line.pk}, village)
    return appeal


def decide_appeal(ctx: audit.Context, appeal: Appeal, upheld: bool, note: str = "") -> Appeal:
    """The Dinas Sosial decides. Upheld: the violation is excused, the family's stage status is
    recomputed and the cut it caused is lifted (a cycle prepared later pays in full)."""
    village = appeal.line.result.village_code
    policy.require(ctx.actor, policy.PKH_DECIDE_APPEAL, village)
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.status != Appeal.Status.FILED:
            raise PkhError("Sanggahan ini sudah diputuskan.", "This appeal is already decided.")
        if appeal.filed_by_id == getattr(ctx.actor, "pk", None):
            raise PkhError("Sanggahan tidak dapat diputuskan oleh pengajunya.",
                           "An appeal cannot be decided by the one who filed it.")
        appeal.status = Appeal.Status.UPHELD if upheld else Appeal.Status.REJECTED
        appeal.decided_by, appeal.decided_at, appeal.decision_note = (
            ctx.actor, timezone.now(), note)
        appeal.save()
        if upheld:
            line = appeal.line
            CommitmentResult.objects.filter(pk=line.pk).update(
                status=CommitmentResult.Status.EXCUSED)
            result = line.result
            left = set(result.lines.values_list("status", flat=True))
            if "violated" not in left:
                status = StageStatus.COMPLIANT if "met" in left or "excused" in left else \
                    StageStatus.NOT_VERIFIED
                StageResult.objects.filter(pk=result.pk).update(
                    status=status, streak=max(result.streak - 1, 0), step="")
        audit.record(ctx, "pkh.appeal.decide", appeal, {"status": appeal.status}, village)
    return appeal


# --- graduation -----------------------------------------------------------------------------

def _graduate(ctx: audit.Context, household, kind: str, reason: str, on: date,
              document=None, musdes_date: date | None = None) -> Graduation:
    if Graduation.objects.filter(household=household).exists():
        raise PkhError("Keluarga ini sudah graduasi dari PKH.",
                       "This family has already graduated from PKH.")
    graduation = Graduation(household=household, village_code=household.village_id, kind=kind,
                            reason=reason[:300], on=on, musdes_date=musdes_date,
                            decided_by=ctx.actor if getattr(ctx.actor, "pk", None) else None)
    if document is not None:
        graduation.document.save(getattr(document, "name", "dokumen.pdf"), document, save=False)
    graduation.save()
    audit.record(ctx, f"pkh.graduation.{kind}", graduation,
                 {"on": on.isoformat(), "reason": reason}, household.village_id)
    return graduation


def graduate_mandiri(ctx: audit.Context, household, statement, on: date,
                     reason: str = "Keluarga menyatakan sudah mampu dan keluar atas kemauan "
                                   "sendiri") -> Graduation:
    """Mandiri: the family is now able, or leaves on its own, with its signed statement."""
    policy.require(ctx.actor, policy.PKH_GRADUATE, household.village_id)
    if not statement:
        raise PkhError("Graduasi mandiri memerlukan surat pernyataan yang ditandatangani.",
                       "A mandiri graduation needs the signed statement.")
    return _graduate(ctx, household, Graduation.Kind.MANDIRI, reason, on, statement)


def graduate_by_musdes(ctx: audit.Context, household, berita_acara, musdes_date: date,
                       on: date) -> Graduation:
    """Paksa by the village meeting (musdes) that certifies the family "mampu", with its
    signed Berita Acara uploaded."""
    policy.require(ctx.actor, policy.PKH_GRADUATE, household.village_id)
    if not berita_acara:
        raise PkhError("Graduasi oleh musdes memerlukan Berita Acara yang ditandatangani.",
                       "A graduation by the village meeting needs its signed Berita Acara.")
    return _graduate(ctx, household, Graduation.Kind.PAKSA,
                     f"Musdes {musdes_date:%d-%m-%Y} menetapkan keluarga mampu", on,
                     berita_acara, musdes_date)


def graduate_computed(ctx: audit.Context, on: date, year: int, stage: int) -> dict[str, int]:
    """Alamiah (no member holds a PKH component any more) and tidak padan (the head's NIK is
    not padan with Dukcapil) for the PKH families of the stage, computed from the registry and
    the civil-registry matches."""
    from civil.models import MemberMatch
    from registry.models import Member

    policy.require(ctx.actor, policy.PKH_RUN_STAGE)
    done = set(Graduation.objects.values_list("household_id", flat=True))
    families = [(h, v) for h, v in enrolled_households(year, stage) if h not in done]
    counts = {"alamiah": 0, "tidak_padan": 0}
    from registry.models import Household

    with transaction.atomic():
        for i in range(0, len(families), 1000):
            part = dict(families[i:i + 1000])
            holders: set[int] = set()
            heads: dict[int, int] = {}
            for m in Member.objects.filter(household_id__in=part, status="active").values(
                    "id", "household_id", "birth_date", "pregnant", "disability",
                    "school_participation", "education", "relation_to_household_head"):
                if m["relation_to_household_head"] == 1:
                    heads[m["household_id"]] = m["id"]
                if rules.member_components(
                        birth_date=m["birth_date"], pregnant=m["pregnant"],
                        disability=m["disability"],
                        school_participation=m["school_participation"],
                        education=m["education"], on=on):
                    holders.add(m["household_id"])
            not_padan = set(MemberMatch.objects.filter(
                member_id__in=heads.values()).exclude(status="padan").values_list(
                "member_id", flat=True))
            for household in Household.objects.filter(pk__in=part):
                if heads.get(household.pk) in not_padan:
                    _graduate(ctx, household, Graduation.Kind.TIDAK_PADAN,
                              "NIK kepala keluarga tidak padan dengan Dukcapil", on)
                    counts["tidak_padan"] += 1
                elif household.pk not in holders:
                    _graduate(ctx, household, Graduation.Kind.ALAMIAH,
                              "Tidak ada lagi anggota keluarga yang memenuhi komponen PKH", on)
                    counts["alamiah"] += 1
    return counts


# --- P2K2 -----------------------------------------------------------------------------------

def create_group(ctx: audit.Context, name: str, pendamping, village_code: str,
                 households: list) -> P2k2Group:
    policy.require(ctx.actor, policy.PKH_P2K2, village_code)
    with transaction.atomic():
        group = P2k2Group.objects.create(name=name, pendamping=pendamping,
                                         village_code=village_code)
        P2k2Member.objects.bulk_create(P2k2Member(group=group, household=h) for h in households)
        audit.record(ctx, "pkh.p2k2.group", group, {"families": len(households)}, village_code)
    return group


def record_session(ctx: audit.Context, group: P2k2Group, held_on: date, module: str,
                   present: set[int]) -> P2k2Session:
    """The month's session of a group: every family of the group present or absent."""
    policy.require(ctx.actor, policy.PKH_P2K2, group.village_code)
    if ctx.actor != group.pendamping and ctx.actor.role == "pendamping":
        raise PkhError("Hanya pendamping kelompok ini yang mencatat pertemuannya.",
                       "Only this group's pendamping records its sessions.")
    with transaction.atomic():
        session, _ = P2k2Session.objects.update_or_create(
            group=group, year=held_on.year, month=held_on.month,
            defaults={"held_on": held_on, "module": module})
        families = list(group.families.values_list("household_id", flat=True))
        P2k2Attendance.objects.filter(session=session).delete()
        P2k2Attendance.objects.bulk_create(
            P2k2Attendance(session=session, household_id=h, present=h in present)
            for h in families)
        audit.record(ctx, "pkh.p2k2.session", session,
                     {"present": len(present & set(families)), "families": len(families)},
                     group.village_code)
    return session
