# ruff: noqa: S608 -- SQL text is built from compiled rules and this module's constants; values
# reach DuckDB as registered Arrow tables.
"""The audit board's checks over the payments of one program in a year (or one period of it),
within a region (FACTS "Distribution": Rp208.52 billion sat with 365,023 KPM who never
transacted; KKS cards never handed out; undistributed aid returned to the treasury):

    card_not_distributed  paid to a KPM whose KKS card was never handed out (with the reason)
    not_transacted        credited but never withdrawn or spent
    returned              undistributed, returned to the treasury
    deceased              paid to a recipient who had died (Dukcapil) before the payment date
    duplicate             the same person paid twice in one cycle: the same NIK in two
                          households, a pair the clerical review found to be the same person, or
                          a record deactivated as a duplicate
    excluded              a member on an exclusion list the program's rules exclude (ASN,
                          TNI/POLRI, ...) still paid
    outside_rules         the paid household (or person) re-decided by the program's current
                          rules over the latest registry snapshot is not eligible; the clause
                          that decides against it says why

Checks 1-6 are querysets of payments (aggregated by the database); check 7 runs the bulk
eligibility path in DuckDB. No check loops over payments in Python."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Substr, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from base.sql import literal
from civil.models import MemberMatch
from linkage.models import ReviewPair
from payments.models import (
    Card,
    CardStatus,
    KpmAccount,
    NotDistributed,
    Payment,
    PaymentEvent,
    PaymentStatus,
)
from programs.compile import EXCLUDE, NOT_ELIGIBLE
from programs.lists import lists_in_force
from programs.models import ListEntry, ListKind, Program
from programs.services import ProgramError, current_rule_set, period_start, spec_of
from registry.models import Household, InactiveReason, Member, Status
from wilayah.selectors import within_scope

# Paid: the money reached the KPM's account or hand (returned and failed payments did not stay).
PAID = [PaymentStatus.CREDITED, PaymentStatus.TRANSACTED, PaymentStatus.NOT_TRANSACTED,
        PaymentStatus.DELIVERED]
CHILD_LENGTH = {0: 2, 2: 5, 5: 8, 8: 13, 13: 13}  # code length one level below a region


@dataclass(frozen=True)
class Check:
    code: str
    label: object
    description: object


CHECKS = [
    Check("card_not_distributed", _("KKS card not distributed"),
          _("Paid to a KPM whose KKS card was never handed out.")),
    Check("not_transacted", _("Credited, never transacted"),
          _("Credited to the KKS account but never withdrawn or spent.")),
    Check("returned", _("Returned to the treasury"),
          _("Undistributed aid returned to the state treasury.")),
    Check("deceased", _("Paid after death"),
          _("Paid to a recipient who died (per Dukcapil) before the payment date.")),
    Check("duplicate", _("Paid to duplicates"),
          _("The same person paid twice in one cycle (same NIK, same person by clerical review, "
            "or a record deactivated as a duplicate).")),
    Check("excluded", _("On an exclusion list, still paid"),
          _("A household member is on a list the program's rules exclude (ASN, TNI/POLRI, ...).")),
    Check("outside_rules", _("Outside the program's rules"),
          _("Not eligible by the program's current rules over the latest registry snapshot.")),
]
BY_CODE = {c.code: c for c in CHECKS}


@dataclass(frozen=True)
class Scope:
    """What the checks read: a program's payments in `year` (or one `period`), in the region
    `region` ('' = national). Callers make sure `region` lies inside the user's scope."""

    program: Program
    year: int
    period: str = ""
    region: str = ""

    def payments(self) -> QuerySet[Payment]:
        qs = Payment.objects.filter(program=self.program, cycle__year=self.year).exclude(
            status=PaymentStatus.CANCELLED)
        if self.period:
            qs = qs.filter(period=self.period)
        return qs.filter(within_scope(self.region, "village_code"))

    def as_of(self) -> date:
        """The day the rules are re-decided on (ages, deaths): the period's first day; for a
        whole year its last day (today while the year runs)."""
        if self.period:
            try:
                return period_start(self.program, self.period)
            except ProgramError:
                pass
        return min(timezone.localdate(), date(self.year, 12, 31))


