"""`generate(...)`: a synthetic population for a region scope, deterministic for a seed, written
as Parquet files:

    households.parquet        registry households (ids, address, instrument answers as JSON)
    families.parquet          registry families (KK)
    members.parquet           registry members, with injected errors
    dukcapil.parquet          the civil registry: everyone, true identity and current address
    errors_truth.parquet      one row per injected error: member id, type, true and recorded value
    member_truth.parquet      registry member id -> civil-registry person id
    exclusions.parquet        civil servants, TNI/POLRI, pensioners, teachers, company officers
    consumption_truth.parquet latent per-capita consumption of every household
    run.json                  parameters and counts

The whole plan of households (village, size, consumption, registry draw) is made first; people
are then generated chunk by chunk (whole districts, ~50k households) and appended to the files
as Parquet row groups, so memory stays flat whatever the size of the run."""

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from registry.instrument import CURRENT, indexed_keys, questions, shipped_definition

from . import plan as plans
from .answers import answers_json, draw_answers
from .errors import NO_DATE, ErrorRates, Injected, RegistryRows, inject
from .exclusions import draw_exclusions
from .name_data import HAMLET_WORD, HAMLETS, STREETS
from .names import name_keys
from .people import REFERENCE_DATE, Families, Households, People, make_people
from .regions import Villages, load_villages

HOUSEHOLDS_PER_VILLAGE = 50  # default size of a run: 50 households in every village of scope
CODE = pa.int16()
SCHEMAS = {
    "households": pa.schema([
        ("household_id", pa.int64()), ("village_code", pa.string()), ("address", pa.string()),
        ("rt", pa.string()), ("rw", pa.string()), ("latitude", pa.float64()),
        ("longitude", pa.float64()), ("instrument_code", pa.string()),
        ("instrument_version", CODE), ("answers", pa.string()), ("floor_area_m2", pa.int32()),
        ("floor_material", CODE), ("wall_material", CODE), ("roof_material", CODE),
        ("drinking_water", CODE), ("lighting", CODE), ("cooking_fuel", CODE),
        ("toilet_facility", CODE),
    ]),
    "families": pa.schema([
        ("family_id", pa.int64()), ("household_id", pa.int64()), ("kk_number", pa.string()),
    ]),
    "members": pa.schema([
        ("member_id", pa.int64()), ("household_id", pa.int64()), ("family_id", pa.int64()),
        ("village_code", pa.string()), ("nik", pa.string()), ("name", pa.string()),
        ("name_key", pa.string()), ("birth_place", pa.string()), ("birth_date", pa.date32()),
        ("sex", pa.string()), ("relation_to_household_head", CODE),
        ("relation_to_family_head", CODE), ("family_order", CODE), ("marital_status", CODE),
        ("pregnant", pa.bool_()), ("disability", CODE), ("chronic_illness", CODE),
        ("school_participation", CODE), ("education", CODE), ("work_sector", CODE),
        ("employment_status", CODE),
    ]),
    "dukcapil": pa.schema([
        ("person_id", pa.int64()), ("household_key", pa.int64()), ("nik", pa.string()),
        ("kk_number", pa.string()), ("name", pa.string()), ("birth_place", pa.string()),
        ("birth_date", pa.date32()), ("sex", pa.string()), ("village_code", pa.string()),
        ("address", pa.string()), ("rt", pa.string()), ("rw", pa.string()),
        ("relation_to_family_head", CODE), ("family_order", CODE), ("marital_status", CODE),
        ("education", CODE), ("work_sector", CODE), ("employment_status", CODE),
        ("death_date", pa.date32()),
    ]),
    "errors_truth": pa.schema([
        ("member_id", pa.int64()), ("error_type", pa.string()), ("field", pa.string()),
        ("true_value", pa.string()), ("recorded_value", pa.string()),
    ]),
    "member_truth": pa.schema([("member_id", pa.int64()), ("person_id", pa.int64())]),
    "exclusions": pa.schema([
        ("list_name", pa.string()), ("nik", pa.string()), ("name", pa.string()),
        ("birth_date", pa.date32()), ("employer", pa.string()), ("person_id", pa.int64()),
    ]),
    "consumption_truth": pa.schema([
        ("household_key", pa.int64()), ("household_id", pa.int64()),
        ("village_code", pa.string()), ("household_size", CODE),
        ("consumption_per_capita", pa.int64()), ("in_registry", pa.bool_()),
    ]),
}


@dataclass
class SynthResult:
    out_dir: Path
    scope: str
    seed: int
    households: int  # every household of the population
    people: int
    registry_households: int
    registry_families: int
    registry_members: int  # duplicates included
    errors: int
    exclusions: int
    seconds: float
    files: list[str] = field(default_factory=list)


