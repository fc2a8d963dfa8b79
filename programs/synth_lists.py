# ruff: noqa: S608 -- SQL text is built from constants and quoted file paths, never user input.
"""Demo and benchmark inputs for programs: a list file of every ListKind and a UMK file, derived
from a synthetic population (`kesos synth` output), deterministic for the population.

Lists the generator draws itself (synth/exclusions.py) are renamed: pns -> asn,
pengurus_perusahaan -> ahu; tni_polri, pensiun and guru_sertifikasi keep their names. The other
kinds are sampled from the civil registry (`dukcapil.parquet`, living people only) by a hash of
the NIK and the list's name, so a list is the same every time and independent of the others:

    pendamping      2% of adults aged 22-50 with a diploma or more
    gaji_apbn_apbd  half of the employees and civil servants of the government sector
    penghasilan     40% of employers and employees, wage 0.6-1.8 x the UMK of their regency
    prakerja        10% of people aged 18-35 not working
    yatim_covid     0.5% of children under 18

Nothing here is official data: the UMK amounts come from `demo_umk`'s rule."""

import csv
import json
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from base.sql import literal
from synth.exclusions import CIVIL_SERVANT, EMPLOYEE, EMPLOYER, GOVERNMENT_SECTOR
from synth.people import REFERENCE_DATE
from wilayah.services import DATA_DIR

from .models import ListKind
from .targeting import age_sql

DEMO_YEAR = 2025
DIPLOMA = 4  # education codes from 4 up: diploma or more (synth/people.py education bands)
RENAMED = {"pns": ListKind.ASN, "tni_polri": ListKind.TNI_POLRI, "pensiun": ListKind.PENSIUN,
           "guru_sertifikasi": ListKind.GURU_SERTIFIKASI, "pengurus_perusahaan": ListKind.AHU}

# DEMO VALUES, NOT OFFICIAL: a base monthly wage per province (rupiah), rounded, of the order of
# the provincial minimum wages of the mid-2020s, so demo incomes compare with a plausible UMK.
# Never use them for a real decision: import the official UMK table (`kesos programs
# import-umk`).
DEMO_PROVINCE_BASE = {
    "11": 3_700_000, "12": 3_000_000, "13": 3_000_000, "14": 3_500_000, "15": 3_200_000,
    "16": 3_700_000, "17": 2_700_000, "18": 2_900_000, "19": 3_900_000, "21": 3_600_000,
    "31": 5_400_000, "32": 2_200_000, "33": 2_200_000, "34": 2_300_000, "35": 2_300_000,
    "36": 2_900_000, "51": 3_000_000, "52": 2_600_000, "53": 2_300_000, "61": 2_900_000,
    "62": 3_500_000, "63": 3_500_000, "64": 3_600_000, "65": 3_600_000, "71": 3_800_000,
    "72": 2_900_000, "73": 3_700_000, "74": 3_100_000, "75": 3_200_000, "76": 3_100_000,
    "81": 3_100_000, "82": 3_400_000, "91": 4_300_000, "92": 3_600_000, "93": 4_300_000,
    "94": 4_300_000, "95": 4_300_000, "96": 3_600_000,
}
CITY_FROM = 71  # regency numbers 71 and up are kota (cities) in the official coding


def demo_umk_amount(regency_code: str) -> int:
    """The demo UMK of a kabupaten/kota: its province's base, +15% in a kota, +0-6% by the
    regency's number (so neighbours differ), rounded to a thousand rupiah."""
    province, number = regency_code.split(".")
    factor = (1.15 if int(number) >= CITY_FROM else 1.0) + (int(number) % 7) / 100
    return round(DEMO_PROVINCE_BASE[province] * factor / 1000) * 1000


def regencies_in_scope(scope: str, data_dir: Path = DATA_DIR) -> list[str]:
    """Codes of the kabupaten/kota within a region scope ('' = all; '34.03.01' = its regency)."""
    regency_scope = scope[:5]
    with open(data_dir / "regencies.csv", encoding="utf-8", newline="") as f:
        return sorted(row["code"] for row in csv.DictReader(f)
                      if row["code"].startswith(regency_scope))


