"""Downloadable BNBA templates: an XLSX with the header row and a 'Petunjuk' (instructions)
sheet that explains each column and lists the codes, and a CSV with the header row only."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from registry.instrument import shipped_definition

from .export import DATE_FORMAT, TEXT_FORMAT, export_csv
from .layout import COLUMNS, HELP_SHEET_TITLE, SHEET_TITLE

TEMPLATE_ROWS = 2000  # rows pre-formatted as text / with the L-P drop-down


def xlsx_template(definition: dict | None = None) -> bytes:
    definition = definition or shipped_definition()
    wb = Workbook()
    sheet = wb.active
    sheet.title = SHEET_TITLE
    _data_sheet(sheet)
    _help_sheet(wb.create_sheet(HELP_SHEET_TITLE), definition)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_template() -> bytes:
    return export_csv([])


def _data_sheet(ws) -> None:
    ws.append([c.title for c in COLUMNS])
    ws.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        header = ws.cell(row=1, column=index)
        header.font = Font(bold=True)
        header.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[letter].width = max(12, min(40, len(column.title) + 4))
        number_format = {
            "kk": TEXT_FORMAT,
            "nik": TEXT_FORMAT,
            "rt": TEXT_FORMAT,
            "village": TEXT_FORMAT,
            "date": DATE_FORMAT,
        }.get(column.kind)
        if number_format:
            for row in range(2, TEMPLATE_ROWS + 2):
                ws.cell(row=row, column=index).number_format = number_format
        if column.kind == "sex":
            check = DataValidation(type="list", formula1='"L,P"', allow_blank=True)
            check.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            ws.add_data_validation(check)


def _help_sheet(ws, definition: dict) -> None:
    bold = Font(bold=True)
    ws.append(["Kolom", "Wajib", "Keterangan", "Daftar kode"])
    for cell in ws[1]:
        cell.font = bold
    for column in COLUMNS:
        ws.append(
            [column.title, "Ya" if column.required else "Tidak", column.help_id, column.code_list]
        )
    ws.append([])
    ws.append(
        [
            "Satu baris untuk setiap anggota rumah tangga. Satu rumah tangga = baris dengan "
            "kode desa, alamat, RT dan RW yang sama; boleh berisi beberapa KK. Satu KK hanya "
            "boleh ada di satu rumah tangga. NIK tidak boleh muncul dua kali."
        ]
    )
    ws.append([])
    for name in sorted({c.code_list for c in COLUMNS if c.code_list}):
        ws.append([f"Daftar kode: {name}"])
        ws.cell(row=ws.max_row, column=1).font = bold
        for code, label in definition["code_lists"][name].items():
            ws.append([int(code), label["id"]])
        ws.append([])
    for letter, width in zip("ABCD", (38, 8, 70, 22), strict=True):
        ws.column_dimensions[letter].width = width
