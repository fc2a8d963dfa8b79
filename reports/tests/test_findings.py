"""The audit board's checks over a small built population (FACTS "Distribution": "Undistributed
funds must return to the state treasury. Reasons a KKS is not distributed: mampu, refuses,
died, moved, under age, not found. Audit findings: Rp208.52 billion sat with 365,023
non-transacting KPM (BPK, 2023)").

One Sembako cycle (2021-03, Rp200,000 per KPM) pays households in Bogor (32.01) and
Gunungkidul (34.03); each household is built to be exactly one kind of finding, and one is a
living, unique, eligible, transacting KPM with its card in hand that no check finds."""

from dataclasses import dataclass
from datetime import date, datetime

import pytest
from django.utils import timezone

from civil.models import MemberMatch
from linkage import snapshots
from linkage.models import ReviewPair
from payments.models import (
    Card,
    KpmAccount,
    NotDistributed,
    Payment,
    PaymentChannel,
    PaymentCycle,
    PaymentEvent,
    TreasuryReturn,
)
from programs.models import Enrollment, ListKind, Program
from programs.tests.kpm_data import family, on_list, other_kabupaten_village
from registry.models import Household, InactiveReason, Member, Status
from reports import findings
from reports.findings import Scope

BOGOR = "32.01.01.1001"
PERIOD, AMOUNT = "2021-03", 200_000
PAID_ON = timezone.make_aware(datetime(2021, 3, 5, 10, 0))


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


@dataclass
class Population:
    program: Program
    cycle: PaymentCycle
    payments: dict[str, Payment]  # by the finding each household was built to be
    gunungkidul: str

    def ids(self, *names: str) -> set[int]:
        return {self.payments[n].pk for n in names}


def _cycle(actor, approver, households: list) -> tuple[PaymentCycle, dict]:
    from payments.tests.builders import Builder

    run = Builder(actor).frozen_run("sembako", PERIOD, households, amount=AMOUNT)
    cycle = PaymentCycle.objects.create(
        program=run.program, run=run, period=PERIOD, stage=1, year=2021, month=3,
        status="closed", prepared_by=actor, approved_by=approver, approved_at=PAID_ON)
    return cycle, {e.household_id: e for e in Enrollment.objects.filter(run=run)}


def _pay(cycle, enrollment, status: str, nik: str | None = None, returned_to=None) -> Payment:
    household = enrollment.household
    head = household.members.get(relation_to_household_head=1)
    payment = Payment.objects.create(
        cycle=cycle, program=cycle.program, period=cycle.period, stage=1, household=household,
        enrollment=enrollment, village_code=household.village_id, recipient_name=head.name,
        nik=nik if nik is not None else head.nik, amount=AMOUNT, status=status,
        status_at=PAID_ON, treasury_return=returned_to)
    PaymentEvent.objects.create(payment=payment, from_status="sent", to_status="credited",
                                at=PAID_ON, source="file")
    return payment


def _card(household, status: str, reason: str = "", serial: int = 0) -> Card:
    channel, _ = PaymentChannel.objects.get_or_create(code="bri", defaults={
        "name": "BRI", "kind": "bank"})
    account = KpmAccount.objects.create(household=household, channel=channel,
                                        village_code=household.village_id, status="open",
                                        account_number=f"0001{household.pk:08d}")
    return Card.objects.create(account=account, card_number=f"5221{household.pk:012d}",
                               status=status, reason=reason)