def demo_umk(scope: str, year: int, out: Path) -> Path:
    """Write a UMK file (regency_code, amount) of demo amounts for the regencies of `scope`."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["regency_code", "amount"])
        for code in regencies_in_scope(scope):
            writer.writerow([code, demo_umk_amount(code)])
    return out


def _sample(salt: str, per_thousand: int) -> str:
    return f"hash(nik || ':{salt}') % 1000 < {per_thousand}"


def _derived_queries(as_of: date) -> dict[str, str]:
    """SELECT nik, name, detail, monthly_income over `people` (living, with age) per kind."""
    rupiah = "CAST(NULL AS BIGINT) AS monthly_income"
    return {
        ListKind.PENDAMPING: f"""
            SELECT nik, name, 'Pendamping PKH' AS detail, {rupiah} FROM people
            WHERE age BETWEEN 22 AND 50 AND education >= {DIPLOMA}
              AND {_sample('pendamping', 20)}""",
        ListKind.GAJI_APBN_APBD: f"""
            SELECT nik, name, 'Satuan kerja pemerintah ' || substr(village_code, 1, 5)
                   AS detail, {rupiah} FROM people
            WHERE work_sector = {GOVERNMENT_SECTOR}
              AND employment_status IN ({EMPLOYEE}, {CIVIL_SERVANT})
              AND {_sample('gaji', 500)}""",
        ListKind.PENGHASILAN: f"""
            SELECT p.nik, p.name, 'BPJS Ketenagakerjaan' AS detail,
                   CAST(round(u.amount * (0.6 + (hash(p.nik || ':upah') % 1000) / 1000.0 * 1.2)
                              / 1000) * 1000 AS BIGINT) AS monthly_income
            FROM people p JOIN umk u ON u.regency_code = substr(p.village_code, 1, 5)
            WHERE p.employment_status IN ({EMPLOYER}, {EMPLOYEE})
              AND {_sample('penghasilan', 400)}""",
        ListKind.PRAKERJA: f"""
            SELECT nik, name, 'Kartu Prakerja' AS detail, {rupiah} FROM people
            WHERE age BETWEEN 18 AND 35 AND employment_status = 0
              AND {_sample('prakerja', 100)}""",
        ListKind.YATIM_COVID: f"""
            SELECT nik, name, '' AS detail, {rupiah} FROM people
            WHERE age < 18 AND {_sample('yatim', 5)}""",
    }


def write_demo_lists(synth_dir: Path, out_dir: Path, year: int = DEMO_YEAR,
                     scope: str | None = None) -> dict[str, Path]:
    """Write `<kind>.parquet` (nik, name, detail, monthly_income) for every ListKind and
    `umk-<year>.csv` for the regencies of the population's scope into `out_dir`; returns
    {kind or 'umk': path}."""
    synth_dir, out_dir = Path(synth_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    scope = scope if scope is not None else _scope_of(synth_dir)
    paths: dict[str, Path] = {"umk": demo_umk(scope, year, out_dir / f"umk-{year}.csv")}
    con = duckdb.connect()
    as_of = REFERENCE_DATE.astype(date)
    con.execute(f"""CREATE VIEW people AS SELECT *, {age_sql('birth_date', as_of)} AS age
                    FROM read_parquet({literal(synth_dir / 'dukcapil.parquet')})
                    WHERE death_date IS NULL""")
    regencies = regencies_in_scope(scope)
    con.register("umk_arrow", pa.table({
        "regency_code": pa.array(regencies, pa.string()),
        "amount": pa.array([demo_umk_amount(c) for c in regencies], pa.int64())}))
    con.execute("CREATE VIEW umk AS SELECT * FROM umk_arrow")
    con.execute(f"""CREATE VIEW drawn AS SELECT list_name, nik, name, employer AS detail
                    FROM read_parquet({literal(synth_dir / 'exclusions.parquet')})""")
    queries = {kind: f"""SELECT nik, name, detail, CAST(NULL AS BIGINT) AS monthly_income
                         FROM drawn WHERE list_name = {literal(name)}"""
               for name, kind in RENAMED.items()} | _derived_queries(as_of)
    for kind in ListKind.values:
        path = out_dir / f"{kind}.parquet"
        con.execute(f"COPY ({queries[kind]} ORDER BY nik) TO {literal(path)} (FORMAT parquet)")
        paths[kind] = path
    return paths


def _scope_of(synth_dir: Path) -> str:
    run = synth_dir / "run.json"
    return json.loads(run.read_text())["scope"] if run.exists() else ""
