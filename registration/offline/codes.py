"""Codes shared by the offline forms, their parsers and the work packages."""

# Verification result of a household visit (FACTS: DTKS update flow).
RESULT_CODES: dict[int, dict[str, str]] = {
    1: {"id": "Ditemukan/terverifikasi", "en": "Verified"},
    2: {"id": "Rumah tangga tidak ditemukan", "en": "Household not found"},
    3: {"id": "Pindah/bangunan tidak ada", "en": "Moved / building gone"},
    4: {"id": "Bagian dari rumah tangga prelist", "en": "Part of a prelist household"},
    5: {"id": "Ganda", "en": "Duplicate"},
}
VERIFIED = 1

SEX_CODES: dict[str, dict[str, str]] = {
    "L": {"id": "Laki-laki", "en": "Male"},
    "P": {"id": "Perempuan", "en": "Female"},
}
YES_NO: dict[str, dict[str, str]] = {
    "yes": {"id": "Ya", "en": "Yes"},
    "no": {"id": "Tidak", "en": "No"},
}