@dataclass
class _Ids:
    """Next id of each kind; ids run on across chunks, from 1."""

    household: int = 1
    family: int = 1
    member: int = 1
    person: int = 1
    household_key: int = 1
    errors: int = 0
    exclusions: int = 0


def default_households(scope: str) -> int:
    return HOUSEHOLDS_PER_VILLAGE * len(load_villages(scope))


def default_out_dir(scope: str, seed: int) -> Path:
    from django.conf import settings

    return Path(settings.KESOS_SYNTH_DIR) / f"{scope or 'national'}-seed{seed}"


def generate(
    scope: str, households: int, seed: int, out_dir: Path, registry_share: float = 0.4,
    rates: ErrorRates | None = None, progress: Callable[[int, int], None] | None = None,
) -> SynthResult:
    """Generate `households` households in the villages of `scope` ('' = national, '34.03' =
    a kabupaten) and write the Parquet files into `out_dir` (replacing earlier ones). The same
    arguments give identical files. `progress(done, total)` is called after each chunk."""
    if households < 1:
        raise ValueError("households must be at least 1")
    started = time.perf_counter()
    villages = load_villages(scope)
    plan = plans.make_plan(np.random.default_rng([seed, 0]), villages, households, registry_share)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ids = _Ids()
    writers = {name: pq.ParquetWriter(out_dir / f"{name}.parquet", schema)
               for name, schema in SCHEMAS.items()}
    people = 0
    try:
        bounds = plan.chunk_bounds
        for k in range(len(bounds) - 1):
            rng = np.random.default_rng([seed, 1, k])
            tables = _chunk(rng, villages, plan, int(bounds[k]), int(bounds[k + 1]), ids,
                            rates or ErrorRates())
            for name, table in tables.items():
                writers[name].write_table(table)
            people += tables["dukcapil"].num_rows
            if progress:
                progress(int(bounds[k + 1]), len(plan))
    finally:
        for writer in writers.values():
            writer.close()
    result = SynthResult(
        out_dir=out_dir, scope=scope, seed=seed, households=len(plan), people=people,
        registry_households=ids.household - 1, registry_families=ids.family - 1,
        registry_members=ids.member - 1, errors=ids.errors, exclusions=ids.exclusions,
        seconds=round(time.perf_counter() - started, 3),
        files=[f"{name}.parquet" for name in SCHEMAS],
    )
    run = asdict(result) | {"out_dir": out_dir.name, "registry_share": registry_share,
                            "reference_date": str(REFERENCE_DATE),
                            "instrument": {"code": CURRENT[0], "version": CURRENT[1]},
                            "error_rates": asdict(rates or ErrorRates())}
    run.pop("seconds")
    (out_dir / "run.json").write_text(json.dumps(run, indent=2) + "\n", encoding="utf-8")
    return result


# --- one chunk -------------------------------------------------------------------------------


def _addresses(rng: np.random.Generator, villages: Villages, village: np.ndarray
               ) -> tuple[pa.Array, pa.Array, pa.Array]:
    """'Jl. Melati No. 12' in a kelurahan, 'Dusun Krajan No. 3' (Kp., Banjar, Jorong by
    province) in a desa; RW follows the street or hamlet, RT is one of a few per RW."""
    n = len(village)
    lane = rng.integers(0, 5, n)
    urban = villages.urban[village]
    pool = np.where(urban, len(STREETS), len(HAMLETS))
    place = (village * 7 + lane) % pool
    streets = pa.array(STREETS).take(pa.array(np.where(urban, place, 0)))
    hamlets = pa.array(HAMLETS).take(pa.array(np.where(urban, 0, place)))
    district_word = pa.array([HAMLET_WORD.get(p, "Dusun") for p in villages.district_province])
    word = district_word.take(pa.array(villages.district[village]))
    word = pc.if_else(pa.array(urban), "Jl.", word)
    name = pc.if_else(pa.array(urban), streets, hamlets)
    number = pa.array(rng.integers(1, 200, n)).cast(pa.string())
    address = pc.binary_join_element_wise(word, name, "No.", number, " ")
    rw = pc.utf8_lpad(pa.array(lane + 1).cast(pa.string()), 3, "0")
    rt = pc.utf8_lpad(pa.array(rng.integers(1, 8, n)).cast(pa.string()), 3, "0")
    return address, rt, rw


def _dates(days: np.ndarray) -> pa.Array:
    return pa.array(days.astype("datetime64[D]"), pa.date32())


def _sex(female: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(female), "P", "L")