# --- checks 1-6: querysets of payments --------------------------------------------------------


def card_not_distributed(scope: Scope) -> QuerySet[Payment]:
    """Paid payments of households whose card in use (the newest card of an account not
    closed) is 'not distributed'; `detail` is the reason (mampu, menolak, meninggal, ...). A
    card handed out later, replacing one that was not, is no finding."""
    in_use = Card.objects.filter(account__household_id=OuterRef("household_id")).exclude(
        account__status=KpmAccount.Status.CLOSED).order_by("-id")
    return (scope.payments().filter(status__in=PAID)
            .annotate(card_status=Subquery(in_use.values("status")[:1]),
                      detail=Subquery(in_use.values("reason")[:1]))
            .filter(card_status=CardStatus.NOT_DISTRIBUTED))


def not_transacted(scope: Scope) -> QuerySet[Payment]:
    return scope.payments().filter(status=PaymentStatus.NOT_TRANSACTED)


def returned(scope: Scope) -> QuerySet[Payment]:
    return scope.payments().filter(status=PaymentStatus.RETURNED)


def _recipient(field: str = "member__") -> dict:
    """The recipient of a payment among a household's members: the one with the payment's NIK
    (the enrolled member of person programs, else the head)."""
    return {f"{field}household_id": OuterRef("household_id"), f"{field}nik": OuterRef("nik")}


def deceased(scope: Scope) -> QuerySet[Payment]:
    """Paid payments whose recipient Dukcapil reports deceased, dying before the payment date
    (the first credit or delivery; the last status change when none is recorded) or on an
    unknown date; `detail` is the death date."""
    died = MemberMatch.objects.filter(deceased=True, **_recipient()).order_by("-id")
    first_paid = PaymentEvent.objects.filter(
        payment_id=OuterRef("pk"), to_status__in=[PaymentStatus.CREDITED, PaymentStatus.DELIVERED]
    ).order_by("at").values("at")[:1]
    return (scope.payments().filter(status__in=PAID).exclude(nik="")
            .annotate(is_dead=Exists(died), detail=Subquery(died.values("death_date")[:1]),
                      paid_at=Coalesce(Subquery(first_paid), F("status_at")))
            .filter(is_dead=True)
            .filter(Q(detail__isnull=True) | Q(paid_at__isnull=True)
                    | Q(detail__lt=TruncDate("paid_at"))))


def duplicate(scope: Scope) -> QuerySet[Payment]:
    """Paid payments of a person paid twice in the same program, period and stage; `detail`
    says how the duplicate is known: 'nik', 'pair' or 'deactivated'."""
    same_cycle = {"program_id": OuterRef("program_id"), "period": OuterRef("period"),
                  "stage": OuterRef("stage"), "status__in": PAID}
    same_nik = Payment.objects.filter(nik=OuterRef("nik"), **same_cycle).exclude(
        household_id=OuterRef("household_id"))
    pairs = {}
    for me, other in (("member_l", "member_r"), ("member_r", "member_l")):
        # Nested in the pair's subquery: the pair is one level out, the payment two.
        other_paid = Payment.objects.filter(
            program_id=OuterRef(OuterRef("program_id")), period=OuterRef(OuterRef("period")),
            stage=OuterRef(OuterRef("stage")), status__in=PAID,
            household_id=OuterRef(f"{other}__household_id"), nik=OuterRef(f"{other}__nik"))
        pairs[f"by_{me}"] = Exists(ReviewPair.objects.filter(
            Exists(other_paid), decision=ReviewPair.Decision.SAME, **_recipient(f"{me}__")))
    flags = {
        "by_household_flag": Exists(Household.objects.filter(
            pk=OuterRef("household_id"), status=Status.INACTIVE,
            inactive_reason=InactiveReason.DUPLICATE)),
        "by_member_flag": Exists(Member.objects.filter(
            household_id=OuterRef("household_id"), nik=OuterRef("nik"), status=Status.INACTIVE,
            inactive_reason=InactiveReason.DUPLICATE)),
    }
    qs = (scope.payments().filter(status__in=PAID).exclude(nik="")
          .annotate(by_nik=Exists(same_nik), **pairs, **flags)
          .filter(Q(by_nik=True) | Q(by_member_l=True) | Q(by_member_r=True)
                  | Q(by_household_flag=True) | Q(by_member_flag=True)))
    return qs


