"""The program pages as users see them: who may open which page, the rule editor's validation
(beside the field, naming the attribute), drafts and publishing, quotas, the live check with
its count preview, and the cross-program overlap report."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from conftest import VILLAGE_A, VILLAGE_OTHER_DISTRICT
from linkage import snapshots
from programs import overlap, services
from programs.forms import clause_initial, segment_initial
from programs.models import EligibilityRun, Enrollment, Program, Quota


@pytest.fixture
def programs(db):
    services.install_shipped()
    return {p.code: p for p in Program.objects.all()}


@pytest.fixture
def registry(programs, assessed_households):
    """Three households: two in Cibinong (padan, desil 1 and 2), one in Gunungputri (padan,
    desil 3)."""
    return assessed_households([VILLAGE_A, VILLAGE_A, VILLAGE_OTHER_DISTRICT])


def login(client, make_user, role, region=None):
    client.force_login(make_user(role, region))
    return client


def editor_post(definition: dict, note: str = "", **exprs) -> dict:
    """The editor's form data for `definition`, with clause expressions replaced by id."""
    data = {"note": note, "clause-TOTAL_FORMS": str(len(definition["clauses"])),
            "clause-INITIAL_FORMS": "0", "segment-INITIAL_FORMS": "0",
            "segment-TOTAL_FORMS": str(len(definition.get("segments") or []))}
    for i, c in enumerate(clause_initial(definition)):
        c["expr"] = exprs.get(c["id"], c["expr"])
        data.update({f"clause-{i}-{k}": v for k, v in c.items()})
    for i, s in enumerate(segment_initial(definition)):
        data.update({f"segment-{i}-{k}": v for k, v in s.items()})
    data["benefit-per_period"] = str(definition["benefit"]["per_period"])
    return data


def clause_index(definition: dict, clause_id: str) -> int:
    return [c["id"] for c in definition["clauses"]].index(clause_id)


# --- who may open what -------------------------------------------------------------------------


@pytest.mark.parametrize("role, region", [("pusat", None), ("operator_desa", VILLAGE_A),
                                          ("auditor", None)])
def test_every_role_sees_the_program_list_and_a_program_page(client, make_user, programs,
                                                             role, region):
    login(client, make_user, role, region)
    page = client.get(reverse("programs:program_list"))
    assert page.status_code == 200
    assert "Program Sembako (BPNT)" in page.content.decode()
    detail = client.get(reverse("programs:program_detail", args=["sembako"])).content.decode()
    assert "Rp200.000" in detail  # the benefit, Indonesian style
    assert "Ada anggota berstatus ASN" in detail  # a clause's reason in the user's language
    assert "on_list(&#x27;asn&#x27;)" in detail  # its expression
    assert "Berstatus sebagai Aparatur Sipil Negara" in detail  # the quoted source
    assert "18.800.000" in detail  # the national quota


def test_program_page_of_an_unknown_program_is_not_found(client, make_user, programs):
    login(client, make_user, "pusat")
    assert client.get(reverse("programs:program_detail", args=["tidak-ada"])).status_code == 404
    assert client.get(reverse("programs:rule_editor", args=["tidak-ada"])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, programs):
    answer = client.get(reverse("programs:program_detail", args=["sembako"]))
    assert answer.status_code == 302 and reverse("login") in answer["Location"]


def test_program_managers_open_the_editor_and_the_what_if(client, make_user, programs):
    login(client, make_user, "program_manager")
    editor = client.get(reverse("programs:rule_editor", args=["sembako"]))
    assert editor.status_code == 200
    html = editor.content.decode()
    assert 'name="clause-3-expr"' in html and "income_above_umk" in html
    assert "Desil kesejahteraan nasional" in html  # the attribute reference
    assert "in_program('pkh')" in html
    assert client.get(reverse("programs:whatif", args=["sembako"])).status_code == 200


@pytest.mark.parametrize("name", ["rule_editor", "whatif"])
def test_a_village_operator_may_not_edit_rules_or_simulate(client, make_user, programs, name):
    login(client, make_user, "operator_desa", VILLAGE_A)
    assert client.get(reverse(f"programs:{name}", args=["sembako"])).status_code == 403
    assert client.post(reverse("programs:rule_check", args=["sembako"])).status_code == 403
    assert client.post(reverse("programs:quota_set", args=["sembako"]),
                       {"region_code": "", "count": "5"}).status_code == 403


