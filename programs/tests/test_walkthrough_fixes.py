"""Defects a new user met walking the program pages (issue 19, item 8): the page of a list frozen
from the command line, the overlap report's "not computed", the UMK exclusion explained with
both amounts, household explanations on the date of the list's period, and in_program for an
old period reading the KPM lists in force then, on the bulk and the single path alike."""

from datetime import date

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.services import Context
from programs import services
from programs.explain import explain_household
from programs.inputs import current_run_ids
from programs.models import (
    EligibilityRun,
    Enrollment,
    ListEntry,
    ListKind,
    MinimumWage,
    Program,
    ReferenceList,
)

from .kpm_data import small_registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(make_user):
    built = small_registry(make_user(Role.ADMINISTRATOR))
    services.install_shipped()
    return built


def program(code: str) -> Program:
    return Program.objects.get(code=code)


def run(code: str, period: str, ctx: Context | None = None) -> EligibilityRun:
    return services.run_eligibility(services.RunRequest(program(code), period),
                                    ctx or Context(reason="test"))


def frozen_list(code: str, period: str, households) -> EligibilityRun:
    """A frozen KPM list of `code` for `period` enrolling `households` (frozen now)."""
    found = program(code)
    listed = EligibilityRun.objects.create(
        program=found, rule_set=services.current_rule_set(found), kind="enrollment",
        state="frozen", period=period, snapshot="t", snapshot_checksum="t",
        frozen_at=timezone.now(), counts={"statuses": {"enrolled": len(households)}})
    Enrollment.objects.bulk_create(
        Enrollment(run=listed, household=h, village_code=h.village_id, status="enrolled",
                   change="new", amount=1) for h in households)
    return listed


def unit_of(items, code: str):
    item = next(i for i in items if i.program.code == code)
    return item, item.units[0]


# --- 1. a list frozen from the command line -----------------------------------------------------


def test_the_page_of_a_list_frozen_from_the_command_line_opens_and_says_so(
        client, make_user, registry):
    """`kesos programs run sembako 2021-03 --freeze` freezes with nobody logged in."""
    call_command("programs", "run", "sembako", "2021-03", "--freeze")
    frozen = EligibilityRun.objects.get(program__code="sembako", period="2021-03")
    assert frozen.state == "frozen" and frozen.frozen_by is None
    client.force_login(make_user(Role.PROGRAM_MANAGER))
    page = client.get(reverse("programs:run_detail", args=("sembako", frozen.pk)))
    assert page.status_code == 200
    note = page.content.decode().split('id="frozen-note">')[1].split("</div>")[0]
    assert "dari baris perintah" in note and "oleh" not in note


def test_a_list_frozen_on_the_page_names_who_froze_it(client, make_user, registry):
    manager = make_user(Role.PROGRAM_MANAGER, first_name="Rina", last_name="Wulandari")
    services.freeze(run("sembako", "2021-03"), Context(actor=manager))
    client.force_login(manager)
    frozen = EligibilityRun.objects.get(program__code="sembako")
    html = client.get(reverse("programs:run_detail", args=("sembako", frozen.pk))).content
    assert "oleh Rina Wulandari" in html.decode()


# --- 5. the overlap report: not computed is not zero ----------------------------------------------


def section(html: str, pair: str) -> str:
    return html.split(f'id="overlap-{pair}"')[1].split('class="card border-0')[0]


def test_overlap_without_a_frozen_list_reads_not_computed_not_zero(client, make_user, registry):
    client.force_login(make_user(Role.PUSAT))
    html = client.get(reverse("programs:overlap")).content.decode()
    bst_pkh = section(html, "bst-pkh")
    assert 'data-total="not-computed"' in bst_pkh and 'data-total="0"' not in bst_pkh
    assert "belum dihitung" in bst_pkh
    assert "Bantuan Sosial Tunai (BST)" in bst_pkh and "belum memiliki daftar KPM" in bst_pkh

    frozen_list("pkh", "2021-T1", [registry.asn.household])
    frozen_list("bst", "2021-03", [registry.eligible.household])
    html = client.get(reverse("programs:overlap")).content.decode()
    assert 'data-total="0"' in section(html, "bst-pkh")  # both lists, no household on both
    assert "belum dihitung" not in section(html, "bst-pkh")


# --- 6. the UMK exclusion names the wage and the UMK -------------------------------------------


def test_the_umk_exclusion_shows_the_wage_and_the_umk_in_rupiah(client, make_user, registry):
    """Seed 000, larangan 8: "Memiliki penghasilan di atas upah minimum kabupaten/kota"."""
    wages = ReferenceList.objects.create(kind=ListKind.PENGHASILAN, source_name="upah.csv",
                                         checksum="upah", rows=1)
    ListEntry.objects.create(reference_list=wages, nik=registry.eligible.niks[1], name="x",
                             monthly_income=5_000_000)
    MinimumWage.objects.create(year=timezone.localdate().year, regency_id="32.01",
                               amount=4_217_206)
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "32.01"))
    url = reverse("programs:household_programs", args=(registry.eligible.household.pk,))
    page = client.get(url)
    sembako = next(p for p in page.context["programs"] if p["program"].code == "sembako")
    umk = next(c for c in sembako["units"][0]["clauses"] if c["id"] == "umk")
    assert umk["outcome"] == "against"
    assert "Rp5.000.000" in umk["sentence"] and "Rp4.217.206" in umk["sentence"]
    assert umk["values"] == {"income_above_umk": True, "max_income": 5_000_000,
                             "umk": 4_217_206}
    assert "Rp5.000.000" in page.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).context["programs"]
    umk = next(c for c in next(p for p in english if p["program"].code == "sembako"
                               )["units"][0]["clauses"] if c["id"] == "umk")
    assert umk["sentence"] == (
        "✗ Excluded: A member earns more than the UMK (A member earns more than the UMK: yes; "
        "Highest monthly income of a member on the wage list (Rp): Rp5,000,000; "
        "Regency/city minimum wage (Rp): Rp4,217,206)")