def build_population(make_user) -> Population:
    """One household per finding; `good` is none (transacting, card in hand, alive, unique,
    eligible); `died_later` died after the payment, so it is no finding either."""
    actor = make_user("administrator", username="pop-admin")
    approver = make_user("keuangan", username="pop-keuangan")
    gunungkidul = other_kabupaten_village()
    built = {name: family(actor, village, serial, f"Kepala {name}", desil=desil)
             for name, village, serial, desil in [
                 ("good", BOGOR, 100, 2), ("card", BOGOR, 110, 2),
                 ("not_transacted", BOGOR, 120, 2), ("returned", BOGOR, 130, 2),
                 ("deceased", BOGOR, 140, 2), ("died_later", BOGOR, 150, 2),
                 ("dup_a", BOGOR, 160, 2), ("dup_b", gunungkidul, 170, 2),
                 ("pair_a", BOGOR, 180, 2), ("pair_b", gunungkidul, 190, 2),
                 ("asn", gunungkidul, 200, 2), ("rich", gunungkidul, 210, 8)]}
    cycle, enrolled = _cycle(actor, approver, [f.household for f in built.values()])
    treasury = TreasuryReturn.objects.create(cycle=cycle, amount=AMOUNT, payments_count=1,
                                             date=date(2021, 5, 1), reference="NTPN-TEST-1")

    def pay(name: str, status: str = "transacted", **extra) -> Payment:
        return _pay(cycle, enrolled[built[name].household.pk], status, **extra)

    payments = {name: pay(name) for name in
                ("good", "card", "deceased", "died_later", "dup_a", "pair_a", "pair_b", "asn",
                 "rich")}
    payments["not_transacted"] = pay("not_transacted", "not_transacted")
    payments["returned"] = pay("returned", "returned", returned_to=treasury)
    # dup_b's payment carries dup_a's head's NIK: the same person paid in two households.
    payments["dup_b"] = pay("dup_b", nik=built["dup_a"].niks[0])
    _card(built["good"].household, "distributed")
    _card(built["card"].household, "not_distributed", "menolak")
    for name, died in (("deceased", date(2021, 2, 14)), ("died_later", date(2021, 4, 2))):
        MemberMatch.objects.filter(member__nik=built[name].niks[0]).update(
            deceased=True, death_date=died)
    left, right = sorted(Member.objects.filter(nik__in=[built["pair_a"].niks[0],
                                                        built["pair_b"].niks[0]]),
                         key=lambda m: m.pk)
    ReviewPair.objects.create(member_l=left, member_r=right, match_probability=0.97,
                              match_weight=12.0, region_l=left.village_id,
                              region_r=right.village_id, decision="same",
                              decided_at=PAID_ON)
    on_list(ListKind.ASN, built["asn"].niks[1])  # the spouse is a civil servant
    return Population(cycle.program, cycle, payments, gunungkidul)


@pytest.fixture
def population(db, make_user):
    return build_population(make_user)


def found(check: str, scope: Scope) -> set[int]:
    return set(findings.QUERIES[check](scope).values_list("pk", flat=True))


def test_a_card_never_handed_out_is_found_with_its_reason(population):
    """FACTS: "Reasons a KKS is not distributed: mampu, refuses, died, moved, under age, not
    found." """
    scope = Scope(population.program, 2021)
    assert found("card_not_distributed", scope) == population.ids("card")
    payment = findings.card_not_distributed(scope).get()
    words = findings.detail_of("card_not_distributed", payment, {})
    assert words == str(NotDistributed.MENOLAK.label)


def test_a_card_handed_out_after_one_that_was_not_is_no_finding(population):
    """Only the card in use counts: a new card handed out replaces the one that was not."""
    household = population.payments["card"].household
    account = KpmAccount.objects.get(household=household)
    old = account.cards.get()
    Card.objects.create(account=account, card_number=f"5222{household.pk:012d}",
                        status="distributed", replaces=old)
    assert found("card_not_distributed", Scope(population.program, 2021)) == set()


def test_non_transacting_and_returned_payments_are_counted_with_their_rupiah(population):
    """FACTS: "Rp208.52 billion sat with 365,023 non-transacting KPM"; "Undistributed funds
    must return to the state treasury"."""
    result = findings.findings(Scope(population.program, 2021))
    assert found("not_transacted", result.scope) == population.ids("not_transacted")
    assert found("returned", result.scope) == population.ids("returned")
    assert result.totals["not_transacted"] == findings.Figure(1, 1, AMOUNT)
    assert result.totals["returned"] == findings.Figure(1, 1, AMOUNT)
    assert result.paid.payments == 11  # every payment but the returned one stayed paid


def test_a_payment_after_the_recipients_death_is_found_not_one_before(population):
    """FACTS "Distribution": a KKS is not handed out when the KPM "died"; Dukcapil's death
    date is compared with the day the payment was credited (2021-03-05): a death on
    2021-02-14 is a finding, 2021-04-02 not."""
    scope = Scope(population.program, 2021)
    assert found("deceased", scope) == population.ids("deceased")
    payment = findings.deceased(scope).get()
    assert payment.detail == date(2021, 2, 14)
    assert "2021-02-14" in findings.detail_of("deceased", payment, {})


