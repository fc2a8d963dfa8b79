"""The villages of a scope, read from the shipped region CSV files so that generating a
population needs no database."""

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import wilayah

# The shipped CSV files of wilayah.services.load_regions, read directly so that no Django
# set-up (and no database) is needed to generate.
DATA_DIR = Path(wilayah.__file__).resolve().parent / "data"

SCOPE = re.compile(r"(\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?)?")


@dataclass(frozen=True)
class Villages:
    """Villages of a scope in code order, with their district (kecamatan) and regency."""

    code: np.ndarray  # 'PP.KK.DD.VVVV' (str objects)
    name: np.ndarray
    urban: np.ndarray  # kelurahan (4th part starts with 1) rather than desa
    district: np.ndarray  # index into district_code
    district_code: np.ndarray  # 'PP.KK.DD'
    district_number: np.ndarray  # PPKKDD as an integer, the first 6 digits of NIK and KK
    district_regency: np.ndarray  # regency name without 'Kabupaten'/'Kota', a birth place
    district_regency_name: np.ndarray  # 'Kabupaten Gunungkidul'
    district_province: np.ndarray  # 'PP'
    district_province_name: np.ndarray

    def __len__(self) -> int:
        return len(self.code)


def _in_scope(code: str, scope: str) -> bool:
    return not scope or code == scope or code.startswith(scope + ".")


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _place(regency_name: str) -> str:
    return re.sub(r"^(Kabupaten|Kota)\s+", "", regency_name.strip())


def load_villages(scope: str, data_dir: Path = DATA_DIR) -> Villages:
    """Villages within `scope` ('' = national); ValueError for a malformed or empty scope."""
    if not SCOPE.fullmatch(scope):
        raise ValueError(f"scope must be a region code prefix like '34' or '34.03', got {scope!r}")
    rows = sorted(
        (r for r in _read(data_dir / "villages.csv") if _in_scope(r["code"], scope)),
        key=lambda r: r["code"],
    )
    if not rows:
        raise ValueError(f"no villages in scope {scope!r}")
    regencies = {r["code"]: r["name"].strip() for r in _read(data_dir / "regencies.csv")}
    provinces = {r["code"]: r["name"].strip() for r in _read(data_dir / "provinces.csv")}
    district_codes = sorted({r["district_code"] for r in rows})
    district_index = {code: i for i, code in enumerate(district_codes)}
    return Villages(
        code=np.array([r["code"] for r in rows], dtype=object),
        name=np.array([r["name"].strip() for r in rows], dtype=object),
        urban=np.array([r["code"][9] == "1" for r in rows]),
        district=np.array([district_index[r["district_code"]] for r in rows], dtype=np.int64),
        district_code=np.array(district_codes, dtype=object),
        district_number=np.array([int(c.replace(".", "")) for c in district_codes], dtype=np.int64),
        district_regency=np.array([_place(regencies.get(c[:5], "")) for c in district_codes],
                                  dtype=object),
        district_regency_name=np.array([regencies.get(c[:5], "") for c in district_codes],
                                       dtype=object),
        district_province=np.array([c[:2] for c in district_codes], dtype=object),
        district_province_name=np.array([provinces.get(c[:2], "") for c in district_codes],
                                        dtype=object),
    )
