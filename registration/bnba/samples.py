"""Synthetic BNBA households for tests and the scale measurement: valid NIKs/KKs, one head of
household and one head of family per KK, members in the shape parse.py returns."""

from datetime import date

from registry.identity import format_nik_for_district

# (sex, relation to household head, relation to family head, marital status)
_ROLES = (("L", 1, 1, 2), ("P", 2, 3, 2), ("P", 3, 4, 1), ("L", 3, 4, 1))


def sample_households(rows: int, village_code: str = "32.01.01.1001") -> list[dict]:
    """Households of up to 4 members, `rows` members in all; NIKs unique up to ~9.8 million."""
    district = village_code[:8]
    households = []
    serial = 0
    number = 0
    while serial < rows:
        number += 1
        members = []
        for order, (sex, to_head, to_family, marital) in enumerate(_ROLES, start=1):
            if serial >= rows:
                break
            serial += 1
            born = date(1940 + serial % 80, 1 + serial % 12, 1 + serial % 28)
            members.append(
                {
                    "nik": format_nik_for_district(district, born, sex, 1 + serial % 9999)
                    if serial < 9999
                    else _nik(district, born, sex, serial),
                    "name": f"Warga {serial}",
                    "sex": sex,
                    "birth_place": "Bogor",
                    "birth_date": born.isoformat(),
                    "relation_to_household_head": to_head,
                    "relation_to_family_head": to_family,
                    "family_order": order,
                    "marital_status": marital,
                    "pregnant": False,
                    "attributes": {
                        "disability": 0,
                        "chronic_illness": 0,
                        "school_participation": 2,
                        "education": 1,
                        "work_sector": 1,
                        "employment_status": 1,
                    },
                }
            )
        households.append(
            {
                "village_code": village_code,
                "address": f"Jl. Mawar No. {number}",
                "rt": f"{1 + number % 20:03d}",
                "rw": f"{1 + number % 5:03d}",
                "families": [
                    {"kk_number": f"{district.replace('.', '')}{number:010d}", "members": members}
                ],
            }
        )
    return households


def _nik(district: str, born: date, sex: str, serial: int) -> str:
    """Beyond 9,999 people the serial runs out; vary the district digits to stay unique."""
    prov, reg, _ = district.split(".")
    return format_nik_for_district(
        f"{prov}.{reg}.{1 + (serial // 9999) % 99:02d}", born, sex, 1 + serial % 9999
    )
