"""BNBA list import, without the database.

The rules under test (registration/bnba/layout.py):
- One row per member; a household is the rows with the same village code, address, RT and RW,
  and may hold several KKs; a KK belongs to one household only.
- NIK and KK are 16 digits (registry.identity); codes come from the instrument's code lists;
  birth dates are DD-MM-YYYY, YYYY-MM-DD or Excel dates; a NIK appears once in a file.
- Every error is reported with the row as the user sees it, the column title and a message in
  Indonesian and English; a file with any error yields errors, not partial results.
- The same content gives the same content hash, whether sent as XLSX or CSV.
"""

import copy
import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from registration.bnba.export import export_csv, export_xlsx
from registration.bnba.layout import COLUMNS
from registration.bnba.parse import parse_bnba
from registration.bnba.samples import sample_households

TODAY = date(2026, 1, 1)
TITLES = [c.title for c in COLUMNS]


def without_rows(households: list[dict]) -> list[dict]:
    return [{k: v for k, v in h.items() if k != "row"} for h in households]


def csv_from_rows(rows: list[list], delimiter: str = ",", bom: bool = False) -> bytes:
    lines = [delimiter.join(TITLES)] + [delimiter.join(str(v) for v in r) for r in rows]
    return ("\ufeff" if bom else "").encode() + "\r\n".join(lines).encode()


def xlsx_from_rows(rows: list[list]) -> bytes:
    wb = Workbook()
    wb.active.title = "BNBA"
    wb.active.append(TITLES)
    for r in rows:
        wb.active.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def member_row(**changes) -> list:
    """One valid row (a head of household and of family), with columns changed by key."""
    values = {
        "village_code": "32.01.01.1001",
        "address": "Jl. Melati 5",
        "rt": "001",
        "rw": "002",
        "kk_number": "3201010101200001",
        "nik": "3201011708850001",
        "name": "Budi Santoso",
        "sex": "L",
        "birth_place": "Bogor",
        "birth_date": "17-08-1985",
        "relation_to_household_head": 1,
        "relation_to_family_head": 1,
        "family_order": 1,
        "marital_status": 2,
        "pregnant": "T",
        "disability": 0,
        "chronic_illness": 0,
        "school_participation": 2,
        "education": 3,
        "work_sector": 12,
        "employment_status": 1,
    }
    values.update(changes)
    return [values[c.key] for c in COLUMNS]


def parse(data: bytes, **options):
    return parse_bnba(data, today=TODAY, **options)


@pytest.fixture
def households() -> list[dict]:
    return sample_households(40)


def test_exported_xlsx_parses_back_to_the_same_households(households):
    result = parse(export_xlsx(households))
    assert result.errors == []
    assert without_rows(result.households) == households


def test_exported_csv_parses_back_to_the_same_households(households):
    result = parse(export_csv(households))
    assert result.errors == []
    assert without_rows(result.households) == households


def test_csv_and_xlsx_of_the_same_list_give_the_same_records_and_hash(households):
    from_csv, from_xlsx = parse(export_csv(households)), parse(export_xlsx(households))
    assert from_csv.households == from_xlsx.households
    assert from_csv.content_hash == from_xlsx.content_hash
    assert from_csv.rows == from_xlsx.rows == 40


def test_content_hash_changes_with_the_content(households):
    changed = copy.deepcopy(households)
    changed[0]["families"][0]["members"][0]["name"] = "Nama Lain"
    assert parse(export_csv(households)).content_hash != parse(export_csv(changed)).content_hash


