import pytest
from django.urls import reverse
from django.utils import timezone

from linkage import snapshots
from linkage.models import CleansingProposal, PipelineRun
from registry.models import Member
from synth.generate import generate
from synth.load import load_registry


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "cibinong"
    generate("32.01.01", 40, 21, path)
    return path


@pytest.fixture
def run(db, synth_dir, settings, tmp_path):
    """A finished run that proposes two members of Cibinong as duplicates."""
    settings.VAR_DIR = tmp_path / "var"
    load_registry(synth_dir)
    snap = snapshots.take_snapshot(progress=False)
    run = PipelineRun.objects.create(name="r1", snapshot=snap, snapshot_checksum=snap.checksum,
                                     started_at=timezone.now(), state="done")
    for member in Member.objects.order_by("id")[:2]:
        CleansingProposal.objects.create(run=run, kind="member", record_id=member.pk,
                                         region_code=member.village_id, reason="duplicate")
    return run


def login(client, make_user, role, region=None):
    user = make_user(role, region)
    client.force_login(user)
    return user


@pytest.mark.django_db
def test_dashboard_shows_duplicates_found_and_drills_down_to_kecamatan(client, make_user, run):
    login(client, make_user, "pusat")
    page = client.get(reverse("linkage_dashboard"))
    assert page.status_code == 200
    assert page.context["figures"]["duplicates_found"] == 2
    assert [c["code"] for c in page.context["children"] if c["duplicates_found"]] == ["32"]
    kabupaten = client.get(reverse("linkage_dashboard"), {"region": "32.01"})
    assert [c["code"] for c in kabupaten.context["children"]] == ["32.01.01", "32.01.02"]
    assert kabupaten.context["children"][0]["duplicates_found"] == 2
    kecamatan = client.get(reverse("linkage_dashboard"), {"region": "32.01.01"})
    assert kecamatan.status_code == 200
    assert not any(c["drill"] for c in kecamatan.context["children"])  # villages: the end
    assert "Kualitas data" in page.content.decode() or "Data quality" in page.content.decode()


@pytest.mark.django_db
def test_dashboard_is_scoped_to_the_users_region(client, make_user, run):
    login(client, make_user, "dinsos_provinsi", "34")
    own = client.get(reverse("linkage_dashboard"))
    assert own.status_code == 200 and own.context["region"] == "34"
    assert own.context["figures"]["duplicates_found"] == 0
    assert client.get(reverse("linkage_dashboard"), {"region": "32"}).status_code == 404


@pytest.mark.django_db
def test_roles_without_the_view_do_not_see_data_quality(client, make_user, run):
    login(client, make_user, "operator_desa", "32.01.01.1001")
    assert client.get(reverse("linkage_dashboard")).status_code == 404
    assert client.get(reverse("linkage_run_detail", args=[run.name])).status_code == 404


@pytest.mark.django_db
def test_pusat_accepts_and_applies_from_the_run_page(client, make_user, run):
    login(client, make_user, "pusat")
    page = client.get(reverse("linkage_run_detail", args=[run.name]))
    assert page.context["proposals"][0]["proposed"] == 2 and page.context["can_cleanse"]
    url = reverse("linkage_run_cleanse", args=[run.name])
    client.post(url, {"action": "accept", "reason": "duplicate", "kind": "member"})
    client.post(url, {"action": "apply"})
    assert Member.objects.filter(status="inactive", inactive_reason="duplicate").count() == 2
    dashboard = client.get(reverse("linkage_dashboard"))
    assert dashboard.context["figures"]["duplicates_resolved"] == 2
    client.post(url, {"action": "revert"})
    assert not Member.objects.filter(status="inactive").exists()


@pytest.mark.django_db
def test_provincial_office_sees_the_run_but_cannot_cleanse(client, make_user, run):
    login(client, make_user, "dinsos_provinsi", "32")
    page = client.get(reverse("linkage_run_detail", args=[run.name]))
    assert page.status_code == 200 and not page.context["can_cleanse"]
    response = client.post(reverse("linkage_run_cleanse", args=[run.name]), {"action": "apply"})
    assert response.status_code == 403
    assert client.get(reverse("linkage_run_list")).status_code == 200
