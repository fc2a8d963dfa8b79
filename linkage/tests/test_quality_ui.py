"""The data-quality pages as the demo tester walked them: navigation by role, a backlog that
adds up, readable run and pair pages, confirmation before applying, superseded runs and
remembered decisions."""

import datetime
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts import policy
from audit.services import Context
from linkage import cleansing, review_services, snapshots
from linkage.models import CleansingProposal, PipelineRun, PipelineStep, ReviewPair
from registry.models import Member
from synth.generate import generate
from synth.load import load_registry


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "cibinong"
    generate("32.01.01", 20, 7, path)
    return path


@pytest.fixture
def run(db, synth_dir, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    load_registry(synth_dir)
    snap = snapshots.take_snapshot(progress=False)
    return _run("r1", snap)


def _run(name, snap, minutes=0):
    return PipelineRun.objects.create(
        name=name, snapshot=snap, snapshot_checksum=snap.checksum, state="done",
        started_at=timezone.now() + timezone.timedelta(minutes=minutes))


def _propose(run, members, reason="duplicate"):
    for member in members:
        CleansingProposal.objects.create(run=run, kind="member", record_id=member.pk,
                                         region_code=member.village_id, reason=reason)


def _pair(left, right, region_r=None, decision=None, user=None):
    return ReviewPair.objects.create(
        member_l=left, member_r=right, match_probability=0.8, match_weight=3.2,
        region_l=left.village_id, region_r=region_r or right.village_id, run_ref="pipeline:r1",
        decision=decision, decided_by=user, decided_at=timezone.now() if decision else None)


def login(client, make_user, role, region=None):
    user = make_user(role, region)
    client.force_login(user)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("role,region", [("pusat", None), ("operator_desa", "32.01.01.1001"),
                                         ("pekerja_sosial", "32.01.01"),
                                         ("operator_kabupaten", "32.01")])
def test_navbar_shows_only_the_sections_the_role_may_open(client, make_user, role, region):
    user = login(client, make_user, role, region)
    html = client.get(reverse("home"), follow=True).content.decode()
    assert (reverse("linkage_dashboard") in html) == policy.role_allows(
        user, policy.VIEW_DATA_QUALITY)
    assert (reverse("linkage_review_queue") in html) == policy.role_allows(
        user, policy.REVIEW_DUPLICATES)
    assert (reverse("ranking_model_list") in html) == policy.role_allows(
        user, policy.VIEW_PMT_MODELS)
    assert (reverse("atensi:caseload") in html) == (
        policy.role_allows(user, policy.ATENSI_CASEWORK)
        or policy.role_allows(user, policy.ATENSI_REPORTS))
    assert (reverse("providers_directory") in html) == policy.role_allows(
        user, policy.VIEW_PROVIDERS)


@pytest.mark.django_db
def test_backlog_rows_add_up_with_pairs_spanning_areas_shown_apart(client, make_user, run):
    """A pair counts in an area only when both members live there; the others are shown on
    their own line, so kecamatan rows + spanning pairs = the kabupaten's backlog."""
    a, b, c, d = Member.objects.order_by("id")[:4]
    _pair(a, b)
    _pair(c, d, region_r="32.01.02.2001")
    login(client, make_user, "pusat")
    page = client.get(reverse("linkage_dashboard"), {"region": "32.01"})
    rows = {row["code"]: row["review_backlog"] for row in page.context["children"]}
    assert page.context["figures"]["review_backlog"] == 2
    assert rows == {"32.01.01": 1, "32.01.02": 0}
    assert page.context["backlog_spanning"] == 1
    html = page.content.decode()
    assert 'id="backlog-spanning"' in html
    assert f'{reverse("linkage_review_queue")}?region=32.01' in html
    queue = client.get(reverse("linkage_review_queue"), {"region": "32.01.01"})
    assert queue.context["backlog"] == 1
    assert client.get(reverse("linkage_review_queue"), {"region": "99"}).status_code == 404


@pytest.mark.django_db
def test_kabupaten_breadcrumb_starts_at_the_users_scope(client, make_user, run):
    login(client, make_user, "operator_kabupaten", "32.01")
    with translation.override("en"):
        html = client.get(reverse("linkage_dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Indonesia (national)" not in html.content.decode()
    assert [r.code for r in html.context["path"]] == ["32.01"]


@pytest.mark.django_db
def test_same_person_decisions_count_as_resolved_and_show_on_the_member_page(
        client, make_user, run):
    a, b = Member.objects.order_by("id")[:2]
    user = login(client, make_user, "pusat")
    pair = _pair(a, b, decision="same", user=user)
    figures = client.get(reverse("linkage_dashboard")).context["figures"]
    assert figures["duplicates_confirmed"] == 1 and figures["duplicates_deactivated"] == 0
    assert figures["duplicates_resolved"] == 1
    html = client.get(reverse("member_detail", args=[a.pk])).content.decode()
    assert 'id="member-duplicates"' in html
    assert reverse("linkage_review_pair", args=[pair.pk]) in html


@pytest.mark.django_db
def test_decided_pair_shows_the_regions_time_zone_not_utc(client, make_user, run):
    a, b = Member.objects.order_by("id")[:2]
    user = login(client, make_user, "pusat")
    pair = _pair(a, b, decision="different", user=user)
    pair.decided_at = timezone.datetime(2026, 1, 2, 20, 30, tzinfo=datetime.UTC)
    pair.save()
    html = client.get(reverse("linkage_review_pair", args=[pair.pk])).content.decode()
    assert "03:30 WIB" in html and "UTC" not in html  # Jakarta is UTC+7
    assert a.name in html and b.name in html


@pytest.mark.django_db
def test_run_page_shows_translated_steps_and_no_server_paths(client, make_user, run):
    PipelineStep.objects.create(run=run, position=1, name="dedup", state="done", counts={
        "pairs": 8851, "comparisons": {"total": 1351122, "by_rule": {'l."x" = r."x"': 3}},
        "file": "/srv/kesos-var/runs/x/scores.parquet"})
    login(client, make_user, "pusat")
    with translation.override("id"):
        html = client.get(reverse("linkage_run_detail", args=[run.name]),
                          HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Deduplikasi" in html
    assert "/srv/kesos-var" not in html
    assert "8.851" in html or "8,851" in html
    details = html[html.index("<details"):html.index("</details>")]
    assert "l.&quot;x&quot;" in details  # blocking rules only in the technical details


@pytest.mark.django_db
def test_run_page_shows_the_derived_bands_with_expected_precision_and_recall(client, make_user,
                                                                           run):
    """Issue 19 item 4: where the match and review bands start, and the pairs, expected
    precision and expected recall of each, read on the page (not hidden in the details)."""
    from linkage.bands import Targets, report

    bands = report([("match", 1904, 1903.7), ("review", 2, 1.8), ("non_match", 9, 1.6)],
                   3.06, 3.17, Targets())
    PipelineStep.objects.create(run=run, position=1, name="dedup", state="done",
                                counts={"pairs": 1915}, metrics={"bands": bands})
    login(client, make_user, "pusat")
    with translation.override("id"):
        html = client.get(reverse("linkage_run_detail", args=[run.name]),
                          HTTP_ACCEPT_LANGUAGE="id").content.decode()
    table = html[html.index("step-bands"):]
    table = table[:table.index("</table>")]
    assert "Diturunkan dari model" in table
    for text in ("Perkiraan presisi", "Perkiraan recall", "Cocok", "Perlu ditinjau",
                 "dari bobot 3,17 (probabilitas 0,9000)", "1.904", "0,9998"):
        assert text in table, text
    client.post(reverse("set_language"), {"language": "en"})
    html = client.get(reverse("linkage_run_detail", args=[run.name])).content.decode()
    assert "Expected precision" in html and "from weight 3.17 (probability 0.9000)" in html


@pytest.mark.django_db
def test_apply_asks_for_confirmation_with_the_counts(client, make_user, run):
    members = list(Member.objects.order_by("id")[:3])
    _propose(run, members)
    login(client, make_user, "pusat")
    detail = client.get(reverse("linkage_run_detail", args=[run.name])).content.decode()
    assert reverse("linkage_run_apply_confirm", args=[run.name]) in detail
    client.post(reverse("linkage_run_cleanse", args=[run.name]), {"action": "accept"})
    page = client.get(reverse("linkage_run_apply_confirm", args=[run.name]))
    assert page.context["pending"] == {"members": 3, "households": 0,
                                       "members_with_household": 0}
    assert not Member.objects.filter(status="inactive").exists()  # nothing done yet
    records = client.get(reverse("linkage_run_records", args=[run.name]),
                         {"kind": "member", "reason": "duplicate"})
    assert [p.record_id for p in records.context["page"]] == [m.pk for m in members]


@pytest.mark.django_db
def test_only_the_latest_run_can_be_accepted_but_older_ones_can_be_reverted(
        client, make_user, run):
    members = list(Member.objects.order_by("id")[:2])
    _propose(run, members)
    user = login(client, make_user, "pusat")
    ctx = Context(actor=user)
    cleansing.decide(ctx, run, accept=True)
    cleansing.apply(ctx, run)
    newer = _run("r2", run.snapshot, minutes=5)
    _propose(newer, Member.objects.order_by("id")[2:3])
    page = client.get(reverse("linkage_run_detail", args=[run.name]))
    assert page.context["superseded_by"] == newer and not page.context["can_decide"]
    with pytest.raises(cleansing.CleansingError):
        cleansing.apply(ctx, run)
    client.post(reverse("linkage_run_cleanse", args=[run.name]), {"action": "accept"})
    assert not run.proposals.filter(state="accepted").exists()
    client.post(reverse("linkage_run_cleanse", args=[run.name]), {"action": "revert"})
    assert not Member.objects.filter(status="inactive").exists()


@pytest.mark.django_db
def test_reverted_or_rejected_proposals_are_not_proposed_again_on_unchanged_data(
        make_user, run, tmp_path):
    a, b, c = Member.objects.order_by("id")[:3]
    ctx = Context(actor=make_user("pusat"))
    _propose(run, [a, b])
    cleansing.decide(ctx, run, accept=True, reasons=["duplicate"])
    cleansing.apply(ctx, run)
    cleansing.revert(ctx, run)           # a and b: reverted
    _propose(run, [c], reason="moved")
    cleansing.decide(ctx, run, accept=False, reasons=["moved"])  # c: rejected
    c.name += " X"
    c.save()                                  # ...but c changed since
    newer = _run("r2", run.snapshot, minutes=5)
    out = tmp_path / "cleansing"
    out.mkdir()
    pq.write_table(pa.table({
        "kind": ["member"] * 3, "record_id": [a.pk, b.pk, c.pk],
        "region_code": [a.village_id, b.village_id, c.village_id],
        "reason": ["duplicate", "moved", "moved"],
        "evidence": [json.dumps({})] * 3, "household_id": [0, 0, 0]}),
        out / cleansing.PROPOSALS_FILE)
    assert cleansing.load_proposals(newer, out) == 2
    assert sorted(newer.proposals.values_list("record_id", "reason")) == [
        (b.pk, "moved"), (c.pk, "moved")]


@pytest.mark.django_db
def test_pending_pairs_a_new_run_no_longer_asks_are_dropped(make_user, run, tmp_path):
    a, b, c, d = Member.objects.order_by("id")[:4]
    stale = _pair(a, b)
    kept = _pair(c, d)
    decided = _pair(a, c, decision="different", user=make_user("pusat"))
    path = tmp_path / "dedup_pairs.parquet"
    pq.write_table(pa.table({
        "member_id_l": [c.pk], "member_id_r": [d.pk], "match_probability": [0.7],
        "match_weight": [2.0], "region_l": [c.village_id], "region_r": [d.village_id],
        "band": ["review"], "decision": pa.array([None], pa.string())}), path)
    review_services.load_review_band(path, "pipeline:r2", Context(actor=None))
    remaining = set(ReviewPair.objects.values_list("pk", flat=True))
    assert remaining == {kept.pk, decided.pk} and stale.pk not in remaining


@pytest.mark.django_db
def test_each_area_row_counts_its_own_decisions_and_matches(client, make_user, run):
    """The rows one level down come from grouped queries; each must equal what the area's
    own page says."""
    a, b, c, d = Member.objects.order_by("id")[:4]
    user = login(client, make_user, "pusat")
    _pair(a, b, decision="same", user=user)
    _pair(c, d)
    rows = {row["code"]: row for row in client.get(
        reverse("linkage_dashboard"), {"region": "32.01"}).context["children"]}
    for code in ("32.01.01", "32.01.02"):
        own = client.get(reverse("linkage_dashboard"), {"region": code}).context["figures"]
        assert rows[code]["duplicates_resolved"] == own["duplicates_resolved"]
        assert rows[code]["review_backlog"] == own["review_backlog"]
        assert rows[code]["matched"] == own["matched"]
        assert rows[code]["padan_rate"] == own["padan_rate"]
    assert rows["32.01.01"]["duplicates_resolved"] == 1
