"""Imports of reference lists and of the UMK table: refused files name row and field and leave
nothing behind; the same file twice changes nothing; the newest import of a kind is in force."""

import csv
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command

from audit.models import Event
from programs import lists
from programs.lists import ListImportError, import_list, import_minimum_wages, lists_in_force
from programs.models import ListEntry, ListKind, MinimumWage, ReferenceList
from programs.synth_lists import demo_umk, write_demo_lists
from registry.identity import format_nik_for_district
from synth.generate import generate

pytestmark = pytest.mark.django_db


def nik(serial: int, sex: str = "L") -> str:
    return format_nik_for_district("32.01.01", date(1980, 5, 17), sex, serial)


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def asn_file(tmp_path: Path, serials=(1, 2, 3), name: str = "asn.csv") -> Path:
    return write_csv(tmp_path / name, ["nik", "name", "employer"],
                     [[nik(s), f"Pegawai {s}", "Pemerintah Kabupaten Bogor"] for s in serials])


def test_list_with_a_bad_nik_is_refused_naming_row_and_field_and_nothing_is_written(tmp_path):
    path = write_csv(tmp_path / "asn.csv", ["nik", "name"],
                     [[nik(1), "A"], ["32010117058", "B"], [nik(3), "C"],
                      ["3201011705800000", "D"]])
    with pytest.raises(ListImportError) as refused:
        import_list(path, ListKind.ASN)
    found = [(e.row, e.field) for e in refused.value.errors]
    assert found == [(2, "nik"), (4, "nik")]
    assert "Baris 2, nik: NIK harus 16 digit" in refused.value.summary("id")
    assert "Row 4, nik:" in refused.value.summary("en")
    assert not ReferenceList.objects.exists() and not ListEntry.objects.exists()
    assert not Event.objects.filter(action=lists.LIST_ACTION).exists()


def test_list_import_keeps_each_nik_once_with_employer_as_detail(tmp_path):
    path = asn_file(tmp_path, serials=(1, 2, 1))
    result = import_list(path, ListKind.ASN)
    assert result.created and result.reference_list.rows == 2
    entries = list(ListEntry.objects.order_by("nik").values_list("nik", "name", "detail"))
    assert entries == [(nik(1), "Pegawai 1", "Pemerintah Kabupaten Bogor"),
                       (nik(2), "Pegawai 2", "Pemerintah Kabupaten Bogor")]


def test_the_same_list_file_twice_changes_nothing(tmp_path):
    path = asn_file(tmp_path)
    first = import_list(path, ListKind.ASN)
    events = Event.objects.count()
    again = import_list(path, ListKind.ASN)
    assert not again.created and again.reference_list.pk == first.reference_list.pk
    assert ReferenceList.objects.count() == 1 and ListEntry.objects.count() == 3
    assert Event.objects.count() == events


def test_a_newer_import_of_a_kind_is_the_list_in_force(tmp_path):
    old = import_list(asn_file(tmp_path, (1, 2), "asn-januari.csv"), ListKind.ASN)
    other = import_list(asn_file(tmp_path, (7,), "tni.csv"), ListKind.TNI_POLRI)
    new = import_list(asn_file(tmp_path, (2, 3, 4), "asn-juli.csv"), ListKind.ASN)
    in_force = lists_in_force()
    assert in_force[ListKind.ASN] == new.reference_list
    assert in_force[ListKind.TNI_POLRI] == other.reference_list
    assert old.reference_list.pk != new.reference_list.pk
    assert ListKind.PENSIUN not in in_force


def test_list_import_is_audited_by_file_and_checksum_without_niks(tmp_path):
    result = import_list(asn_file(tmp_path), ListKind.ASN)
    event = Event.objects.get(action=lists.LIST_ACTION)
    assert event.source == "import"
    assert event.source_ref.startswith("asn.csv sha256:" + result.reference_list.checksum[:12])
    assert event.changes["rows"] == 3
    assert not any(nik(s) in str(event.changes) + event.source_ref for s in (1, 2, 3))


def test_wage_list_needs_a_whole_rupiah_income_on_every_row(tmp_path):
    path = write_csv(tmp_path / "upah.csv", ["nik", "name", "monthly_income"],
                     [[nik(1), "A", "4500000"], [nik(2), "B", ""], [nik(3), "C", "3.5 juta"],
                      [nik(4), "D", "-1"]])
    with pytest.raises(ListImportError) as refused:
        import_list(path, ListKind.PENGHASILAN)
    assert [(e.row, e.field) for e in refused.value.errors] == [
        (2, "monthly_income"), (3, "monthly_income"), (4, "monthly_income")]
    assert not ReferenceList.objects.exists()


def test_wage_list_from_parquet_keeps_the_income(tmp_path):
    path = tmp_path / "upah.parquet"
    pq.write_table(pa.table({"nik": [nik(1), nik(2)], "name": ["A", "B"],
                             "monthly_income": pa.array([4_500_000, 0], pa.int64())}), path)
    import_list(path, ListKind.PENGHASILAN)
    assert dict(ListEntry.objects.values_list("nik", "monthly_income")) == {
        nik(1): 4_500_000, nik(2): 0}