def _chunk(rng: np.random.Generator, villages: Villages, plan: plans.Plan, lo: int, hi: int,
           ids: _Ids, rates: ErrorRates) -> dict[str, pa.Table]:
    hh = Households(plan.village[lo:hi], plan.size[lo:hi], plan.z[lo:hi])
    people, families = make_people(rng, villages, hh)
    address, rt, rw = _addresses(rng, villages, hh.village)
    codes = pa.array(villages.code.tolist(), pa.string())
    registry = plan.registry[lo:hi]

    reg_hh = np.flatnonzero(registry)
    hh_id = np.full(len(registry), -1, dtype=np.int64)
    hh_id[reg_hh] = ids.household + np.arange(len(reg_hh))
    reg_fam = np.flatnonzero(registry[families.household])
    fam_id = np.full(len(families.household), -1, dtype=np.int64)
    fam_id[reg_fam] = ids.family + np.arange(len(reg_fam))
    reg_people = np.flatnonzero(registry[people.household])

    injected = inject(
        rng,
        RegistryRows(
            household=people.household[reg_people], family=people.family[reg_people],
            family_order=people.family_order[reg_people],
            village=hh.village[people.household[reg_people]], role=people.role[reg_people],
            age=people.age[reg_people], birth_days=people.birth_days[reg_people],
            nik=people.nik[reg_people], name=people.name.take(pa.array(reg_people)),
        ),
        ids.member, villages.code, np.unique(hh.village), rates,
    )
    died = np.full(len(people), NO_DATE, dtype=np.int64)
    died[reg_people] = injected.died_on
    moved_to = np.full(len(people), -1, dtype=np.int64)
    moved_to[reg_people] = injected.moved_to

    tables = {
        "households": _households_table(rng, villages, hh, people, reg_hh, hh_id, address, rt,
                                        rw, codes),
        "families": pa.table({
            "family_id": fam_id[reg_fam], "household_id": hh_id[families.household[reg_fam]],
            "kk_number": pa.array(families.kk[reg_fam]).cast(pa.string()),
        }, schema=SCHEMAS["families"]),
        "members": _members_table(people, hh, reg_people, injected, hh_id, fam_id, codes, ids),
        "dukcapil": _dukcapil_table(rng, villages, people, families, hh, address, rt, rw, codes,
                                    moved_to, died, ids),
        "errors_truth": pa.table(injected.truth, schema=SCHEMAS["errors_truth"]),
        "member_truth": pa.table({
            "member_id": ids.member + np.arange(len(reg_people) + len(injected.duplicate_of)),
            "person_id": ids.person + np.r_[reg_people, reg_people[injected.duplicate_of]],
        }, schema=SCHEMAS["member_truth"]),
        "exclusions": _exclusions_table(rng, villages, people, hh, died, ids),
        "consumption_truth": pa.table({
            "household_key": ids.household_key + np.arange(len(registry)),
            "household_id": pa.array(hh_id, mask=~registry),
            "village_code": codes.take(pa.array(hh.village)),
            "household_size": hh.size, "consumption_per_capita": plan.consumption[lo:hi],
            "in_registry": registry,
        }, schema=SCHEMAS["consumption_truth"]),
    }
    ids.household += len(reg_hh)
    ids.family += len(reg_fam)
    ids.member += tables["members"].num_rows
    ids.person += len(people)
    ids.household_key += len(registry)
    ids.errors += tables["errors_truth"].num_rows
    ids.exclusions += tables["exclusions"].num_rows
    return tables


def _households_table(rng: np.random.Generator, villages: Villages, hh: Households,
                      people: People, reg_hh: np.ndarray, hh_id: np.ndarray, address: pa.Array,
                      rt: pa.Array, rw: pa.Array, codes: pa.Array) -> pa.Table:
    definition = shipped_definition(*CURRENT)
    n = len(hh.size)
    in_school = (people.school_participation == 1) & (people.age >= 6) & (people.age <= 21)
    component = (people.age < 7) | in_school | people.pregnant | (people.age >= 60) | (
        people.disability > 0)
    school = np.bincount(people.household, weights=in_school, minlength=n)[reg_hh]
    pkh = np.bincount(people.household, weights=component, minlength=n)[reg_hh]
    village = hh.village[reg_hh]
    answers = draw_answers(
        rng, hh.z[reg_hh], villages.urban[village],
        villages.district_province[villages.district[village]], hh.size[reg_hh], school, pkh,
    )
    take = pa.array(reg_hh)
    columns = {
        "household_id": hh_id[reg_hh], "village_code": codes.take(pa.array(village)),
        "address": address.take(take), "rt": rt.take(take), "rw": rw.take(take),
        "latitude": pa.nulls(len(reg_hh), pa.float64()),
        "longitude": pa.nulls(len(reg_hh), pa.float64()),
        "instrument_code": pa.array([CURRENT[0]] * len(reg_hh), pa.string()),
        "instrument_version": np.full(len(reg_hh), CURRENT[1]),
        "answers": answers_json(list(questions(definition)), answers),
    }
    columns |= {key: answers[key] for key in indexed_keys(definition)}
    return pa.table(columns, schema=SCHEMAS["households"])