def test_a_social_worker_may_not_open_the_overlap_report(client, make_user, programs):
    login(client, make_user, "pekerja_sosial")
    assert client.get(reverse("programs:overlap")).status_code == 403


# --- the rule editor ---------------------------------------------------------------------------


def test_the_editor_refuses_an_unknown_attribute_naming_it_beside_the_field(
        client, make_user, programs):
    login(client, make_user, "program_manager")
    definition = services.current_rule_set(programs["sembako"]).definition
    page = client.post(reverse("programs:rule_editor", args=["sembako"]),
                       editor_post(definition, desil="desil <= 5 and kekayaan > 3"))
    assert page.status_code == 400
    html = page.content.decode()
    n = clause_index(definition, "desil")
    beside = html.split(f'id="check-clause-{n}-expr"')[1].split("</div></div>")[0]
    assert "Atribut &#x27;kekayaan&#x27; tidak dikenal" in beside
    assert f"Klausul {n + 1} (desil)" in html.split('id="rule-problems"')[1]
    assert programs["sembako"].rule_sets.count() == 1


def test_the_editor_message_follows_the_users_language(client, make_user, programs):
    login(client, make_user, "program_manager")
    client.post(reverse("set_language"), {"language": "en"})
    definition = services.current_rule_set(programs["sembako"]).definition
    page = client.post(reverse("programs:rule_editor", args=["sembako"]),
                       editor_post(definition, desil="kekayaan > 3"))
    assert "Unknown attribute &#x27;kekayaan&#x27;" in page.content.decode()


def test_a_valid_draft_is_saved_as_the_next_version_and_published(client, make_user, programs):
    login(client, make_user, "program_manager")
    sembako = programs["sembako"]
    definition = services.current_rule_set(sembako).definition
    data = editor_post(definition, note="desil 1-4", desil="desil <= 4")
    data["benefit-per_period"] = "250000"
    saved = client.post(reverse("programs:rule_editor", args=["sembako"]), data)
    assert saved.status_code == 302
    draft = sembako.rule_sets.get(version=2)
    assert draft.published_at is None and draft.note == "desil 1-4"
    assert draft.definition["clauses"][clause_index(definition, "desil")]["expr"] == "desil <= 4"
    assert draft.definition["benefit"]["per_period"] == 250_000
    assert draft.definition["segments"] == definition["segments"]
    assert services.current_rule_set(sembako).version == 1  # a draft changes nothing yet
    url = reverse("programs:rule_publish", args=["sembako", 2])
    confirm = client.get(url).content.decode()  # the confirmation lists what differs
    assert "desil &lt;= 5 → desil &lt;= 4" in confirm and "Rp200.000 → Rp250.000" in confirm
    unconfirmed = client.post(url)  # a post without the confirmation publishes nothing
    assert unconfirmed.status_code == 200 and services.current_rule_set(sembako).version == 1
    published = client.post(url, {"confirm": "1"})
    assert published.status_code == 302
    assert services.current_rule_set(sembako).version == 2
    assert Event.objects.filter(action="programs.rules.save").exists()
    assert Event.objects.filter(action="programs.rules.publish").exists()
    page = client.get(reverse("programs:program_detail", args=["sembako"])).content.decode()
    assert "Rp250.000" in page


