"""Enrollment runs over the real database path: snapshot, exported inputs, the KPM list with
new / continuing / exited against the frozen list, freezing, and what-if runs."""

import pytest

from audit.models import Event
from audit.services import Context
from conftest import VILLAGE_A
from programs import services
from programs.models import EligibilityRun, Enrollment, ListEntry, Program, ReferenceList
from programs.tests.conftest import NIKS
from ranking.models import HouseholdScore


@pytest.fixture
def registry(assessed_households):
    """Three households of Cibinong, heads padan, desil 1-3 (poorest first)."""
    households = assessed_households([VILLAGE_A] * 3)
    services.install_shipped()
    return households


def ctx():
    return Context(reason="test")


def run(code: str, period: str, **kw) -> EligibilityRun:
    program = Program.objects.get(code=code)
    return services.run_eligibility(services.RunRequest(program, period, **kw), ctx())


def on_list(kind: str, nik: str) -> None:
    listing = ReferenceList.objects.create(kind=kind, source_name=f"{kind}.csv",
                                           checksum=f"{kind}-{nik}", rows=1)
    ListEntry.objects.create(reference_list=listing, nik=nik)


@pytest.mark.django_db
def test_enrollment_run_lists_the_eligible_as_kpm_and_names_the_excluded(registry):
    on_list("asn", NIKS[2])
    result = run("sembako", "2021-03")
    enrolled = result.enrollments.filter(status="enrolled")
    assert sorted(enrolled.values_list("household_id", flat=True)) == [
        registry[0].pk, registry[1].pk]
    assert set(enrolled.values_list("amount", flat=True)) == {200_000}
    assert result.counts["reasons"] == {"asn": 1}
    assert result.counts["cost_per_period"] == 400_000
    assert result.counts["changes"] == {"new": 2, "continuing": 0, "exited": 0, "rows": 2}
    assert Event.objects.filter(action="programs.run.enrollment",
                                source_ref=f"eligibility:{result.pk}").exists()


@pytest.mark.django_db
def test_next_period_marks_continuing_and_exits_with_the_reason(registry):
    first = services.freeze(run("sembako", "2021-03"), ctx())
    assert first.state == "frozen"
    HouseholdScore.objects.filter(household=registry[1]).delete()  # no desil any more
    on_list("tni_polri", NIKS[2])
    second = run("sembako", "2021-04")
    rows = {e.household_id: e for e in second.enrollments.all()}
    assert rows[registry[0].pk].change == "continuing"
    assert rows[registry[1].pk].status == "exited"
    assert rows[registry[1].pk].reason == "not_assessed"  # never silently eligible
    assert rows[registry[2].pk].status == "exited" and rows[registry[2].pk].reason == "tni_polri"
    assert second.counts["changes"]["exited"] == 2


@pytest.mark.django_db
def test_quota_ranks_the_poorest_first_and_puts_the_rest_on_the_waiting_list(registry):
    program = Program.objects.get(code="sembako")
    services.set_quota(program, "", 2, ctx())
    result = run("sembako", "2021-03")
    rows = {e.household_id: e for e in result.enrollments.all()}
    assert [rows[h.pk].status for h in registry] == ["enrolled", "enrolled", "waiting"]
    assert [rows[h.pk].rank for h in registry] == [1, 2, 3]
    assert rows[registry[2].pk].amount == 200_000  # what they would get; not paid while waiting


@pytest.mark.django_db
def test_a_period_has_one_frozen_list_and_a_what_if_enrolls_nobody(registry):
    services.freeze(run("sembako", "2021-03"), ctx())
    again = run("sembako", "2021-03")
    with pytest.raises(services.ProgramError) as refused:
        services.freeze(again, ctx())
    assert "sudah dibekukan" in refused.value.message("id")
    program = Program.objects.get(code="sembako")
    doubled = services.current_rule_set(program).definition | {
        "benefit": {"per_period": 400_000}}
    before = Enrollment.objects.count()
    what_if = run("sembako", "2021-04", kind="what_if", definition=doubled)
    assert what_if.counts["cost_per_period"] == 1_200_000
    assert Enrollment.objects.count() == before
    with pytest.raises(services.ProgramError):
        services.freeze(what_if, ctx())


@pytest.mark.django_db
def test_bst_reads_the_frozen_pkh_and_sembako_lists(registry):
    """Seed 003, syarat 3: BST only for those not registered in PKH or Sembako/BPNT."""
    services.freeze(run("sembako", "2021-03"), ctx())
    bst = run("bst", "2021-03")
    assert bst.counts["decisions"] == {"not_eligible": 3}
    assert bst.counts["reasons"] == {"bukan_sembako": 3}


@pytest.mark.django_db
def test_period_must_match_the_program_frequency(registry):
    pkh = Program.objects.get(code="pkh")
    assert services.period_start(pkh, "2021-T2").isoformat() == "2021-04-01"
    with pytest.raises(services.ProgramError) as refused:
        services.period_start(pkh, "2021-04")
    assert "2021-T2" in refused.value.message("en")


@pytest.mark.django_db
def test_a_list_that_overspends_the_budget_ceiling_cannot_be_frozen(registry):
    program = Program.objects.get(code="sembako")
    program.budget_ceiling = 3 * 200_000 * 12 - 1  # one rupiah short of three KPM for a year
    program.save()
    result = run("sembako", "2021-03")
    with pytest.raises(services.ProgramError) as refused:
        services.freeze(result, ctx())
    assert "pagu" in refused.value.message("id")
    program.budget_ceiling += 1
    program.save()
    assert services.freeze(result, ctx()).state == "frozen"


@pytest.mark.django_db
def test_a_run_cannot_be_frozen_after_a_list_it_excludes_by_changed(registry):
    """BST read no frozen Sembako list; once Sembako freezes, that BST run is stale."""
    bst = run("bst", "2021-03")
    assert bst.counts["lists_read"] == {"pkh": None, "sembako": None}
    services.freeze(run("sembako", "2021-03"), ctx())
    with pytest.raises(services.ProgramError) as refused:
        services.freeze(bst, ctx())
    assert "sembako" in refused.value.message("en")
    assert services.freeze(run("bst", "2021-03"), ctx()).state == "frozen"


@pytest.mark.django_db
def test_an_exit_decided_outside_the_rules_ends_the_enrollment_and_frees_the_quota(
        registry, monkeypatch):
    """Issue 15: a PKH graduation "ends the family's enrollment with the reason and date"
    (programs/exits.py): the family leaves the next list with that reason and the next
    family in the quota takes its place."""
    from programs import exits, wording

    quota = {VILLAGE_A[:5]: 1}
    first = services.freeze(run("sembako", "2021-03", quotas=quota), ctx())
    assert list(first.enrollments.filter(status="enrolled").values_list(
        "household_id", flat=True)) == [registry[0].pk]
    monkeypatch.setitem(exits._SOURCES, "sembako", [lambda on: {registry[0].pk: "left_test"}])
    monkeypatch.setitem(exits._WORDS, "left_test", ("Keluar (uji)", "Left (test)"))
    second = run("sembako", "2021-04", quotas=quota)
    rows = {e.household_id: e for e in second.enrollments.all()}
    assert (rows[registry[0].pk].status, rows[registry[0].pk].change,
            rows[registry[0].pk].reason) == ("exited", "exited", "left_test")
    assert (rows[registry[1].pk].status, rows[registry[1].pk].change) == ("enrolled", "new")
    assert wording.reason_text({}, "left_test") == "Keluar (uji)"
    assert second.counts["reasons"]["left_test"] == 1
