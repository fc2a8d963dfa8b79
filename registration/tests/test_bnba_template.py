"""The downloadable BNBA templates: the header row in Indonesian and a 'Petunjuk' sheet that
explains every column and lists the codes; a filled-in template imports without changes."""

import io

from openpyxl import load_workbook

from registration.bnba.layout import COLUMNS
from registration.bnba.parse import parse_bnba
from registration.bnba.template import csv_template, xlsx_template
from registry.instrument import shipped_definition


def test_xlsx_template_has_the_indonesian_header_and_an_instruction_sheet():
    wb = load_workbook(io.BytesIO(xlsx_template()))
    assert wb.sheetnames == ["BNBA", "Petunjuk"]
    header = [c.value for c in wb["BNBA"][1]]
    assert header == [c.title for c in COLUMNS]
    help_rows = [[c.value for c in row] for row in wb["Petunjuk"].iter_rows()]
    explained = {row[0]: row for row in help_rows[1 : len(COLUMNS) + 1]}
    assert set(explained) == set(header)
    assert explained["NIK"][1] == "Ya" and "16 angka" in explained["NIK"][2]


def test_instruction_sheet_lists_every_code_of_every_coded_column():
    wb = load_workbook(io.BytesIO(xlsx_template()))
    cells = [[c.value for c in row] for row in wb["Petunjuk"].iter_rows()]
    definition = shipped_definition()
    for column in (c for c in COLUMNS if c.code_list):
        start = cells.index([f"Daftar kode: {column.code_list}", None, None, None])
        listed = {}
        for row in cells[start + 1 :]:
            if row[0] is None:
                break
            listed[str(row[0])] = row[1]
        assert listed == {k: v["id"] for k, v in definition["code_lists"][column.code_list].items()}


def test_identity_columns_of_the_xlsx_template_are_formatted_as_text():
    ws = load_workbook(io.BytesIO(xlsx_template()))["BNBA"]
    nik_column = [c.title for c in COLUMNS].index("NIK") + 1
    assert ws.cell(row=2, column=nik_column).number_format == "@"


def test_csv_template_is_the_header_row_with_a_bom():
    data = csv_template()
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").strip() == ";".join(c.title for c in COLUMNS)


def test_an_unfilled_template_reports_no_data_rather_than_bad_columns():
    for template in (xlsx_template(), csv_template()):
        assert [e.message_en for e in parse_bnba(template).errors] == ["The file has no data rows."]
