"""A run's statuses and candidates loaded into the database in bulk, counted per region and
shown on the member page to those who may see the member."""
# ruff: noqa: S608 - SQL over test files' paths.

import duckdb
import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import Event
from civil import selectors, services
from civil.models import CivilCandidate, MemberMatch
from registry.models import Member
from synth.load import load_registry


@pytest.fixture
def loaded(run):
    result = load_registry(run.synth_dir)
    assert result.offsets["member"] == 0  # member ids in the database are those of the files
    return run


def _status_file_counts(run) -> dict[str, int]:
    return dict(duckdb.sql(f"SELECT status, count(*) FROM "
                           f"'{run.out_dir}/civil_status.parquet' GROUP BY 1").fetchall())


@pytest.mark.django_db
def test_load_results_writes_one_status_per_member_and_the_candidates(loaded):
    counts = services.load_results("run-1", loaded.out_dir)
    assert counts["members"] == Member.objects.count() == MemberMatch.objects.count()
    assert counts["candidates"] == CivilCandidate.objects.count() > 0
    expected = _status_file_counts(loaded)
    assert {s: n for s, n in selectors.status_counts("").items() if n} == expected
    event = Event.objects.get(action=services.LOAD_ACTION)
    assert event.source_ref == "run-1"


@pytest.mark.django_db
def test_a_second_run_replaces_the_first_per_member(loaded):
    services.load_results("run-1", loaded.out_dir)
    services.load_results("run-2", loaded.out_dir)
    assert MemberMatch.objects.count() == Member.objects.count()
    assert set(MemberMatch.objects.values_list("run_ref", flat=True)) == {"run-2"}
    assert set(CivilCandidate.objects.values_list("run_ref", flat=True)) == {"run-2"}


@pytest.mark.django_db
def test_status_counts_stay_within_the_region(loaded):
    services.load_results("run-1", loaded.out_dir)
    village = Member.objects.values_list("village_id", flat=True).first()
    in_village = selectors.status_counts(village)
    assert sum(in_village.values()) == Member.objects.filter(village_id=village).count()
    assert sum(selectors.status_counts("32.01").values()) == 0


def _member_with_candidates(run) -> tuple[int, str]:
    return duckdb.sql(f"""
        SELECT c.member_id, c.candidate_nik FROM '{run.out_dir}/civil_candidates.parquet' c
        JOIN '{run.out_dir}/civil_status.parquet' s USING (member_id)
        WHERE s.status = 'no_nik' AND c.rank = 1 ORDER BY 1 LIMIT 1""").fetchall()[0]


@pytest.mark.django_db
def test_member_page_shows_status_and_candidates_to_users_who_may_see_the_member(
        loaded, client, make_user):
    services.load_results("run-1", loaded.out_dir)
    member_id, candidate_nik = _member_with_candidates(loaded)
    member = Member.objects.get(pk=member_id)
    client.force_login(make_user(Role.OPERATOR_DESA, member.village_id))
    page = client.get(reverse("member_detail", args=[member_id]))
    assert page.status_code == 200
    assert b'id="civil-match"' in page.content
    assert candidate_nik.encode() in page.content

    typo = MemberMatch.objects.filter(status="data_differs", differs_name=True).first()
    client.force_login(make_user(Role.PUSAT))
    page = client.get(reverse("member_detail", args=[typo.member_id]))
    assert b"Berbeda dengan data kependudukan pada" in page.content


@pytest.mark.django_db
def test_member_page_of_another_village_stays_closed(loaded, client, make_user):
    services.load_results("run-1", loaded.out_dir)
    member_id, _ = _member_with_candidates(loaded)
    member = Member.objects.get(pk=member_id)
    other = Member.objects.exclude(village_id=member.village_id).values_list(
        "village_id", flat=True).first()
    client.force_login(make_user(Role.OPERATOR_DESA, other))
    assert client.get(reverse("member_detail", args=[member_id])).status_code == 404


@pytest.mark.django_db
def test_member_page_names_the_village_the_civil_registry_places_a_mover_in(
        loaded, client, make_user):
    """Not a bare code: the village with its kecamatan and kabupaten."""
    from wilayah.selectors import label
    services.load_results("run-1", loaded.out_dir)
    match = MemberMatch.objects.exclude(member__village_id="32.01.02.2001").first()
    MemberMatch.objects.filter(pk=match.pk).update(moved=True,
                                                   civil_village_code="32.01.02.2001")
    assert selectors.for_member(match.member_id)["civil_village_label"] == label(
        "32.01.02.2001")
    client.force_login(make_user(Role.PUSAT))
    html = client.get(reverse("member_detail", args=[match.member_id])).content.decode()
    assert label("32.01.02.2001") in html