def test_the_live_check_names_an_unknown_attribute(client, make_user, programs):
    login(client, make_user, "program_manager")
    definition = services.current_rule_set(programs["sembako"]).definition
    data = editor_post(definition, desil="desil <= 5 and penghasilan_kk > 1")
    field = f"clause-{clause_index(definition, 'desil')}-expr"
    answer = client.post(reverse("programs:rule_check", args=["sembako"]), data,
                         HTTP_HX_TRIGGER_NAME=field, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "rules-field-error" in html and "penghasilan_kk" in html
    assert 'hx-swap-oob="innerHTML"' in html


def test_the_live_check_counts_the_draft_over_the_latest_snapshot(client, make_user, registry):
    snapshots.take_snapshot(progress=False)
    login(client, make_user, "program_manager")
    definition = services.current_rule_set(Program.objects.get(code="sembako")).definition
    url = reverse("programs:rule_check", args=["sembako"])
    answer = client.post(url, editor_post(definition), HTTP_HX_TRIGGER_NAME="clause-1-expr")
    html = answer.content.decode()
    assert "rules-field-ok" in html
    assert 'data-count="eligible">3<' in html
    # A keystroke later, desil 1 only: the same built view, a new decision query.
    stricter = client.post(url, editor_post(definition, desil="desil <= 1"),
                           HTTP_HX_TRIGGER_NAME="clause-1-expr").content.decode()
    assert 'data-count="eligible">1<' in stricter
    assert 'data-count="not_eligible">2<' in stricter


def test_quota_set_by_a_program_manager_at_one_region_level(client, make_user, programs):
    login(client, make_user, "program_manager")
    url = reverse("programs:quota_set", args=["beras"])
    assert client.post(url, {"region_code": "32.01", "count": "2500"}).status_code == 302
    assert Quota.objects.get(program__code="beras", region_code="32.01").count == 2500
    refused = client.post(url, {"region_code": "32.01.01", "count": "10"})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "tingkat kabupaten/kota" in html and "32.01.01 berada pada tingkat kecamatan" in html
    assert "hapus dahulu" in html  # how to change the level
    assert Event.objects.filter(action="programs.quota.set").count() == 1


def test_an_unknown_region_code_is_refused_as_unknown(client, make_user, programs):
    login(client, make_user, "program_manager")
    refused = client.post(reverse("programs:quota_set", args=["sembako"]),
                          {"region_code": "99.99", "count": "10"})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Tidak ada wilayah dengan kode 99.99" in html
    assert "tingkat wilayah yang sama" not in html


def test_a_regency_quota_beside_a_national_one_names_the_national_level(client, make_user,
                                                                         programs):
    login(client, make_user, "program_manager")
    refused = client.post(reverse("programs:quota_set", args=["sembako"]),
                          {"region_code": "32.01", "count": "10"})
    assert refused.status_code == 400
    assert "tingkat nasional" in refused.content.decode()


def test_removing_the_national_quota_allows_regency_quotas(client, make_user, programs):
    login(client, make_user, "program_manager")
    url = reverse("programs:quota_set", args=["sembako"])
    page = client.get(reverse("programs:program_detail", args=["sembako"])).content.decode()
    assert 'class="quota-remove"' in page  # a Remove button beside each quota
    assert client.post(url, {"region_code": "", "count": ""}).status_code == 302
    assert not Quota.objects.filter(program__code="sembako").exists()
    assert client.post(url, {"region_code": "32.01", "count": "10"}).status_code == 302
    assert list(Quota.objects.filter(program__code="sembako").values_list(
        "region_code", "count")) == [("32.01", 10)]
    again = client.post(url, {"region_code": "32", "count": ""})
    assert again.status_code == 400  # nothing to remove there


def test_an_enrollment_run_started_from_the_program_page(client, make_user, registry, run_jobs):
    login(client, make_user, "program_manager")
    answer = client.post(reverse("programs:run_start", args=["sembako"]), {"period": "2021-03"})
    assert answer.status_code == 302 and answer.url.startswith("/pekerjaan/")
    twice = client.post(reverse("programs:run_start", args=["sembako"]), {"period": "2021-03"})
    assert twice.url == answer.url  # a double click starts one run
    assert not EligibilityRun.objects.exists()  # nothing runs inside the request

    assert run_jobs() == 1
    run = EligibilityRun.objects.get(program__code="sembako")
    assert reverse("programs:run_detail", args=["sembako", run.pk]) in client.get(
        answer.url).content.decode()
    assert run.kind == "enrollment" and run.counts["statuses"]["enrolled"] == 3
    bad = client.post(reverse("programs:run_start", args=["sembako"]), {"period": "Maret"})
    assert bad.status_code == 400 and "2021-03" in bad.content.decode()


# --- overlap -----------------------------------------------------------------------------------


def frozen_list(program: Program, households, period="2021-03") -> EligibilityRun:
    run = EligibilityRun.objects.create(
        program=program, rule_set=services.current_rule_set(program), kind="enrollment",
        state="frozen", period=period, snapshot="t", snapshot_checksum="t",
        frozen_at=timezone.now(), counts={"statuses": {"enrolled": len(households)}})
    Enrollment.objects.bulk_create(
        Enrollment(run=run, household=h, village_code=h.village_id, status="enrolled",
                   change="new", amount=1) for h in households)
    return run


def test_overlap_counts_a_household_enrolled_in_pkh_and_bst_both_frozen(client, make_user,
                                                                       registry):
    both, pkh_only, bst_only = registry
    frozen_list(Program.objects.get(code="pkh"), [both, pkh_only], "2021-T1")
    frozen_list(Program.objects.get(code="bst"), [both, bst_only])
    login(client, make_user, "pusat")
    html = client.get(reverse("programs:overlap")).content.decode()
    section = html.split('id="overlap-bst-pkh"')[1].split('class="card border-0')[0]
    assert 'data-total="1"' in section
    assert "Budi Santoso" in section and reverse("household_detail", args=[both.pk]) in section
    assert 'id="overlap-beras-pkh"' in html  # the rice aid excludes PKH too (no list in force)
    # A village operator of the other district sees none of it.
    client.force_login(make_user("operator_desa", VILLAGE_OTHER_DISTRICT))
    html = client.get(reverse("programs:overlap")).content.decode()
    section = html.split('id="overlap-bst-pkh"')[1].split('class="card border-0')[0]
    assert 'data-total="0"' in section and "Budi Santoso" not in section


def test_every_household_on_both_lists_is_listed_page_by_page(client, make_user, registry,
                                                              monkeypatch):
    both, pkh_only, bst_only = registry
    frozen_list(Program.objects.get(code="pkh"), [both, pkh_only, bst_only], "2021-T1")
    frozen_list(Program.objects.get(code="bst"), [both, pkh_only, bst_only])
    monkeypatch.setattr(overlap, "PAGE_SIZE", 2)
    url = reverse("programs:overlap_households", args=["bst", "pkh"])
    login(client, make_user, "pusat")
    first, second = client.get(url), client.get(url, {"page": 2})
    listed = [h["id"] for page in (first, second) for h in page.context["page"].object_list]
    assert sorted(listed) == sorted([both.pk, pkh_only.pk, bst_only.pk])
    assert "Budi Santoso" in first.content.decode() + second.content.decode()
    client.force_login(make_user("operator_desa", VILLAGE_OTHER_DISTRICT))
    assert [h["id"] for h in client.get(url).context["page"].object_list] == [bst_only.pk]
    client.force_login(make_user("pekerja_sosial"))
    assert client.get(url).status_code == 403


def test_kpm_counts_on_the_list_are_those_of_the_users_region(client, make_user, registry):
    frozen_list(Program.objects.get(code="bst"), registry)
    login(client, make_user, "operator_desa", VILLAGE_OTHER_DISTRICT)
    html = client.get(reverse("programs:program_list")).content.decode()
    row = html.split("Bantuan Sosial Tunai (BST)")[1].split("</tr>")[0]
    assert ">1<div" in row.replace("\n", "").replace(" ", "")


def form_data(client, url: str) -> dict:
    """The editor form's fields as the browser would post them unchanged."""
    from html import unescape

    html = client.get(url).content.decode()
    form = html.split('id="rule-form"')[1].split("</form>")[0]
    data = {}
    for tag in re.findall(r"<(?:input|textarea|select)[^>]*>(?:[^<]*</textarea>)?", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="checkbox"' in tag or name[1] == "csrfmiddlewaretoken":
            continue
        if tag.startswith("<textarea"):
            data[name[1]] = unescape(tag.split(">", 1)[1].rsplit("</textarea>", 1)[0])
        elif tag.startswith("<select"):  # as a browser: the selected option, else the first
            select = form.split(tag, 1)[1].split("</select>", 1)[0]
            chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select)
            data[name[1]] = (chosen or re.search(r'<option value="([^"]*)"', select))[1]
        else:
            value = re.search(r'value="([^"]*)"', tag)
            data[name[1]] = unescape(value[1]) if value else ""
    return data


@pytest.mark.parametrize("code", ["sembako", "pkh", "bst", "pbi-jk", "beras", "yatim-covid"])
def test_saving_a_shipped_program_unchanged_keeps_its_rules(client, make_user, programs, code):
    login(client, make_user, "pusat")
    url = reverse("programs:rule_editor", args=[code])
    answer = client.post(url, form_data(client, url))
    assert answer.status_code == 302, answer.content.decode()[:3000]
    before = programs[code].rule_sets.get(version=1).definition
    after = programs[code].rule_sets.get(version=2).definition
    assert after == before


def test_the_preview_of_a_person_program_counts_persons(client, make_user, registry):
    snapshots.take_snapshot(progress=False)
    login(client, make_user, "pusat")
    url = reverse("programs:rule_editor", args=["pbi-jk"])
    answer = client.post(reverse("programs:rule_check", args=["pbi-jk"]), form_data(client, url))
    html = answer.content.decode()
    assert "hx-swap-oob" not in html  # the panel's own load: the counts only
    assert 'data-count="eligible">3<' in html and "Rp126.000" in html  # 3 × Rp42.000


# --- the editor as a browser uses it -----------------------------------------------------------


def with_empty_rows(data: dict) -> dict:
    """`data` plus the editor's untouched extra clause and segment rows, as a browser posts
    them: the kind select on its first option, every other field empty."""
    n, m = int(data["clause-TOTAL_FORMS"]), int(data["segment-TOTAL_FORMS"])
    data = {**data, "clause-TOTAL_FORMS": str(n + 1), "segment-TOTAL_FORMS": str(m + 1)}
    data.update({f"clause-{n}-{k}": "" for k in ("id", "expr", "reason_id", "reason_en",
                                                 "source")})
    data[f"clause-{n}-kind"] = "require"
    data.update({f"segment-{m}-{k}": "" for k in ("code", "when", "name_id", "name_en",
                                                  "source")})
    return data


def test_untouched_empty_rows_posted_by_a_browser_are_ignored(client, make_user, programs):
    login(client, make_user, "program_manager")
    sembako = programs["sembako"]
    definition = services.current_rule_set(sembako).definition
    answer = client.post(reverse("programs:rule_editor", args=["sembako"]),
                         with_empty_rows(editor_post(definition, desil="desil <= 4")))
    assert answer.status_code == 302, answer.content.decode()[:3000]
    draft = sembako.rule_sets.get(version=2)
    assert len(draft.definition["clauses"]) == len(definition["clauses"])
    assert draft.definition["segments"] == definition["segments"]


def test_the_editor_speaks_indonesian_and_names_programs(client, make_user, programs):
    login(client, make_user, "program_manager")
    html = client.get(reverse("programs:rule_editor", args=["sembako"])).content.decode()
    help_text = html.split('id="editor-clauses"')[1].split("</div></div>")[0]
    assert "Wajib" in help_text and "Dikecualikan bila" in help_text
    assert "require" not in help_text and "exclude" not in help_text
    assert '<option value="exclude">Dikecualikan bila</option>' in html
    assert f"Terdaftar sebagai KPM {programs['pkh'].name}" in html
    assert "Terdaftar sebagai KPM pkh" not in html


def test_a_type_error_quotes_a_text_value_once(client, make_user, programs):
    login(client, make_user, "program_manager")
    definition = services.current_rule_set(programs["sembako"]).definition
    page = client.post(reverse("programs:rule_editor", args=["sembako"]),
                       editor_post(definition, desil="'x' and desil <= 5"))
    html = page.content.decode()
    assert "&#x27;x&#x27; bernilai teks" in html
    assert "&#x27;&#x27;x" not in html


def test_the_live_check_hints_when_an_expression_changes_but_not_its_reason(
        client, make_user, programs):
    login(client, make_user, "program_manager")
    definition = services.current_rule_set(programs["sembako"]).definition
    field = f"clause-{clause_index(definition, 'desil')}-expr"
    url = reverse("programs:rule_check", args=["sembako"])
    changed = client.post(url, editor_post(definition, desil="desil <= 3"),
                          HTTP_HX_TRIGGER_NAME=field).content.decode()
    assert "rules-reason-hint" in changed
    same = client.post(url, editor_post(definition), HTTP_HX_TRIGGER_NAME=field)
    assert "rules-reason-hint" not in same.content.decode()
    data = editor_post(definition, desil="desil <= 3")
    data[field.replace("expr", "reason_id")] = "Termasuk desil 1-3"
    reworded = client.post(url, data, HTTP_HX_TRIGGER_NAME=field).content.decode()
    assert "rules-reason-hint" not in reworded


def test_the_live_preview_words_the_reasons(client, make_user, registry):
    snapshots.take_snapshot(progress=False)
    login(client, make_user, "program_manager")
    definition = services.current_rule_set(Program.objects.get(code="sembako")).definition
    html = client.post(reverse("programs:rule_check", args=["sembako"]),
                       editor_post(definition, desil="desil <= 1")).content.decode()
    reasons = html.split('class="list-unstyled mb-2 rules-preview-reasons"')[1].split("</ul>")[0]
    assert "Tidak terpenuhi: Termasuk desil 1-5" in reasons and "<code" not in reasons


def test_publishing_needs_the_confirmation_listing_the_differences(client, make_user, programs):
    login(client, make_user, "program_manager")
    sembako = programs["sembako"]
    definition = services.current_rule_set(sembako).definition
    changed = {**definition, "clauses": [c for c in definition["clauses"] if c["id"] != "umk"]}
    services.save_draft(sembako, changed, services.Context())
    detail = client.get(reverse("programs:program_detail", args=["sembako"])).content.decode()
    url = reverse("programs:rule_publish", args=["sembako", 2])
    assert f'href="{url}"' in detail  # publishing starts at the confirmation page
    confirm = client.get(url).content.decode()
    assert "Klausul dihapus: umk" in confirm.split('id="publish-differences"')[1]
    assert client.post(url, {"confirm": "1"}).status_code == 302
    assert services.current_rule_set(sembako).version == 2


def test_the_program_list_shows_the_latest_enrollment_run_not_a_what_if(client, make_user,
                                                                         registry):
    login(client, make_user, "program_manager")
    bst = Program.objects.get(code="bst")
    enrollment = services.run_eligibility(services.RunRequest(bst, "2021-03"),
                                          services.Context())
    what_if = services.run_eligibility(services.RunRequest(bst, "2021-03", kind="what_if"),
                                       services.Context())
    html = client.get(reverse("programs:program_list")).content.decode()
    row = html.split("Bantuan Sosial Tunai (BST)")[1].split("</tr>")[0]
    assert f"#{enrollment.pk}<" in row and f"#{what_if.pk}<" not in row
    assert "Penetapan" in row


def test_segments_read_condition_and_amounts_follow_the_language(client, make_user, programs):
    login(client, make_user, "pusat")
    url = reverse("programs:program_detail", args=["sembako"])
    html = client.get(url).content.decode()
    assert ">Syarat</th>" in html.split('id="program-segments"')[1]
    details = html.split('id="program-details"')[1].split("</dl>")[0]
    for label in ("Rumah tangga (KPM)", "Tunai", "Bulanan", "Bank Himbara"):
        assert label in details  # model choices in Indonesian
    client.post(reverse("set_language"), {"language": "en"})
    english = client.get(url).content.decode()
    assert "Rp200,000</span>" in english and "18,800,000" in english
    assert "Rp200.000</span>" not in english


def test_two_programs_excluding_each_other_are_listed_once(client, make_user, registry):
    pkh = Program.objects.get(code="pkh")
    definition = services.current_rule_set(pkh).definition
    clause = {"id": "bukan_bst", "kind": "exclude", "expr": "in_program('bst')",
              "reason": {"id": "Penerima BST", "en": "BST recipient"}}
    services.publish(services.save_draft(
        pkh, {**definition, "clauses": [*definition["clauses"], clause]}, services.Context()),
        services.Context())
    login(client, make_user, "pusat")
    html = client.get(reverse("programs:overlap")).content.decode()
    pairs = re.findall(r'id="overlap-(bst-pkh|pkh-bst)"', html)
    assert pairs == ["bst-pkh"]
    section = html.split('id="overlap-bst-pkh"')[1].split('class="card border-0')[0]
    assert "saling" in section and "Program Keluarga Harapan (PKH): Penerima BST" in section
