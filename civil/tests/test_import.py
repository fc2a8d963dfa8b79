"""Importing a Dukcapil extract: checked row by row, kept immutable, never twice."""

import csv
import stat

import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command

from audit.models import Event
from civil import services
from civil.extracts import ExtractError
from civil.models import CivilExtract

HEADER = ["nik", "kk_number", "name", "birth_place", "birth_date", "sex", "village_code",
          "address", "rt", "rw", "death_date"]
GOOD = ["3403011208800001", "3403010101200001", "Budi Santoso", "Gunungkidul", "1980-08-12",
        "L", "34.03.01.2001", "Dusun Krajan No. 3", "001", "002", ""]


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


@pytest.mark.django_db
def test_import_keeps_the_extract_as_a_read_only_parquet_dataset(population):
    result = services.import_extract(population / "dukcapil.parquet", "gunungkidul")
    extract = result.extract
    path = services.extract_path(extract)
    assert result.created
    assert extract.rows == pq.ParquetFile(population / "dukcapil.parquet").metadata.num_rows
    assert pq.ParquetFile(path).metadata.num_rows == extract.rows
    assert len(extract.checksum) == 64
    assert not path.stat().st_mode & stat.S_IWUSR
    assert Event.objects.filter(action=services.IMPORT_ACTION, object_id=str(extract.pk)).exists()


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing(tmp_path):
    source = write_csv(tmp_path / "dukcapil.csv", [GOOD])
    first = services.import_extract(source)
    written = services.extract_path(first.extract).stat().st_mtime_ns
    second = services.import_extract(source)
    assert not second.created and second.extract == first.extract
    assert CivilExtract.objects.count() == 1
    assert services.extract_path(first.extract).stat().st_mtime_ns == written
    assert Event.objects.filter(action=services.IMPORT_ACTION).count() == 1


@pytest.mark.django_db
def test_a_file_with_errors_is_refused_by_row_and_field_and_nothing_is_written(tmp_path,
                                                                               var_dir):
    bad_nik = [*GOOD[:0], "3403013208800001", *GOOD[1:]]  # day 32: no such date
    bad_sex = ["3403011208800002", *GOOD[1:5], "X", *GOOD[6:]]
    bad_date = ["3403011208800003", *GOOD[1:4], "12-08-1980", *GOOD[5:]]
    source = write_csv(tmp_path / "dukcapil.csv", [GOOD, bad_nik, bad_sex, bad_date, GOOD])
    with pytest.raises(ExtractError) as refused:
        services.import_extract(source)
    found = {(e.row, e.field) for e in refused.value.errors}
    assert found == {(2, "nik"), (3, "sex"), (4, "birth_date"), (1, "nik"), (5, "nik")}
    messages_id = refused.value.summary("id")
    assert "Baris 3, sex: Jenis kelamin harus L atau P." in messages_id
    assert "Row 2, nik: The birth day in the NIK is invalid" in refused.value.summary("en")
    assert "muncul lebih dari sekali" in messages_id  # rows 1 and 5 hold the same NIK
    assert CivilExtract.objects.count() == 0
    assert not (var_dir / "civil").exists() or not any((var_dir / "civil").iterdir())


@pytest.mark.django_db
def test_missing_columns_are_named(tmp_path):
    source = tmp_path / "short.csv"
    source.write_text("nik,name\n3403011208800001,Budi\n", encoding="utf-8")
    with pytest.raises(ExtractError) as refused:
        services.import_extract(source)
    assert {e.field for e in refused.value.errors} == {"kk_number", "birth_date", "sex",
                                                       "village_code"}


@pytest.mark.django_db
def test_import_command_reports_errors_in_indonesian(tmp_path):
    good = write_csv(tmp_path / "good.csv", [GOOD])
    call_command("civil", "import", str(good), "--name", "contoh")
    assert CivilExtract.objects.get().name == "contoh"
    bad = write_csv(tmp_path / "bad.csv", [["3403011208800001", *GOOD[1:5], "X", *GOOD[6:]]])
    with pytest.raises(CommandError, match="Baris 1, sex"):
        call_command("civil", "import", str(bad))


@pytest.mark.django_db
def test_a_file_that_is_not_parquet_is_refused_not_crashed_on(tmp_path):
    source = tmp_path / "dukcapil.parquet"
    source.write_bytes(b"not a parquet file")
    with pytest.raises(ExtractError) as refused:
        services.import_extract(source)
    assert refused.value.errors[0].field == "file"
    assert CivilExtract.objects.count() == 0
