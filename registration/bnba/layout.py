"""The column layout of a BNBA (by-name-by-address) list: one row per member.

Columns (title as it appears in the header row; * = required):

    Kode Desa/Kelurahan*   village code 'PP.KK.DD.VVVV' (or its 10 digits without dots)
    Alamat*                street address of the household
    RT, RW                 neighbourhood numbers, up to 3 digits ('1' is stored as '001')
    Nomor KK*              16-digit Kartu Keluarga number
    NIK*                   16-digit NIK
    Nama Lengkap*          full name as on the KK
    Jenis Kelamin*         L (laki-laki) or P (perempuan)
    Tempat Lahir           place of birth
    Tanggal Lahir*         DD-MM-YYYY, DD/MM/YYYY, YYYY-MM-DD or an Excel date cell
    Hubungan dengan Kepala Rumah Tangga*   code list relation_household (1 = head)
    Hubungan dengan Kepala Keluarga*       code list relation_family (1 = head of the KK)
    Nomor Urut dalam KK*   1-99, the member's order on the KK
    Status Perkawinan*     code list marital_status
    Sedang Hamil           Y/T (blank = T); only for P
    Disabilitas, Penyakit Kronis, Partisipasi Sekolah, Ijazah Tertinggi, Lapangan Usaha,
    Status dalam Pekerjaan  codes of the instrument's member code lists (blank = 0)

A household (rumah tangga) is the set of rows with the same village code, address, RT and RW
(address compared without case and extra spaces); it holds one or more KKs. A KK belongs to
exactly one household: the same KK number under two addresses is an error. A household has
exactly one head of household (relationship code 1), a KK exactly one head of family (code 1).
"""

from dataclasses import dataclass

# The member's coded attributes that the registry keeps under `attributes`.
ATTRIBUTE_KEYS = (
    "disability",
    "chronic_illness",
    "school_participation",
    "education",
    "work_sector",
    "employment_status",
)


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # Indonesian header, what the user sees
    title_en: str
    kind: str  # village | text | rt | kk | nik | sex | date | code | order | yes_no
    required: bool = False
    code_list: str = ""
    help_id: str = ""
    help_en: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("village_code", "Kode Desa/Kelurahan", "Village code", "village", True,
           help_id="Kode wilayah desa/kelurahan PP.KK.DD.VVVV, mis. 32.01.01.1001.",
           help_en="Village code PP.KK.DD.VVVV, e.g. 32.01.01.1001."),
    Column("address", "Alamat", "Address", "text", True,
           help_id="Alamat rumah tangga (jalan, nomor, dusun).",
           help_en="Household address (street, number, hamlet)."),
    Column("rt", "RT", "RT", "rt", help_id="Nomor RT, paling banyak 3 angka.",
           help_en="RT number, at most 3 digits."),
    Column("rw", "RW", "RW", "rt", help_id="Nomor RW, paling banyak 3 angka.",
           help_en="RW number, at most 3 digits."),
    Column("kk_number", "Nomor KK", "KK number", "kk", True,
           help_id="Nomor Kartu Keluarga, 16 angka. Format sel sebagai Teks.",
           help_en="Family card number, 16 digits. Format the cell as Text."),
    Column("nik", "NIK", "NIK", "nik", True,
           help_id="Nomor Induk Kependudukan, 16 angka. Format sel sebagai Teks.",
           help_en="National identity number, 16 digits. Format the cell as Text."),
    Column("name", "Nama Lengkap", "Full name", "text", True,
           help_id="Nama lengkap sesuai KK.", help_en="Full name as on the KK."),
    Column("sex", "Jenis Kelamin", "Sex", "sex", True,
           help_id="L = laki-laki, P = perempuan.", help_en="L = male, P = female."),
    Column("birth_place", "Tempat Lahir", "Place of birth", "text",
           help_id="Tempat lahir.", help_en="Place of birth."),
    Column("birth_date", "Tanggal Lahir", "Birth date", "date", True,
           help_id="DD-MM-YYYY (mis. 17-08-1985), YYYY-MM-DD, atau sel tanggal Excel.",
           help_en="DD-MM-YYYY (e.g. 17-08-1985), YYYY-MM-DD, or an Excel date cell."),
    Column("relation_to_household_head", "Hubungan dengan Kepala Rumah Tangga",
           "Relationship to the head of household", "code", True, "relation_household",
           help_id="Kode; setiap rumah tangga punya tepat satu kepala rumah tangga (kode 1).",
           help_en="Code; every household has exactly one head of household (code 1)."),
    Column("relation_to_family_head", "Hubungan dengan Kepala Keluarga",
           "Relationship to the head of family", "code", True, "relation_family",
           help_id="Kode; setiap KK punya tepat satu kepala keluarga (kode 1).",
           help_en="Code; every KK has exactly one head of family (code 1)."),
    Column("family_order", "Nomor Urut dalam KK", "Order on the KK", "order", True,
           help_id="Nomor urut anggota pada KK, 1-99.", help_en="Member's order on the KK, 1-99."),
    Column("marital_status", "Status Perkawinan", "Marital status", "code", True,
           "marital_status", help_id="Kode.", help_en="Code."),
    Column("pregnant", "Sedang Hamil", "Pregnant", "yes_no",
           help_id="Y = ya, T = tidak (kosong = T); hanya untuk perempuan.",
           help_en="Y = yes, T = no (blank = no); women only."),
    Column("disability", "Disabilitas", "Disability", "code", code_list="disability",
           help_id="Kode; kosong = 0.", help_en="Code; blank = 0."),
    Column("chronic_illness", "Penyakit Kronis", "Chronic illness", "code",
           code_list="chronic_illness", help_id="Kode; kosong = 0.", help_en="Code; blank = 0."),
    Column("school_participation", "Partisipasi Sekolah", "School participation", "code",
           code_list="school_participation", help_id="Kode; kosong = 0.",
           help_en="Code; blank = 0."),
    Column("education", "Ijazah Tertinggi", "Highest certificate", "code",
           code_list="education", help_id="Kode; kosong = 0.", help_en="Code; blank = 0."),
    Column("work_sector", "Lapangan Usaha", "Sector of work", "code", code_list="work_sector",
           help_id="Kode; kosong = 0.", help_en="Code; blank = 0."),
    Column("employment_status", "Status dalam Pekerjaan", "Employment status", "code",
           code_list="employment_status", help_id="Kode; kosong = 0.",
           help_en="Code; blank = 0."),
)  # fmt: skip

BY_KEY = {c.key: c for c in COLUMNS}
SHEET_TITLE = "BNBA"
HELP_SHEET_TITLE = "Petunjuk"


@dataclass(frozen=True)
class RowError:
    """One problem in the file: the row number as the user sees it in the sheet (the header is
    row 1; 0 for the file as a whole), the column title ('' if none) and the message."""

    row: int
    column: str
    message_id: str
    message_en: str

    def message(self, lang: str = "id") -> str:
        return self.message_en if lang == "en" else self.message_id
