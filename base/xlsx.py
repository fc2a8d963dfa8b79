"""Helpers for the XLSX exports written with openpyxl."""


def sheet_title(text: str, used: set[str]) -> str:
    """An Excel sheet name for `text`: at most 31 characters, none of []:*?/\\, and unique
    (case-insensitively) among `used`, which it joins."""
    clean = "".join(" " if c in "[]:*?/\\" else c for c in text)[:31].strip()
    name, n = clean, 2
    while name.lower() in used:
        suffix = f" {n}"
        name, n = clean[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def table_sheet(workbook, title: str, headers: list, rows: list, used: set[str]):
    """A new sheet holding one table: its title in bold on row 1, the bold header on row 2,
    then the rows from row 3. The sheet, for the caller's formats."""
    from openpyxl.styles import Font  # imported late: only the exports need openpyxl

    bold = Font(bold=True)
    sheet = workbook.create_sheet(sheet_title(title, used))
    sheet.append([title])
    sheet["A1"].font = bold
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = bold
    for row in rows:
        sheet.append(row)
    return sheet