def duplicate_detail(payment: Payment) -> str:
    if payment.by_nik:
        return "nik"
    return "pair" if payment.by_member_l or payment.by_member_r else "deactivated"


def excluded_kinds(program: Program) -> list[str]:
    """The list kinds the program's current rules exclude on (an exclude clause reading
    on_list(kind))."""
    rule_set = current_rule_set(program)
    if rule_set is None:
        return []
    spec = spec_of(program, rule_set.definition)
    kinds = {col[5:] for c in spec.clauses if c.kind == EXCLUDE for col in c.rule.columns
             if col.startswith("list_")}
    return sorted(k for k in kinds if k in ListKind.values)


def excluded(scope: Scope) -> QuerySet[Payment]:
    """Paid payments where the recipient (person programs) or a household member (household
    programs) is on a list in force that the program's rules exclude; `detail` is the list
    kind."""
    kinds = excluded_kinds(scope.program)
    in_force = [rl.pk for kind, rl in lists_in_force().items() if kind in kinds]
    if not in_force:
        return scope.payments().none()
    if scope.program.unit == "person":
        on_list = Q(nik=OuterRef("nik"))
    else:  # a subquery inside the list subquery: the payment is two levels out
        on_list = Q(nik__in=Member.objects.filter(
            household_id=OuterRef(OuterRef("household_id")), status=Status.ACTIVE
        ).exclude(nik="").values("nik"))
    entries = ListEntry.objects.filter(on_list, reference_list_id__in=in_force).order_by(
        "reference_list__kind")
    return (scope.payments().filter(status__in=PAID)
            .annotate(detail=Subquery(entries.values("reference_list__kind")[:1]))
            .filter(detail__isnull=False))


QUERIES = {"card_not_distributed": card_not_distributed, "not_transacted": not_transacted,
           "returned": returned, "deceased": deceased, "duplicate": duplicate,
           "excluded": excluded}


# --- check 7: the current rules over the latest snapshot, in DuckDB ---------------------------


@dataclass
class Redecided:
    """The paid units the current rules decide against: {payment id: clause id}, the words of
    each clause, and the snapshot read (None: no snapshot or no published rules)."""

    reasons: dict[int, str]
    words: dict[str, str]
    snapshot: str | None


def _paid_table(scope: Scope) -> pa.Table:
    rows = list(scope.payments().filter(status__in=PAID).values_list(
        "id", "household_id", "member_id").iterator(chunk_size=20_000))
    ids, households, members = (list(c) for c in zip(*rows, strict=True)) if rows else ([], [], [])
    return pa.table({"payment_id": pa.array(ids, pa.int64()),
                     "household_id": pa.array(households, pa.int64()),
                     "member_id": pa.array(members, pa.int64())})


KEEP_VIEWS = 4  # built targeting views kept under VAR_DIR/tmp/findings; older ones go


def _alive_on(con, member_match: Path, as_of: date) -> None:
    """Members Dukcapil reports dead who died on or after `as_of` were alive then: the rules
    re-decided for that day count them alive (the input relation carries no death date)."""
    alive = list(MemberMatch.objects.filter(deceased=True, death_date__gte=as_of)
                 .values_list("member_id", flat=True).iterator(chunk_size=20_000))
    con.register("alive_then", pa.table({"member_id": pa.array(alive, pa.int64())}))
    con.execute("CREATE OR REPLACE VIEW member_match AS SELECT m.member_id, m.status, "
                "m.deceased AND a.member_id IS NULL AS deceased "
                f"FROM read_parquet({literal(member_match)}) m "
                "LEFT JOIN alive_then a ON a.member_id = m.member_id")