def test_the_same_person_paid_twice_is_found_by_nik_and_by_clerical_review(population):
    """Seed 003: "Data yang dihapus tersebut merupakan data ganda, data penerima tidak memiliki
    NIK, data warga pindah domisili": the same person in two households is paid once only."""
    scope = Scope(population.program, 2021)
    assert found("duplicate", scope) == population.ids("dup_a", "dup_b", "pair_a", "pair_b")
    words = {p.pk: findings.duplicate_detail(p) for p in findings.duplicate(scope)}
    assert words[population.payments["dup_b"].pk] == "nik"
    assert words[population.payments["pair_a"].pk] == "pair"


def test_a_household_deactivated_as_a_duplicate_and_still_paid_is_found(population):
    rich = population.payments["rich"]
    Household.objects.filter(pk=rich.household_id).update(
        status=Status.INACTIVE, inactive_reason=InactiveReason.DUPLICATE)
    scope = Scope(population.program, 2021)
    assert rich.pk in found("duplicate", scope)
    payment = findings.duplicate(scope).get(pk=rich.pk)
    assert findings.duplicate_detail(payment) == "deactivated"


def test_a_household_with_a_member_on_an_exclusion_list_still_paid_is_found(population):
    """Seed 000 exclusion 1 (sembako rule 'asn': exclude on_list('asn')): households with a
    civil servant are not KPM."""
    scope = Scope(population.program, 2021)
    assert "asn" in findings.excluded_kinds(population.program)
    assert found("excluded", scope) == population.ids("asn")
    payment = findings.excluded(scope).get()
    assert payment.detail == "asn"
    assert findings.detail_of("excluded", payment, {}) == str(ListKind.ASN.label)


def test_paid_kpm_outside_the_current_rules_are_found_with_the_clause_that_says_why(population):
    """Sembako rule 'desil': require desil <= 5; a desil-8 household paid is outside the
    rules, and the explanation's words say which clause decides against it. Rule 'kepala'
    (a living, active head receives the aid) is decided on the period's first day: a head who
    died before it is outside the rules, one who died after it is not."""
    snapshots.take_snapshot(progress=False)
    redecided = findings.outside_rules(Scope(population.program, 2021, PERIOD))
    assert set(redecided.reasons) == population.ids("rich", "asn", "deceased")
    assert redecided.reasons[population.payments["rich"].pk] == "desil"
    assert redecided.reasons[population.payments["asn"].pk] == "asn"
    assert redecided.reasons[population.payments["deceased"].pk] == "kepala"
    assert "desil" in redecided.words["desil"].lower()


def test_a_death_reported_later_is_read_at_the_next_re_decision(population):
    """The targeting view is kept between pages; a new Dukcapil report (the head who was
    thought to die in April died in February) makes the next re-decision read it."""
    snapshots.take_snapshot(progress=False)
    scope = Scope(population.program, 2021, PERIOD)
    died_later = population.payments["died_later"]
    assert died_later.pk not in findings.outside_rules(scope).reasons
    MemberMatch.objects.filter(member__nik=died_later.nik).update(death_date=date(2021, 2, 1))
    assert findings.outside_rules(scope).reasons[died_later.pk] == "kepala"


def test_the_good_kpm_is_no_finding_of_any_check(population):
    snapshots.take_snapshot(progress=False)
    scope = Scope(population.program, 2021, PERIOD)
    good = population.payments["good"].pk
    for check in findings.QUERIES:
        assert good not in found(check, scope), check
    assert good not in findings.outside_rules(scope).reasons
    assert population.payments["died_later"].pk not in found("deceased", scope)


def test_figures_roll_up_per_region_and_stay_inside_the_region(population):
    """Per region: the nation splits into provinces, a kabupaten into its kecamatan; a region
    sees only its own payments."""
    national = findings.findings(Scope(population.program, 2021))
    assert national.totals["duplicate"].payments == 4
    assert national.children["32"]["duplicate"].payments == 2
    assert national.children["34"]["duplicate"].payments == 2
    assert national.totals["outside_rules"].payments == 0  # no snapshot: not computed
    assert national.snapshot is None
    bogor = findings.findings(Scope(population.program, 2021, region="32.01"))
    assert set(bogor.children) == {"32.01.01"}
    assert bogor.totals["duplicate"] == findings.Figure(2, 2, 2 * AMOUNT)
    assert bogor.totals["excluded"].payments == 0
    assert bogor.card_reasons == {"menolak": findings.Figure(1, 1, AMOUNT)}
    other = findings.findings(Scope(population.program, 2021, region="34.03"))
    assert other.totals["excluded"].payments == 1
    assert other.totals["not_transacted"].payments == 0