def test_households_group_rows_by_address_and_keep_several_kks():
    rows = [
        member_row(),
        member_row(
            nik="3201015708870002",
            name="Siti",
            sex="P",
            birth_date="1987-08-17",
            relation_to_household_head=2,
            relation_to_family_head=3,
            family_order=2,
        ),
        # Same address written differently, a second KK in the same household.
        member_row(
            address="  jl.  MELATI 5 ",
            kk_number="3201010101200002",
            nik="3201010101000003",
            name="Andi",
            birth_date="01/01/2000",
            relation_to_household_head=3,
            relation_to_family_head=1,
            marital_status=1,
        ),
        member_row(
            address="Jl. Kenanga 1",
            kk_number="3201010101200003",
            nik="3201010202900004",
            name="Joko",
            birth_date="02-02-1990",
        ),
    ]
    result = parse(csv_from_rows(rows))
    assert result.errors == []
    assert [len(h["families"]) for h in result.households] == [2, 1]
    first = result.households[0]
    assert (first["address"], first["rt"], first["rw"], first["row"]) == (
        "Jl. Melati 5",
        "001",
        "002",
        2,
    )
    assert [m["name"] for m in first["families"][0]["members"]] == ["Budi Santoso", "Siti"]
    assert first["families"][1]["members"][0]["birth_date"] == "2000-01-01"


def test_a_file_with_three_bad_rows_lists_exactly_those_rows_and_no_households():
    rows = [
        member_row(
            nik=f"32010117088500{i:02d}",
            name=f"Warga {i}",
            address=f"Jl. A {i}",
            kk_number=f"32010101012000{i:02d}",
        )
        for i in range(1, 11)
    ]
    rows[2][TITLES.index("NIK")] = "320101170885"  # row 4: 12 digits
    rows[5][TITLES.index("Status Perkawinan")] = 9  # row 7: not a marital status code
    rows[8][TITLES.index("Tanggal Lahir")] = "31-02-1985"  # row 10: no such date
    for data in (csv_from_rows(rows), xlsx_from_rows(rows)):
        result = parse(data)
        assert [(e.row, e.column) for e in result.errors] == [
            (4, "NIK"),
            (7, "Status Perkawinan"),
            (10, "Tanggal Lahir"),
        ]
        assert result.households == []
        assert "16 digit" in result.errors[0].message("id")
        assert "16 digits" in result.errors[0].message("en")
        assert "daftar kode" in result.errors[1].message_id
        assert "not in the code list" in result.errors[1].message_en
        assert result.errors[2].message("en") == "Invalid date: '31-02-1985' (use DD-MM-YYYY)."


def test_a_nik_twice_in_the_file_is_an_error_on_the_second_row():
    rows = [member_row(), member_row(kk_number="3201010101200002", address="Jl. Lain")]
    result = parse(csv_from_rows(rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "NIK")]
    assert result.errors[0].message_id == (
        "NIK ini sudah ada di baris 2; satu orang hanya satu baris."
    )


def test_a_kk_spread_over_two_addresses_is_an_error():
    rows = [
        member_row(),
        member_row(
            address="Jl. Mawar 9",
            nik="3201015708870002",
            sex="P",
            relation_to_family_head=3,
            family_order=2,
        ),
    ]
    result = parse(csv_from_rows(rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "Nomor KK")]
    assert "baris 2" in result.errors[0].message_id
    assert "one household only" in result.errors[0].message_en


def test_a_household_needs_exactly_one_head_and_a_kk_one_head_of_family():
    no_head = [member_row(relation_to_household_head=3)]
    result = parse(csv_from_rows(no_head))
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "Hubungan dengan Kepala Rumah Tangga")
    ]
    assert result.errors[0].message_en == "This household has no head of household (code 1)."
    two_heads = [member_row(), member_row(nik="3201015708870002", sex="P", family_order=2)]
    result = parse(csv_from_rows(two_heads))
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "Hubungan dengan Kepala Rumah Tangga"),
        (3, "Hubungan dengan Kepala Keluarga"),
    ]


def test_every_required_cell_left_blank_is_reported():
    result = parse(csv_from_rows([member_row(name="", sex="", nik="", birth_date="")]))
    assert [(e.row, e.column, e.message_en) for e in result.errors] == [
        (2, "NIK", "Required."),
        (2, "Nama Lengkap", "Required."),
        (2, "Jenis Kelamin", "Required."),
        (2, "Tanggal Lahir", "Required."),
    ]


