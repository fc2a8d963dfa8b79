# ruff: noqa: S608 -- table names in SQL come from the test itself.
import json

import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command

from audit.services import Context
from linkage import snapshots
from linkage.models import Snapshot
from registry.models import Family, Household, Member
from registry.services import change_status
from synth.generate import SCHEMAS, generate
from synth.load import load_registry

SCOPES = ["32.01.01", "34.03.01"]  # two provinces, both loaded by the root conftest


@pytest.fixture(scope="module")
def synth_dirs(tmp_path_factory):
    root = tmp_path_factory.mktemp("synth")
    dirs = []
    for i, scope in enumerate(SCOPES):
        generate(scope, 60, 7 + i, root / scope)
        dirs.append(root / scope)
    return dirs


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


@pytest.fixture
def loaded(db, synth_dirs):
    for d in synth_dirs:
        load_registry(d)


def snapshot_columns(con, table):
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]


@pytest.mark.django_db
def test_snapshot_holds_every_registry_row_with_the_contract_columns(loaded, var_dir):
    snap = snapshots.take_snapshot(progress=False)
    db_counts = {"households": Household.objects.count(), "families": Family.objects.count(),
                 "members": Member.objects.count()}
    assert (snap.households, snap.families, snap.members) == tuple(db_counts.values())
    con = snapshots.connect(snap)
    for table, count in db_counts.items():
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == count
        expected = [f.name for f in SCHEMAS[table]]
        if table != "families":
            expected += ["status", "inactive_reason"]
        assert snapshot_columns(con, table) == expected + ["province"]
    assert Snapshot.objects.get().manifest["rows"] == db_counts


@pytest.mark.django_db
def test_snapshot_is_partitioned_by_province(loaded, var_dir):
    snap = snapshots.take_snapshot(progress=False)
    for table in snapshots.TABLES:
        folders = sorted(p.name for p in (var_dir / "snapshots" / snap.name / table).iterdir())
        assert folders == ["province=32", "province=34"]
    con = snapshots.connect(snap)
    wrong = con.execute("SELECT count(*) FROM members "
                        "WHERE province <> substr(village_code, 1, 2)").fetchone()[0]
    assert wrong == 0
    orphans = con.execute("SELECT count(*) FROM families f JOIN households h USING "
                          "(household_id) WHERE f.province <> h.province").fetchone()[0]
    assert orphans == 0


@pytest.mark.django_db
def test_snapshot_keeps_values_status_and_answers(loaded, var_dir, make_user):
    member = Member.objects.order_by("id").first()
    admin = make_user("administrator")
    change_status(Context(actor=admin), member, "inactive", "deceased")
    household = Household.objects.order_by("id").last()
    Household.objects.filter(pk=household.pk).update(latitude="-7.123456", longitude="110.5")
    household.refresh_from_db()
    snap = snapshots.take_snapshot(progress=False)
    con = snapshots.connect(snap)
    row = con.execute("SELECT nik, name, birth_date, sex, status, inactive_reason, pregnant "
                      "FROM members WHERE member_id = ?", [member.pk]).fetchone()
    assert row == (member.nik, member.name, member.birth_date, member.sex, "inactive",
                   "deceased", member.pregnant)
    answers, code, floor, lat = con.execute(
        "SELECT answers, instrument_code, floor_material, latitude FROM households "
        "WHERE household_id = ?", [household.pk]).fetchone()
    assert json.loads(answers) == household.answers
    assert (code, floor) == ("dtks", household.floor_material)
    assert lat == pytest.approx(float(household.latitude), abs=1e-6)
    active = con.execute("SELECT DISTINCT status, inactive_reason FROM households").fetchall()
    assert active == [("active", "")]


@pytest.mark.django_db
def test_snapshot_checksum_verifies_and_tampering_is_detected(loaded, var_dir):
    snap = snapshots.take_snapshot(progress=False)
    assert snapshots.verify(snap) == []
    manifest = snapshots.read_manifest(snap)
    assert manifest["checksum"] == snap.checksum == snapshots.overall_checksum(manifest["files"])
    victim = next(iter(sorted((var_dir / "snapshots" / snap.name / "members").rglob("*.parquet"))))
    assert victim.stat().st_mode & 0o222 == 0  # written once, read-only
    victim.chmod(0o644)
    table = pq.read_table(victim)
    pq.write_table(table.slice(1), victim)  # one member silently dropped
    problems = snapshots.verify(snap)
    assert problems == [f"changed file {victim.relative_to(var_dir / 'snapshots' / snap.name)}"]
    with pytest.raises(snapshots.SnapshotError, match="fails verification"):
        snapshots.require_intact(snap)


@pytest.mark.django_db
def test_snapshot_of_an_empty_registry_still_has_the_three_views(var_dir):
    snap = snapshots.take_snapshot(progress=False)
    con = snapshots.connect(snap)
    assert con.execute("SELECT count(*) FROM members").fetchone()[0] == 0
    assert "inactive_reason" in snapshot_columns(con, "households")


@pytest.mark.django_db
def test_snapshot_from_synth_has_the_same_layout_as_from_the_database(loaded, synth_dirs,
                                                                      var_dir):
    from_db = snapshots.connect(snapshots.take_snapshot(progress=False))
    synth = snapshots.snapshot_from_synth(synth_dirs[1], name="gunungkidul")
    from_synth = snapshots.connect(synth)
    for table in snapshots.TABLES:
        assert snapshot_columns(from_synth, table) == snapshot_columns(from_db, table)
        assert from_synth.execute(f"DESCRIBE {table}").fetchall() == \
            from_db.execute(f"DESCRIBE {table}").fetchall()
    rows = pq.ParquetFile(synth_dirs[1] / "members.parquet").metadata.num_rows
    assert synth.members == rows
    assert snapshots.verify(synth) == []


@pytest.mark.django_db
def test_snapshot_command_takes_and_verifies(loaded, var_dir, capsys):
    call_command("snapshot", "--name", "harian", "--no-progress")
    assert "snapshot harian:" in capsys.readouterr().out
    call_command("snapshot", "--verify", "harian")
    assert "intact" in capsys.readouterr().out
    with pytest.raises(CommandError, match="taken"):
        call_command("snapshot", "--name", "harian", "--no-progress")
