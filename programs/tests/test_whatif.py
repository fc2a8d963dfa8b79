"""What-if: change an amount, a clause or a quota and see counts and cost by region against the
KPM list in force, without enrolling anyone."""

import pytest
from django.urls import reverse

from audit.services import Context
from conftest import VILLAGE_A, VILLAGE_OTHER_DISTRICT
from programs import preview, services
from programs.models import EligibilityRun, Enrollment, Program


@pytest.fixture
def sembako_in_force(assessed_households):
    """Three eligible households (two in Cibinong, one in Gunungputri) and Sembako's frozen
    KPM list of March 2021 holding all three."""
    assessed_households([VILLAGE_A, VILLAGE_A, VILLAGE_OTHER_DISTRICT])
    services.install_shipped()
    program = Program.objects.get(code="sembako")
    run = services.run_eligibility(services.RunRequest(program, "2021-03"), Context())
    return services.freeze(run, Context())


def simulate(client, data: dict) -> EligibilityRun:
    """Start the what-if from its page, run it in the worker, and follow the job to its result."""
    from jobs.worker import run_waiting

    answer = client.post(reverse("programs:whatif", args=["sembako"]), data)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert run_waiting() == 1
    run = EligibilityRun.objects.filter(kind="what_if").latest("pk")
    job_page = client.get(answer.url).content.decode()
    assert f"?hasil={run.pk}" in job_page  # the job page links to the simulation's result
    return run


def test_a_doubled_sembako_amount_doubles_the_cost_and_enrolls_nobody(client, make_user,
                                                                      sembako_in_force):
    assert sembako_in_force.counts["cost_per_period"] == 3 * 200_000
    rows_before = Enrollment.objects.count()
    client.force_login(make_user("program_manager"))
    run = simulate(client, {"period": "2021-03", "per_period": "400000",
                            "quotas": "nasional 18800000"})
    assert run.kind == "what_if" and run.counts["cost_per_period"] == 3 * 400_000
    assert run.counts["statuses"]["enrolled"] == 3
    assert Enrollment.objects.count() == rows_before  # nobody enrolled
    assert run.parameters["definition"]["benefit"]["per_period"] == 400_000
    assert "quotas" not in run.parameters  # unchanged quotas are not overridden
    page = client.get(reverse("programs:whatif", args=["sembako"]) + f"?hasil={run.pk}")
    html = page.content.decode()
    total = html.split('id="whatif-total"')[1].split("</tr>")[0]
    assert "Rp600.000" in total and "Rp1.200.000" in total and "+Rp600.000" in total
    year = html.split('id="whatif-year"')[1].split("</tr>")[0]
    assert "Rp14.400.000" in year  # 12 months of Rp1.200.000
    assert ">32</span>" in html.split('id="whatif-regions"')[1]  # national users: by province


def test_a_stricter_clause_and_a_smaller_quota_show_fewer_kpm_by_region(
        client, make_user, sembako_in_force):
    client.force_login(make_user("program_manager"))
    run = simulate(client, {"period": "2021-03", "per_period": "200000", "clause": "desil",
                            "expr": "desil <= 2", "quotas": "nasional 1"})
    assert run.counts["statuses"] == {"enrolled": 1, "waiting": 1}
    comparison = preview.compare(sembako_in_force, run, "32")  # a provincial scope
    assert [(r.code, r.before[0], r.after[0]) for r in comparison.rows] == [("32.01", 3, 1)]
    assert comparison.total.diff[3] == -400_000


def test_a_what_if_with_an_unknown_attribute_is_refused_naming_it(client, make_user,
                                                                  sembako_in_force):
    client.force_login(make_user("program_manager"))
    answer = client.post(reverse("programs:whatif", args=["sembako"]), {
        "period": "2021-03", "per_period": "200000", "clause": "desil", "expr": "kemiskinan < 2",
        "quotas": "nasional 18800000"})
    assert answer.status_code == 400
    assert "kemiskinan" in answer.content.decode()
    assert not EligibilityRun.objects.filter(kind="what_if").exists()


@pytest.mark.parametrize("code, prefix, group", [
    ("32.01", "", "32"), ("32.01", "32", "32.01"), ("34.03", "32", None),
    ("32.01", "32.01.01", "32.01"), ("32.02", "32.01", None)])
def test_runs_count_by_regency_and_compare_one_level_below_the_scope(code, prefix, group):
    assert preview.region_group(code, prefix) == group


def publish_stricter_rules(program: Program) -> None:
    """Version 2 of Sembako's rules: desil 1 only (the list in force was made with v1)."""
    definition = services.current_rule_set(program).definition
    clauses = [{**c, "expr": "desil <= 1"} if c["id"] == "desil" else c
               for c in definition["clauses"]]
    draft = services.save_draft(program, {**definition, "clauses": clauses}, Context())
    services.publish(draft, Context())


def test_a_what_if_names_the_rule_version_of_each_side_and_their_differences(
        client, make_user, sembako_in_force):
    publish_stricter_rules(sembako_in_force.program)
    client.force_login(make_user("program_manager"))
    url = reverse("programs:whatif", args=["sembako"])
    form_page = client.get(url).content.decode()
    warning = form_page.split('id="whatif-versions"')[1].split("</div>\n</div>")[0]
    assert "versi 1" in warning and "versi 2" in warning
    assert "desil &lt;= 5 → desil &lt;= 1" in warning and "?dasar=daftar" in warning
    run = simulate(client, {"period": "2021-03", "per_period": "400000",
                            "quotas": "nasional 18800000"})
    assert run.rule_set.version == 2 and run.counts["statuses"]["enrolled"] == 1
    html = client.get(url + f"?hasil={run.pk}").content.decode()
    assert "daftar yang berlaku versi 1 · simulasi versi 2" in html
    differences = html.split('id="whatif-version-differences"')[1].split("</div>")[0]
    assert "desil &lt;= 5 → desil &lt;= 1" in differences


def test_a_what_if_on_the_lists_own_rule_version_isolates_the_change(client, make_user,
                                                                    sembako_in_force):
    publish_stricter_rules(sembako_in_force.program)
    client.force_login(make_user("program_manager"))
    run = simulate(client, {"dasar": "daftar", "period": "2021-03", "per_period": "400000",
                            "quotas": "nasional 18800000"})
    assert run.rule_set.version == 1
    assert run.counts["statuses"]["enrolled"] == 3  # v1's desil 1-5: only the amount differs
    assert run.counts["cost_per_period"] == 3 * 400_000
    html = client.get(reverse("programs:whatif", args=["sembako"])
                      + f"?hasil={run.pk}").content.decode()
    assert "daftar yang berlaku versi 1 · simulasi versi 1" in html
    assert 'id="whatif-version-differences"' not in html
    assert "Rp200.000 → Rp400.000" in html


def test_the_what_if_form_words_the_clauses_and_keeps_its_table_readable(client, make_user,
                                                                         sembako_in_force):
    client.force_login(make_user("program_manager"))
    run = simulate(client, {"period": "2021-03", "per_period": "400000",
                            "quotas": "nasional 18800000"})
    html = client.get(reverse("programs:whatif", args=["sembako"])
                      + f"?hasil={run.pk}").content.decode()
    assert '<option value="desil">Termasuk desil 1-5 (peringkat kesejahteraan) (desil)</option>' \
        in html
    assert '<div class="table-responsive"><table class="table table-sm small align-middle ' \
        'mb-0 text-nowrap" id="whatif-regions">' in html