def _members_table(people: People, hh: Households, reg_people: np.ndarray, injected: Injected,
                   hh_id: np.ndarray, fam_id: np.ndarray, codes: pa.Array, ids: _Ids
                   ) -> pa.Table:
    # Registry rows, then the duplicate records (a copy of a row, placed in a host household).
    src = np.r_[reg_people, reg_people[injected.duplicate_of]]
    host = np.r_[reg_people, reg_people[injected.duplicate_host]]
    dup = np.r_[np.zeros(len(reg_people), bool), np.ones(len(injected.duplicate_of), bool)]
    nik = pa.array(np.r_[injected.nik, injected.nik[injected.duplicate_of]], pa.string())
    name = pa.array(np.r_[injected.name, injected.name[injected.duplicate_of]], pa.string())
    birth_days = np.r_[injected.birth_days, injected.birth_days[injected.duplicate_of]]
    family_order = np.r_[people.family_order[reg_people], injected.duplicate_order]
    take = pa.array(src)
    columns = {
        "member_id": ids.member + np.arange(len(src)),
        "household_id": hh_id[people.household[host]],
        "family_id": fam_id[people.family[host]],
        "village_code": codes.take(pa.array(hh.village[people.household[host]])),
        "nik": nik, "name": name, "name_key": name_keys(name),
        "birth_place": people.birth_place.take(take), "birth_date": _dates(birth_days),
        "sex": _sex(people.female[src]),
        "relation_to_household_head": np.where(dup, 8, people.relation_to_household_head[src]),
        "relation_to_family_head": np.where(dup, 9, people.relation_to_family_head[src]),
        "family_order": family_order,
    }
    for col in ("marital_status", "pregnant", "disability", "chronic_illness",
                "school_participation", "education", "work_sector", "employment_status"):
        columns[col] = getattr(people, col)[src]
    return pa.table(columns, schema=SCHEMAS["members"])


def _dukcapil_table(rng: np.random.Generator, villages: Villages, people: People,
                    families: Families, hh: Households, address: pa.Array, rt: pa.Array,
                    rw: pa.Array, codes: pa.Array, moved_to: np.ndarray, died: np.ndarray,
                    ids: _Ids) -> pa.Table:
    village = hh.village[people.household]
    take = pa.array(people.household)
    address, rt, rw = address.take(take), rt.take(take), rw.take(take)
    moved = moved_to >= 0
    if moved.any():
        new_address, new_rt, new_rw = _addresses(rng, villages, moved_to[moved])
        where = pa.array(np.maximum(np.cumsum(moved) - 1, 0))
        is_moved = pa.array(moved)
        address = pc.if_else(is_moved, new_address.take(where), address)
        rt = pc.if_else(is_moved, new_rt.take(where), rt)
        rw = pc.if_else(is_moved, new_rw.take(where), rw)
        village = np.where(moved, moved_to, village)
    return pa.table({
        "person_id": ids.person + np.arange(len(people)),
        "household_key": ids.household_key + people.household,
        "nik": pa.array(people.nik).cast(pa.string()),
        "kk_number": pa.array(families.kk[people.family]).cast(pa.string()),
        "name": people.name, "birth_place": people.birth_place,
        "birth_date": _dates(people.birth_days), "sex": _sex(people.female),
        "village_code": codes.take(pa.array(village)), "address": address, "rt": rt, "rw": rw,
        "relation_to_family_head": people.relation_to_family_head,
        "family_order": people.family_order, "marital_status": people.marital_status,
        "education": people.education, "work_sector": people.work_sector,
        "employment_status": people.employment_status,
        "death_date": pa.array(died.astype("datetime64[D]"), pa.date32(), mask=died == NO_DATE),
    }, schema=SCHEMAS["dukcapil"])


def _exclusions_table(rng: np.random.Generator, villages: Villages, people: People,
                      hh: Households, died: np.ndarray, ids: _Ids) -> pa.Table:
    district = villages.district[hh.village[people.household]]
    found = draw_exclusions(
        rng, people.age, people.female, people.education, people.work_sector,
        people.employment_status, hh.z[people.household], died == NO_DATE,
        villages.district_regency_name[district], villages.district_regency[district],
        villages.district_province_name[district],
    )
    take = pa.array(found.person)
    return pa.table({
        "list_name": found.list_name, "nik": pa.array(people.nik[found.person]).cast(pa.string()),
        "name": people.name.take(take), "birth_date": _dates(people.birth_days[found.person]),
        "employer": found.employer, "person_id": ids.person + found.person,
    }, schema=SCHEMAS["exclusions"])