def _targeting_view(snapshot, unit: str, as_of: date) -> Path:
    """A DuckDB file with the targeting view of `snapshot` on `as_of` (programs.batch), built
    once per snapshot and state of the other inputs (programs.preview's fingerprint), so the
    overview, the list and the XLSX of one selection re-decide without re-exporting."""
    import hashlib
    import os
    import shutil
    import tempfile

    import duckdb
    from django.conf import settings

    from linkage import snapshots
    from programs import batch
    from programs.inputs import export_inputs, register_inputs
    from programs.preview import inputs_fingerprint
    from programs.services import rule_context

    deaths = MemberMatch.objects.filter(deceased=True).aggregate(n=Count("pk"),
                                                                 last=Max("death_date"))
    key = hashlib.sha256(f"{snapshot.checksum}|{inputs_fingerprint()}|{unit}|{as_of}|"
                         f"{deaths}".encode()).hexdigest()[:24]
    folder = Path(settings.VAR_DIR) / "tmp" / "findings"
    path = folder / f"{key}.duckdb"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=folder, prefix="build-"))
    try:
        con = duckdb.connect(str(work / "view.duckdb"))
        try:
            snapshots.connect(snapshot, con)
            inputs = export_inputs(work / "inputs", as_of.year, on=as_of)
            register_inputs(con, inputs)
            _alive_on(con, inputs["member_match"], as_of)
            codes = sorted(rule_context(unit).program_codes)
            batch.build_views(con, as_of, list(ListKind.values), codes, unit == "person")
            for name in ("households", "families", "members", "member_match", "household_score",
                         "list_entries", "minimum_wages", "current_enrollment"):
                con.execute(f"DROP VIEW IF EXISTS {name}")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(work / "view.duckdb", path)  # atomic: a reader never sees half a file
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for old in sorted(folder.glob("*.duckdb"), key=lambda p: p.stat().st_mtime,
                      reverse=True)[KEEP_VIEWS:]:
        old.unlink(missing_ok=True)
    return path


def outside_rules(scope: Scope, lang: str = "id") -> Redecided:
    """Re-decide the paid KPM by the program's current rules on the period's first day (the
    bulk path of programs.batch over the newest snapshot with today's lists and Dukcapil
    matches, deaths after that day not counted)."""
    import duckdb

    from linkage.models import Snapshot
    from programs import batch, wording

    program = scope.program
    rule_set = current_rule_set(program)
    snapshot = Snapshot.objects.order_by("-taken_at", "-id").first()
    if rule_set is None or snapshot is None:
        return Redecided({}, {}, None)
    spec = spec_of(program, rule_set.definition)
    person = spec.unit == "person"
    path = _targeting_view(snapshot, spec.unit, scope.as_of())
    view = "member_view" if person else "household_view"
    join = "d.member_id = p.member_id" if person else "d.household_id = p.household_id"
    con = duckdb.connect(str(path), read_only=True)
    try:
        con.register("paid", _paid_table(scope))
        decided = batch.decision_sql(spec, view, batch.key_of(spec.unit))
        rows = con.execute(
            f"SELECT p.payment_id, d.reason FROM paid p JOIN ({decided}) d ON {join} "
            f"WHERE d.decision = '{NOT_ELIGIBLE}'").fetchall()
    finally:
        con.close()
    words = {c.id: wording.clause_sentence(
        c.kind, "against", c.reason.get(lang) or c.reason.get("id") or c.id, lang)
        for c in spec.clauses}
    return Redecided(dict(rows), words, snapshot.name)


# --- figures per region -----------------------------------------------------------------------


@dataclass
class Figure:
    payments: int = 0
    kpm: int = 0
    rupiah: int = 0


def child_length(region: str) -> int:
    return CHILD_LENGTH[len(region)]