# --- 7. household pages decide on the date of the list's period ----------------------------------


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def test_the_household_page_decides_on_the_first_day_of_the_lists_period(
        client, make_user, registry):
    """A clause on the head's age: the frozen list of 2021-03 counted the age on 1 March 2021;
    the page must decide on that day too, not today (when the head is older)."""
    manager = make_user(Role.PROGRAM_MANAGER)
    head_born = registry.eligible.household.members.get(relation_to_household_head=1).birth_date
    today_age = age_on(head_born, timezone.localdate())
    sembako = program("sembako")
    definition = services.current_rule_set(sembako).definition
    clause = {"id": "umur", "kind": "require", "expr": f"head_age < {today_age}",
              "reason": {"id": f"Kepala di bawah {today_age} tahun",
                         "en": f"Head under {today_age}"}}
    services.publish(services.save_draft(
        sembako, {**definition, "clauses": [*definition["clauses"], clause]},
        Context(actor=manager)), Context(actor=manager))
    listed = services.freeze(run("sembako", "2021-03"), Context(actor=manager))
    assert listed.enrollments.filter(household=registry.eligible.household,
                                     status="enrolled").exists()

    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "32.01"))
    page = client.get(reverse("programs:household_programs",
                              args=(registry.eligible.household.pk,)))
    shown = next(p for p in page.context["programs"] if p["program"].code == "sembako")
    unit = shown["units"][0]
    assert shown["as_of"] == date(2021, 3, 1)
    assert unit["decision"] == "eligible" and unit["difference"] == ""
    assert "1 Mar 2021" in page.content.decode()
    # A program without a frozen list is decided today.
    pkh = next(p for p in page.context["programs"] if p["program"].code == "pkh")
    assert pkh["as_of"] == timezone.localdate()


# --- 8. in_program for an old period reads the lists in force then --------------------------------


def test_in_program_for_an_old_period_reads_the_lists_in_force_then_on_both_paths(registry):
    """Seed 003, syarat 3: BST only for those not registered in PKH or Sembako/BPNT. In March
    2021 there was no Sembako list; today's Sembako list must not exclude anyone from BST of
    March 2021."""
    household = registry.eligible.household
    today = frozen_list("sembako", "2026-11", [household])

    bst = run("bst", "2021-03")  # the bulk path
    assert bst.counts["lists_read"] == {"pkh": None, "sembako": None}
    assert bst.enrollments.get(household=household).status == "enrolled"
    assert "bukan_sembako" not in bst.counts.get("reasons", {})

    then = explain_household(household, as_of=date(2021, 3, 1))  # the single path
    _, unit = unit_of(then, "bst")
    assert unit.row["prog_sembako"] is False and unit.decision.decision == "eligible"
    now = explain_household(household, as_of=date(2026, 11, 1))
    _, unit = unit_of(now, "bst")
    assert unit.row["prog_sembako"] is True and unit.decision.reason == "bukan_sembako"

    # BST's own page decides on its list's period, and agrees with the list.
    services.freeze(bst, Context(reason="test"))
    item, unit = unit_of(explain_household(household), "bst")
    assert item.as_of == date(2021, 3, 1) and unit.decision.decision == "eligible"
    assert item.in_force_for(unit).status == "enrolled"
    assert current_run_ids(date(2021, 3, 1)) == [bst.pk]
    assert sorted(current_run_ids()) == sorted([bst.pk, today.pk])


def test_a_later_periods_list_does_not_make_an_old_run_stale(registry):
    bst = run("bst", "2021-03")
    frozen_list("sembako", "2026-11", [registry.eligible.household])
    assert services.freeze(bst, Context(reason="test")).state == "frozen"


def test_a_list_frozen_for_the_runs_own_time_makes_it_stale(client, make_user, registry):
    bst = run("bst", "2021-03")
    frozen_list("sembako", "2021-02", [registry.eligible.household])
    with pytest.raises(services.ProgramError) as refused:
        services.freeze(bst, Context(reason="test"))
    assert "sembako" in refused.value.message("en")
    client.force_login(make_user(Role.PROGRAM_MANAGER))
    page = client.get(reverse("programs:run_detail", args=("bst", bst.pk)))
    assert page.context["stale"] is True


def test_the_list_in_force_on_a_day_is_that_of_the_latest_period_begun(registry):
    """Frozen out of order: March before February. In force on a day is the list of the
    latest period begun by then; without a day, the last one frozen."""
    march = frozen_list("sembako", "2021-03", [registry.eligible.household])
    february = frozen_list("sembako", "2021-02", [registry.asn.household])
    assert current_run_ids() == [february.pk]
    assert current_run_ids(date(2021, 2, 20)) == [february.pk]
    assert current_run_ids(date(2021, 3, 1)) == [march.pk]
    assert current_run_ids(date(2021, 1, 31)) == []
