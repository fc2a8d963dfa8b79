"""The XLSForm of the pendamping's offline capture (ODK Collect / KoboToolbox): one visit per
submission, with the same field names as the health-visit import (nik, tanggal, jenis, hadir,
fasilitas), so the server's CSV export of the submissions is imported as it is."""

import io

from . import rules

LABELS = {"anc": ("Pemeriksaan kehamilan", "Antenatal check"),
          "imunisasi": ("Imunisasi", "Immunisation"),
          "penimbangan": ("Penimbangan", "Weighing"),
          "kunjungan_rumah": ("Kunjungan rumah", "Home visit"),
          "posyandu_lansia": ("Posyandu Lansia", "Posyandu Lansia")}


def build(version: int) -> bytes:
    """The XLSForm workbook (survey, choices, settings) for the rules version in force."""
    from openpyxl import Workbook

    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label::Indonesia (id)", "label::English (en)", "required",
                   "constraint", "constraint_message::Indonesia (id)"])
    survey.append(["text", "nik", "NIK anggota keluarga", "Member's NIK", "yes",
                   "regex(., '^[0-9]{16}$')", "NIK harus 16 angka"])
    survey.append(["date", "tanggal", "Tanggal kunjungan", "Date of the visit", "yes",
                   ". <= today()", "Tanggal tidak boleh di masa depan"])
    survey.append(["select_one jenis", "jenis", "Jenis kunjungan", "Kind of visit", "yes", "", ""])
    survey.append(["select_one hadir", "hadir", "Hadir?", "Attended?", "yes", "", ""])
    survey.append(["text", "fasilitas", "Tempat (posyandu, puskesmas, rumah)",
                   "Place (posyandu, puskesmas, home)", "no", "", ""])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label::Indonesia (id)", "label::English (en)"])
    for vtype in rules.VISIT_TYPES:
        choices.append(["jenis", vtype, *LABELS[vtype]])
    choices.append(["hadir", "ya", "Ya", "Yes"])
    choices.append(["hadir", "tidak", "Tidak", "No"])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(["Verifikasi komitmen PKH", "pkh_kunjungan", f"{version}",
                     "Indonesia (id)"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