def _by_region(qs: QuerySet[Payment], length: int) -> dict[str, Figure]:
    rows = (qs.annotate(area=Substr("village_code", 1, length)).values("area")
            .annotate(n=Count("id"), kpm=Count("household_id", distinct=True),
                      rupiah=Sum("amount")).order_by())
    return {r["area"]: Figure(r["n"], r["kpm"], r["rupiah"] or 0) for r in rows}


def _total(qs: QuerySet[Payment]) -> Figure:
    r = qs.aggregate(n=Count("id"), kpm=Count("household_id", distinct=True),
                     rupiah=Sum("amount"))
    return Figure(r["n"], r["kpm"], r["rupiah"] or 0)


@dataclass
class Findings:
    scope: Scope
    totals: dict[str, Figure]  # check code -> the region's figure
    children: dict[str, dict[str, Figure]]  # child code -> check code -> figure
    card_reasons: dict[str, Figure]  # not-distributed reason -> figure
    paid: Figure  # all paid payments in the scope, for the share of each finding
    snapshot: str | None  # the snapshot check 7 read (None: not computed)
    words: dict[str, str]  # clause id -> words, of check 7


def findings(scope: Scope, lang: str = "id") -> Findings:
    """Every check's count, KPM and rupiah for the region and each of its children."""
    length = child_length(scope.region)
    totals, children = {}, {}
    for code, query in QUERIES.items():
        qs = query(scope)
        totals[code] = _total(qs)
        for area, figure in _by_region(qs, length).items():
            children.setdefault(area, {})[code] = figure
    redecided = outside_rules(scope, lang)
    outside = Payment.objects.filter(pk__in=list(redecided.reasons))
    totals["outside_rules"] = _total(outside)
    for area, figure in _by_region(outside, length).items():
        children.setdefault(area, {})["outside_rules"] = figure
    reasons = (card_not_distributed(scope).values("detail").annotate(
        n=Count("id"), kpm=Count("household_id", distinct=True), rupiah=Sum("amount"))
        .order_by("detail"))
    card_reasons = {r["detail"]: Figure(r["n"], r["kpm"], r["rupiah"] or 0) for r in reasons}
    return Findings(scope, totals, children, card_reasons,
                    _total(scope.payments().filter(status__in=PAID)), redecided.snapshot,
                    redecided.words)


# --- the KPM behind a finding ----------------------------------------------------------------


@dataclass
class Row:
    payment: Payment
    detail: str  # why the payment is a finding, in words


CARD_REASONS = dict(NotDistributed.choices)
DUPLICATE_WORDS = {"nik": _("Same NIK paid in another household"),
                   "pair": _("Same person (clerical review) paid in another household"),
                   "deactivated": _("Record deactivated as a duplicate")}


def rows_of(check: str, scope: Scope, lang: str = "id") -> tuple[QuerySet[Payment], dict]:
    """The payments behind a check (ordered by region and name) and what explains each:
    {"words": clause words} for outside_rules with the reasons by payment id."""
    if check == "outside_rules":
        redecided = outside_rules(scope, lang)
        qs = Payment.objects.filter(pk__in=list(redecided.reasons))
        extra = {"reasons": redecided.reasons, "words": redecided.words,
                 "snapshot": redecided.snapshot}
    else:
        qs, extra = QUERIES[check](scope), {}
    return qs.select_related("cycle").order_by("village_code", "recipient_name", "id"), extra


def detail_of(check: str, payment: Payment, extra: dict) -> str:
    """A finding's reason in words for one listed payment."""
    if check == "card_not_distributed":
        return str(CARD_REASONS.get(payment.detail, payment.detail))
    if check == "deceased":
        return (_("Died on %(date)s") % {"date": payment.detail.isoformat()} if payment.detail
                else str(_("Died (date unknown)")))
    if check == "duplicate":
        return str(DUPLICATE_WORDS[duplicate_detail(payment)])
    if check == "excluded":
        return str(dict(ListKind.choices).get(payment.detail, payment.detail))
    if check == "outside_rules":
        clause = extra["reasons"].get(payment.pk)
        return extra["words"].get(clause, clause or "")
    return payment.get_status_display()