def test_a_missing_required_column_is_reported_against_the_header_row():
    data = b"Kode Desa/Kelurahan,Alamat,NIK\r\n32.01.01.1001,Jl. A,3201011708850001\r\n"
    result = parse(data)
    assert result.households == []
    assert {e.row for e in result.errors} == {1}
    assert "Nomor KK" in {e.column for e in result.errors}
    assert result.errors[0].message_en == "This required column is missing from the header row."


def test_csv_with_bom_and_semicolons_and_columns_in_any_order_is_read():
    order = list(reversed(range(len(COLUMNS))))
    header = ";".join(TITLES[i] for i in order)
    row = member_row()
    body = ";".join(str(row[i]) for i in order)
    result = parse(f"\ufeff{header}\r\n{body}\r\n".encode())
    assert result.errors == []
    assert result.households[0]["families"][0]["members"][0]["nik"] == "3201011708850001"


def test_xlsx_dates_numbers_and_codes_as_cells_are_understood():
    row = member_row(
        birth_date=datetime(1985, 8, 17),
        nik=3201011708850001,
        rt=1,
        kk_number=3201010101200001,
        marital_status=2.0,
    )
    excel_serial = member_row(
        nik="3201015708870002",
        name="Siti",
        sex="P",
        family_order=2,
        relation_to_household_head=2,
        relation_to_family_head=3,
        # 17-07-1987 as an unformatted Excel serial number
        birth_date=(date(1987, 7, 17) - date(1899, 12, 30)).days,
    )
    result = parse(xlsx_from_rows([row, excel_serial]))
    assert result.errors == []
    members = result.households[0]["families"][0]["members"]
    assert [m["birth_date"] for m in members] == ["1985-08-17", "1987-07-17"]
    assert result.households[0]["rt"] == "001"


def test_village_outside_the_importers_area_is_refused():
    result = parse(csv_from_rows([member_row()]), village_codes={"32.01.01.1002"})
    assert [(e.row, e.column) for e in result.errors] == [(2, "Kode Desa/Kelurahan")]
    assert "outside your area" in result.errors[0].message_en


def test_a_man_cannot_be_pregnant_and_unknown_sex_is_refused():
    result = parse(
        csv_from_rows(
            [
                member_row(pregnant="Y"),
                member_row(
                    nik="3201015708870002",
                    sex="X",
                    relation_to_household_head=2,
                    relation_to_family_head=3,
                    family_order=2,
                ),
            ]
        )
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "Sedang Hamil"), (3, "Jenis Kelamin")]


def test_sex_or_birth_date_not_matching_the_nik_is_a_warning_only():
    result = parse(csv_from_rows([member_row(birth_date="18-08-1985")]))
    assert result.errors == []
    assert [(w.row, w.column) for w in result.warnings] == [(2, "Tanggal Lahir")]


def test_not_a_workbook_and_an_empty_file_are_clear_errors():
    broken = export_xlsx(sample_households(3))[:500]
    assert parse(broken).errors[0].message_en.startswith("The file cannot be read as XLSX")
    assert parse(b"").errors[0].message_en == "The file is empty: there is no header row."
    header_only = csv_from_rows([])
    assert parse(header_only).errors[0].message_en == "The file has no data rows."


def test_exported_xlsx_keeps_identity_numbers_as_text():
    ws = load_workbook(io.BytesIO(export_xlsx(sample_households(1))), read_only=True).active
    second = next(ws.iter_rows(min_row=2, max_row=2, values_only=True))
    assert isinstance(second[TITLES.index("NIK")], str)
    assert isinstance(second[TITLES.index("Nomor KK")], str)
    assert second[TITLES.index("RT")] == "002"
