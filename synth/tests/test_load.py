import io
import json

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.db.models import F

from audit.models import Event
from registry.models import Family, Household, Member
from synth.generate import generate
from synth.load import ACTION, LoadError, load_registry

SCOPE = "34.03.01"  # loaded by the root conftest


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth-load") / "wonosari"
    generate(SCOPE, 200, 5, path)
    return path


def parquet_rows(out_dir, name: str) -> int:
    return pq.ParquetFile(out_dir / f"{name}.parquet").metadata.num_rows


@pytest.mark.django_db
def test_load_inserts_exactly_the_registry_of_the_parquet_files(out_dir):
    result = load_registry(out_dir)
    assert (result.households, result.families, result.members) == (
        parquet_rows(out_dir, "households"), parquet_rows(out_dir, "families"),
        parquet_rows(out_dir, "members"))
    assert Household.objects.count() == result.households
    assert Family.objects.count() == result.families
    assert Member.objects.count() == result.members


@pytest.mark.django_db
def test_loaded_records_keep_the_values_of_the_parquet(out_dir):
    load_registry(out_dir)
    household = pq.read_table(out_dir / "households.parquet").slice(0, 1).to_pylist()[0]
    loaded = Household.objects.get(pk=household["household_id"])
    assert loaded.village_id == household["village_code"]
    assert loaded.answers == json.loads(household["answers"])
    assert loaded.floor_material == household["floor_material"]
    assert loaded.instrument.code == "dtks"
    for member in pq.read_table(out_dir / "members.parquet").to_pylist()[:50]:
        row = Member.objects.get(pk=member["member_id"])
        assert (row.nik, row.name, row.name_key, row.birth_date, row.sex, row.pregnant) == (
            member["nik"], member["name"], member["name_key"], member["birth_date"],
            member["sex"], member["pregnant"])
        assert (row.household_id, row.family_id) == (member["household_id"], member["family_id"])


@pytest.mark.django_db
def test_second_load_into_the_same_database_does_not_collide(out_dir, make_household):
    existing = make_household()
    first = load_registry(out_dir)
    second = load_registry(out_dir)
    assert first.offsets["household"] == existing.pk
    assert second.offsets["household"] == existing.pk + first.households
    assert Household.objects.count() == 1 + 2 * first.households
    assert Member.objects.count() == 1 + 2 * first.members
    # Members still point to families of their own household after the id shift.
    assert not Member.objects.exclude(family__household=F("household")).exists()
    # The id sequences continue after the loaded rows.
    later = make_household(nik="3201011208850004", kk="3201010101200002")
    assert later.pk == existing.pk + 2 * first.households + 1


@pytest.mark.django_db
def test_load_records_one_audit_event_for_the_whole_run(out_dir):
    result = load_registry(out_dir)
    event = Event.objects.get(action=ACTION)
    assert (event.object_type, event.object_id) == ("synth.run", out_dir.name)
    assert event.source == "batch"
    assert event.changes["members"] == result.members
    assert event.region_code == SCOPE


@pytest.mark.django_db
def test_load_refuses_a_population_whose_villages_are_not_in_the_database(tmp_path):
    generate("34.03.02", 20, 1, tmp_path)
    with pytest.raises(LoadError, match="load_wilayah"):
        load_registry(tmp_path)
    assert not Household.objects.exists()


@pytest.mark.django_db
def test_synth_command_generates_and_loads(tmp_path):
    output = io.StringIO()
    call_command("synth", scope=SCOPE, households=40, seed=3, out=tmp_path, load=True,
                 stdout=output)
    assert "loaded" in output.getvalue()
    assert Household.objects.count() == parquet_rows(tmp_path, "households") > 0
    assert (tmp_path / "dukcapil.parquet").exists()