def test_income_column_is_ignored_on_other_lists(tmp_path):
    path = write_csv(tmp_path / "asn.csv", ["nik", "monthly_income"], [[nik(1), "banyak"]])
    import_list(path, ListKind.ASN)
    assert ListEntry.objects.get().monthly_income is None


def test_list_without_nik_column_or_of_unknown_kind_is_refused(tmp_path):
    path = write_csv(tmp_path / "asn.csv", ["name"], [["A"]])
    with pytest.raises(ListImportError, match="nik: Required column missing"):
        import_list(path, ListKind.ASN)
    with pytest.raises(ListImportError, match="Unknown list kind"):
        import_list(asn_file(tmp_path), "pegawai")


def test_a_file_imported_as_one_list_is_refused_as_another(tmp_path):
    import_list(asn_file(tmp_path), ListKind.ASN)
    with pytest.raises(ListImportError, match="already imported as the asn list"):
        import_list(asn_file(tmp_path), ListKind.TNI_POLRI)
    assert list(lists_in_force()) == [ListKind.ASN]


def umk_file(tmp_path: Path, rows: list[list], name: str = "umk.csv") -> Path:
    return write_csv(tmp_path / name, ["regency_code", "amount"], rows)


def test_umk_with_an_unknown_regency_is_refused_and_nothing_is_written(tmp_path):
    path = umk_file(tmp_path, [["32.01", "4217206"], ["35.78", "4725479"], ["3201", "1"],
                               ["34.03", "0"]])
    with pytest.raises(ListImportError) as refused:
        import_minimum_wages(path, 2021)
    assert [(e.row, e.field) for e in refused.value.errors] == [
        (2, "regency_code"), (3, "regency_code"), (4, "amount")]
    assert "Kabupaten/kota 35.78 tidak dikenal" in refused.value.summary("id")
    assert not MinimumWage.objects.exists()


def test_umk_import_replaces_the_year_and_the_same_file_twice_changes_nothing(tmp_path):
    import_minimum_wages(umk_file(tmp_path, [["32.01", "4000000"]], "lama.csv"), 2021)
    import_minimum_wages(umk_file(tmp_path, [["34.03", "1800000"]], "lain.csv"), 2020)
    path = umk_file(tmp_path, [["32.01", "4217206"], ["34.03", "1900000"]])
    assert import_minimum_wages(path, 2021).created
    events = Event.objects.count()
    assert not import_minimum_wages(path, 2021).created
    assert Event.objects.count() == events
    assert sorted(MinimumWage.objects.values_list("year", "regency_id", "amount")) == [
        (2020, "34.03", 1_800_000), (2021, "32.01", 4_217_206), (2021, "34.03", 1_900_000)]


def test_umk_file_naming_a_regency_twice_is_refused(tmp_path):
    path = umk_file(tmp_path, [["32.01", "4217206"], ["32.01", "4000000"]])
    with pytest.raises(ListImportError, match="already appears in row 1"):
        import_minimum_wages(path, 2021)


def test_import_list_command_prints_each_error_and_fails(tmp_path):
    path = write_csv(tmp_path / "asn.csv", ["nik"], [[nik(1)], ["abc"]])
    with pytest.raises(CommandError, match="Baris 2, nik"):
        call_command("programs", "import-list", "asn", str(path))
    assert not ReferenceList.objects.exists()


def test_demo_lists_of_a_synthetic_population_import_cleanly(tmp_path):
    synth = tmp_path / "synth"
    generate("34.03.01", 300, 4, synth)
    paths = write_demo_lists(synth, tmp_path / "lists", year=2025)
    assert set(paths) == {"umk", *ListKind.values}
    call_command("programs", "import-umk", "2025", str(paths["umk"]))
    for kind in ListKind.values:
        import_list(paths[kind], kind)
    counts = dict(ReferenceList.objects.values_list("kind", "rows"))
    assert counts[ListKind.PENGHASILAN] > 0 and counts[ListKind.ASN] > 0
    umk = MinimumWage.objects.get(year=2025, regency_id="34.03").amount
    incomes = list(ListEntry.objects.filter(reference_list__kind=ListKind.PENGHASILAN)
                   .values_list("monthly_income", flat=True))
    assert min(incomes) < umk < max(incomes)


def test_demo_umk_covers_each_regency_of_the_scope(tmp_path):
    path = demo_umk("34", 2025, tmp_path / "umk.csv")
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["regency_code"] for r in rows] == ["34.01", "34.02", "34.03", "34.04", "34.71"]
    assert all(int(r["amount"]) > 0 and int(r["amount"]) % 1000 == 0 for r in rows)


def test_every_province_has_one_capital_among_the_official_regencies():
    capitals = lists.provincial_capitals()
    with open(Path(lists.__file__).parent.parent / "wilayah" / "data" / "regencies.csv",
              encoding="utf-8") as f:
        regencies = {r["code"] for r in csv.DictReader(f)}
    assert len(capitals) == 38 and len({c[:2] for c in capitals}) == 38
    assert capitals <= regencies
    assert {"32.73", "31.71", "65.01", "82.72", "95.01"} <= capitals
