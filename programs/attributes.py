"""The targeting view's attributes: what a rule may name. Each has a type, the units it exists
for, and a description in Indonesian and English (the rule editor's reference and the words of
an explanation). Lists and programs are read through `on_list('kind')` and `in_program('code')`.

`programs/targeting.py` computes every attribute as a column in SQL; the names here are the
column names. An attribute is NULL when the registry does not know it yet (no match with
Dukcapil, no welfare score, no birth date): a rule over it is then "not yet assessed"."""

from dataclasses import dataclass

INT, BOOL, TEXT = "int", "bool", "text"
HOUSEHOLD, PERSON = "household", "person"
BOTH = (HOUSEHOLD, PERSON)


@dataclass(frozen=True)
class Attribute:
    name: str
    type: str
    units: tuple[str, ...]
    id: str  # description, Indonesian
    en: str  # description, English


def _a(name: str, type_: str, id_: str, en: str, units: tuple[str, ...] = BOTH) -> Attribute:
    return Attribute(name, type_, units, id_, en)


ATTRIBUTES: dict[str, Attribute] = {a.name: a for a in [
    # Registry record and region
    _a("in_dtks", BOOL, "Rumah tangga aktif di DTKS", "Household active in DTKS"),
    _a("village_code", TEXT, "Kode desa/kelurahan", "Village code"),
    _a("district_code", TEXT, "Kode kecamatan", "District code"),
    _a("regency_code", TEXT, "Kode kabupaten/kota", "Regency/city code"),
    _a("province_code", TEXT, "Kode provinsi", "Province code"),
    _a("is_kota", BOOL, "Tinggal di kota (bukan kabupaten)", "Lives in a city (kota)"),
    _a("urban", BOOL, "Tinggal di kelurahan", "Lives in a kelurahan (urban)"),
    # Welfare ranking (issue 4)
    _a("desil", INT, "Desil kesejahteraan nasional (1 = termiskin)",
       "National welfare desil (1 = poorest)"),
    _a("desil_province", INT, "Desil kesejahteraan provinsi", "Provincial welfare desil"),
    # Civil-registry match (issue 4)
    _a("head_padan", BOOL, "NIK kepala rumah tangga padan dengan Dukcapil",
       "Head of household's NIK matched (padan) with Dukcapil"),
    _a("all_padan", BOOL, "NIK semua anggota padan dengan Dukcapil",
       "Every member's NIK matched (padan) with Dukcapil"),
    # Composition (active members, the deceased per Dukcapil left out)
    _a("has_head", BOOL, "Ada kepala rumah tangga yang hidup dan aktif",
       "A living, active head of household"),
    _a("n_members", INT, "Jumlah anggota rumah tangga", "Number of members"),
    _a("head_age", INT, "Umur kepala rumah tangga (tahun)", "Age of the head (years)"),
    _a("head_sex", TEXT, "Jenis kelamin kepala rumah tangga (L/P)", "Sex of the head (L/P)"),
    _a("n_elderly", INT, "Jumlah anggota lanjut usia (60 tahun ke atas)",
       "Members aged 60 or more"),
    _a("n_disabled", INT, "Jumlah anggota penyandang disabilitas", "Members with a disability"),
    _a("n_severe_disability", INT, "Jumlah anggota disabilitas berat (ganda/fisik dan mental)",
       "Members with a severe (multiple, physical and mental) disability"),
    _a("n_pregnant", INT, "Jumlah anggota yang sedang hamil", "Pregnant members"),
    _a("n_children_0_6", INT, "Jumlah anak usia dini (0-6 tahun)", "Children aged 0-6"),
    _a("n_children", INT, "Jumlah anak di bawah 18 tahun", "Children under 18"),
    _a("n_school_sd", INT, "Jumlah anak bersekolah di SD/sederajat",
       "Children in primary school"),
    _a("n_school_smp", INT, "Jumlah anak bersekolah di SMP/sederajat",
       "Children in junior secondary school"),
    _a("n_school_sma", INT, "Jumlah anak bersekolah di SMA/sederajat",
       "Children in senior secondary school"),
    _a("n_informal_workers", INT,
       "Jumlah anggota pekerja informal (berusaha sendiri, pekerja bebas, pekerja keluarga)",
       "Members in informal work (own-account, casual, unpaid family work)"),
    # Income and the UMK (seed 000, exclusion 8)
    _a("max_income", INT, "Penghasilan bulanan tertinggi anggota menurut daftar upah (Rp)",
       "Highest monthly income of a member on the wage list (Rp)"),
    _a("umk", INT, "Upah minimum kabupaten/kota (Rp/bulan)", "Regency/city minimum wage (Rp)"),
    _a("income_above_umk", BOOL, "Ada anggota berpenghasilan di atas UMK",
       "A member earns more than the UMK"),
    # The person (person-unit programs)
    _a("age", INT, "Umur (tahun)", "Age (years)", (PERSON,)),
    _a("sex", TEXT, "Jenis kelamin (L/P)", "Sex (L/P)", (PERSON,)),
    _a("padan", BOOL, "NIK padan dengan Dukcapil", "NIK matched (padan) with Dukcapil",
       (PERSON,)),
    _a("disabled", BOOL, "Penyandang disabilitas", "Has a disability", (PERSON,)),
    _a("pregnant", BOOL, "Sedang hamil", "Pregnant", (PERSON,)),
    _a("in_school", BOOL, "Masih bersekolah", "Still in school", (PERSON,)),
    _a("is_head", BOOL, "Kepala rumah tangga", "Head of household", (PERSON,)),
]}

LIST_FUNCTION, PROGRAM_FUNCTION = "on_list", "in_program"
FUNCTIONS = {
    LIST_FUNCTION: ("Tercantum dalam daftar {arg}", "On the list {arg}"),
    PROGRAM_FUNCTION: ("Terdaftar sebagai KPM {arg}", "Enrolled in {arg}"),
}


def list_column(kind: str) -> str:
    return f"list_{kind}"


def program_column(code: str) -> str:
    return f"prog_{code.replace('-', '_')}"


def for_unit(unit: str) -> dict[str, Attribute]:
    return {name: a for name, a in ATTRIBUTES.items() if unit in a.units}
