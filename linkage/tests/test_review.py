"""Clerical review of possible duplicates (issue 4 item 3): the review band of a dedup run is
queued once; a reviewer sees only pairs whose two members lie in their region, compares them
side by side and decides; a decided pair leaves the queue, is audited, is never queued again
by a later run, and the first of two competing decisions wins."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.contrib import messages
from django.urls import reverse

from accounts.models import Role
from audit.models import Event
from audit.services import Context
from conftest import VILLAGE_A, VILLAGE_B
from linkage import review_selectors as selectors
from linkage import review_services as services
from linkage.models import ReviewPair

KABUPATEN = "32.01"


@pytest.fixture
def members(make_household):
    from wilayah.models import Region

    elsewhere = Region.objects.filter(code__startswith="34.03.01.", level=4).first().code
    a = make_household(VILLAGE_A, nik="3201011208850003", kk="3201010101200001").members.get()
    b = make_household(VILLAGE_B, nik="3201011208850004", kk="3201010101200002").members.get()
    c = make_household(elsewhere, nik="3403011208850003", kk="3403010101200001",
                       name="Budi Santosa").members.get()
    return a, b, c


def write_pairs(path, rows):
    """A dedup_pairs.parquet as the dedup step writes it."""
    table = pa.Table.from_pylist([
        {"member_id_l": min(left.pk, right.pk), "member_id_r": max(left.pk, right.pk),
         "match_probability": probability, "match_weight": 5.0,
         "region_l": (left if left.pk < right.pk else right).village_id,
         "region_r": (right if left.pk < right.pk else left).village_id,
         "gamma_full_name": 4, "gamma_id_number": 0, "decision": None, "band": band}
        for left, right, probability, band in rows
    ], schema=pa.schema([
        ("member_id_l", pa.int64()), ("member_id_r", pa.int64()),
        ("match_probability", pa.float64()), ("match_weight", pa.float64()),
        ("region_l", pa.string()), ("region_r", pa.string()), ("gamma_full_name", pa.int32()),
        ("gamma_id_number", pa.int32()), ("decision", pa.string()), ("band", pa.string()),
    ]))
    pq.write_table(table, path)
    return path


@pytest.fixture
def queued(members, tmp_path, make_user):
    a, b, c = members
    pairs = write_pairs(tmp_path / "dedup_pairs.parquet", [
        (a, b, 0.9, "review"), (a, c, 0.8, "review"), (b, c, 0.9999, "match"),
    ])
    admin = make_user(Role.PUSAT, None, username="pusat-loader")
    added = services.load_review_band(pairs, "run-1", Context(actor=admin))
    return added, members, tmp_path


def _pair(left, right) -> ReviewPair:
    return ReviewPair.objects.get(member_l=min(left.pk, right.pk),
                                  member_r=max(left.pk, right.pk))


def test_review_band_is_queued_once(queued, tmp_path):
    added, (a, b, c), _ = queued
    assert added == 2
    pair = _pair(a, b)
    assert (pair.region_l, pair.region_r, pair.run_ref) == (VILLAGE_A, VILLAGE_B, "run-1")
    assert pair.comparison == {"full_name": 4, "id_number": 0}
    again = services.load_review_band(tmp_path / "dedup_pairs.parquet", "run-2", Context())
    assert again == 0
    assert ReviewPair.objects.count() == 2


def test_reviewer_sees_only_pairs_with_both_members_in_region(queued, client, make_user):
    _, (a, b, c), _ = queued
    client.force_login(make_user(Role.VERIFIER_KABUPATEN, KABUPATEN))
    page = client.get(reverse("linkage_review_queue"))
    assert page.status_code == 200
    assert list(page.context["page"].object_list) == [_pair(a, b)]
    outside = client.get(reverse("linkage_review_pair", args=[_pair(a, c).pk]))
    assert outside.status_code == 404


def test_pusat_sees_pairs_across_provinces(queued, client, make_user):
    _, (a, b, c), _ = queued
    client.force_login(make_user(Role.PUSAT))
    assert client.get(reverse("linkage_review_pair", args=[_pair(a, c).pk])).status_code == 200


def test_village_operator_has_no_review_queue(queued, client, make_user):
    client.force_login(make_user(Role.OPERATOR_DESA, VILLAGE_A))
    assert client.get(reverse("linkage_review_queue")).status_code == 404


def test_comparison_page_highlights_differences_and_audits_the_reading(queued, client,
                                                                       make_user):
    _, (a, b, _), _ = queued
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, KABUPATEN))
    page = client.get(reverse("linkage_review_pair", args=[_pair(a, b).pk]))
    rows = {row["field"]: row for row in page.context["rows"]}
    assert rows["nik"]["differs"] and rows["village"]["differs"]
    assert not rows["name"]["differs"] and not rows["birth_date"]["differs"]
    html = page.content.decode()
    assert "3201011208850003" in html  # full NIK, as on the registry pages
    assert 'value="same"' in html and 'value="different"' in html
    reads = Event.objects.filter(action="read", object_type="registry.member")
    assert {int(e.object_id) for e in reads} >= {a.pk, b.pk}


def test_decided_pair_leaves_queue_and_is_never_queued_again(queued, client, make_user):
    _, (a, b, c), tmp_path = queued
    reviewer = make_user(Role.VERIFIER_KABUPATEN, KABUPATEN)
    client.force_login(reviewer)
    pair = _pair(a, b)
    response = client.post(reverse("linkage_review_pair", args=[pair.pk]),
                           {"decision": "same", "note": "Satu orang, terdaftar dua kali"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert (pair.decision, pair.decided_by) == ("same", reviewer)
    assert Event.objects.filter(action=services.DECIDE_ACTION, object_id=str(pair.pk)).exists()
    assert selectors.pending_for(reviewer).count() == 0
    assert list(selectors.decided_pairs()) == [(pair.member_l_id, pair.member_r_id, True)]
    # A later run scores the same pair in its review band again: it is not re-queued.
    write_pairs(tmp_path / "later.parquet", [(b, a, 0.7, "review")])
    assert services.load_review_band(tmp_path / "later.parquet", "run-2", Context()) == 0
    pair.refresh_from_db()
    assert pair.decision == "same" and selectors.pending_for(reviewer).count() == 0


def test_first_of_two_competing_decisions_wins(queued, make_user):
    _, (a, b, _), _ = queued
    first = make_user(Role.VERIFIER_KABUPATEN, KABUPATEN, username="first")
    second = make_user(Role.OPERATOR_KABUPATEN, KABUPATEN, username="second")
    seen_by_first, seen_by_second = _pair(a, b), _pair(a, b)  # both opened it while pending
    services.decide(seen_by_first, True, Context(actor=first))
    with pytest.raises(services.AlreadyDecided):
        services.decide(seen_by_second, False, Context(actor=second))
    stored = _pair(a, b)
    assert (stored.decision, stored.decided_by) == ("same", first)
    assert Event.objects.filter(action=services.DECIDE_ACTION).count() == 1


def test_losing_reviewer_is_told_and_sent_on(queued, client, make_user):
    _, (a, b, _), _ = queued
    services.decide(_pair(a, b), False, Context(actor=make_user(Role.PUSAT)))
    client.force_login(make_user(Role.VERIFIER_KABUPATEN, KABUPATEN))
    response = client.post(reverse("linkage_review_pair", args=[_pair(a, b).pk]),
                           {"decision": "same"}, follow=True)
    assert [m.level for m in response.context["messages"]] == [messages.WARNING]
    assert _pair(a, b).decision == "different"


def test_dashboard_counts_per_region(queued, make_user):
    _, (a, b, _), _ = queued
    assert selectors.backlog(KABUPATEN) == 1
    assert selectors.backlog("") == 2
    services.decide(_pair(a, b), True, Context(actor=make_user(Role.PUSAT)))
    assert selectors.backlog(KABUPATEN) == 0
    assert selectors.decided_counts(KABUPATEN) == {"same": 1, "different": 0}
    assert selectors.decided_counts("34") == {"same": 0, "different": 0}
