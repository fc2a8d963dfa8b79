"""Eligibility at national scale: every shipped program decided for N synthetic households by
the batch engine, against a hand-written DuckDB query of the same decisions, and the time of one
household's explanation.

Reproduce (from the repository root; the synthetic registry is written once per size and seed
under $KESOS_VAR_DIR/bench-eligibility/ and reused):

    .venv/bin/python bench/eligibility.py                        # 10,000,000 households
    .venv/bin/python bench/eligibility.py --households 1000000
    .venv/bin/python bench/eligibility.py --households 20000 --explain-samples 50   # a smoke run

Data: households, members (about 3.5 per household), Dukcapil match, welfare score with
national and provincial desil, the reference lists of every ListKind, the UMK of every regency
and the current enrollment in PKH, Sembako and BST, all generated in DuckDB SQL from hashes
(deterministic for a seed) and written as the seven Parquet inputs of programs/targeting.py.
Villages are drawn from the shipped wilayah villages, a kelurahan weighted 2.2 and every village
by a lognormal factor, as synth does.

Engine: `programs.batch.evaluate` for all shipped definitions with their quotas (the rice aid:
3,000 per kabupaten/kota of its provinces, 6,000 for the provincial capitals of
programs/data/provincial_capitals.csv). Baseline, in the same process over the same files: the
same joins and aggregations and the same conditions written by hand in one DuckDB query per
step, writing one row per unit (as many rows as the engine) with its eligibility. The figure is
engine / baseline (target: at most 3). The eligible counts of both are printed side by side.

Explanation: if `programs.explain.explain_household` exists and --explain-db is given, one
household's explanation read from a small SQLite registry loaded with synth; otherwise one
household's rows read from the Parquet inputs, then single.tables_from_rows + view_rows +
decide_units for every program (the single path without the ORM fetch), timed with and
without the Parquet read. Target: median under 50 ms.

DuckDB's memory limit is KESOS_DUCKDB_MEMORY (default: half the machine, at most 12 GiB).
"""
# ruff: noqa: S608 - SQL text names files this script writes; no outside input reaches it.

import argparse
import csv
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from base.sql import literal

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2021, 7, 1)
GENERATOR_VERSION = 1
INPUTS = ("households", "members", "member_match", "household_score", "list_entries",
          "minimum_wages", "current_enrollment")
DEFINITIONS = ROOT / "programs" / "definitions"
CAPITALS = ROOT / "programs" / "data" / "provincial_capitals.csv"
VILLAGES = ROOT / "wilayah" / "data" / "villages.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=None,
                        help="where the synthetic inputs are kept (default: "
                             "$KESOS_VAR_DIR/bench-eligibility/<households>-<seed>)")
    parser.add_argument("--explain-samples", type=int, default=200)
    parser.add_argument("--explain-db", action="store_true",
                        help="also time programs.explain over a small SQLite registry of its "
                             "own (under $KESOS_VAR_DIR/bench-eligibility-db)")
    parser.add_argument("--explain-db-households", type=int, default=2000)
    parser.add_argument("--drop", action="store_true", help="delete the inputs afterwards")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("KESOS_VAR_DIR", str(Path(tempfile.gettempdir()) / "kesos-bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesos.settings")
    var = Path(os.environ["KESOS_VAR_DIR"])
    work = args.work or var / "bench-eligibility" / f"{args.households}-{args.seed}"
    if args.explain_db:  # never the project's database: SQLite in a var dir of its own
        os.environ["KESOS_VAR_DIR"] = str(var / "bench-eligibility-db")
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    out = Path(tempfile.mkdtemp(prefix="eligibility-out-", dir=var if var.exists() else None))
    try:
        run_bench(args, work, out)
    finally:
        shutil.rmtree(out, ignore_errors=True)
        if args.drop:
            shutil.rmtree(work, ignore_errors=True)


def peak_mib() -> float:
    """VmHWM: peak resident memory, DuckDB's native allocations included."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def connection(tmp: Path):
    from linkage.snapshots import duckdb_connection

    return duckdb_connection(tmp)


def run_bench(args, work: Path, out: Path) -> None:
    from linkage.snapshots import memory_limit

    started = time.perf_counter()
    generated = generate(work, args.households, args.seed, out / "duckdb-tmp")
    print(f"inputs: {'generated' if generated else 'reused'} {work} "
          f"({time.perf_counter() - started:.0f} s, not timed as eligibility)")
    con = connection(out / "duckdb-tmp")
    for name in INPUTS:
        source = literal(work / f"{name}.parquet")
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet({source})")
    counts = {n: con.execute(f"SELECT count(*) FROM {n}").fetchone()[0] for n in INPUTS}
    print(", ".join(f"{n} {c:,}" for n, c in counts.items()))
    print(f"DuckDB memory_limit {memory_limit()}, {os.cpu_count()} CPUs; as of {AS_OF}")

    runs, codes, note = program_runs()
    print(note)
    engine_s, engine = run_engine(con, runs, codes, out / "engine")
    base_s, base = run_baseline(con, out / "baseline")

    print(f"\n{'program':<12} {'unit':<9} {'rows':>12} {'eligible':>11} {'baseline':>11} "
          f"{'not_assessed':>13} {'enrolled':>10} {'waiting':>10} {'seconds':>8}")
    mismatches = []
    for run in runs:
        r = engine["programs"][run.code]
        rows = sum(r["decisions"].values())
        eligible = r["decisions"].get("eligible", 0)
        b_rows, b_eligible = base["counts"][run.code]
        if (rows, eligible) != (b_rows, b_eligible):
            mismatches.append(run.code)
        print(f"{run.code:<12} {run.spec.unit:<9} {rows:12,} {eligible:11,} {b_eligible:11,} "
              f"{r['decisions'].get('not_assessed', 0):13,} "
              f"{r['statuses'].get('enrolled', 0):10,} {r['statuses'].get('waiting', 0):10,} "
              f"{r['seconds']:8.1f}")
    print("engine and baseline agree on every program's rows and eligible count" if not
          mismatches else f"DISAGREEMENT (rows or eligible) for: {', '.join(mismatches)}")
    print("\nengine:   " + ", ".join(f"{k} {v:.1f} s" for k, v in engine["views"].items())
          + f"; programs {sum(r['seconds'] for r in engine['programs'].values()):.1f} s; "
          f"total {engine_s:.1f} s (summaries after each program not counted)")
    print("baseline: " + ", ".join(f"{k} {v:.1f} s" for k, v in base["seconds"].items())
          + f"; total {base_s:.1f} s")
    ratio = engine_s / base_s
    print(f"ratio engine/baseline {ratio:.2f} (target <= 3: {'met' if ratio <= 3 else 'MISSED'})")
    print(f"peak memory after the bulk runs {peak_mib():,.0f} MiB")

    explanation(args, con, runs, codes)
    print(f"peak memory {peak_mib():,.0f} MiB")


# --- the programs ------------------------------------------------------------------------------


def program_runs():
    """Every shipped definition built for the engine, with its quotas ('' = national)."""
    from programs.batch import ProgramRun
    from programs.compile import build
    from programs.models.lists import ListKind
    from programs.rules import Context

    definitions = {p.stem: json.loads(p.read_text(encoding="utf-8"))
                   for p in sorted(DEFINITIONS.glob("*.json"))}
    codes = sorted(definitions)
    runs, notes = [], []
    for code, d in definitions.items():
        ctx = Context(d["program"]["unit"], frozenset(ListKind.values), frozenset(codes))
        quotas, note = expand_quotas(d.get("quotas") or {})
        if note:
            notes.append(f"{code}: {note}")
        runs.append(ProgramRun(code, build(d["rules"], ctx), quotas))
    return runs, codes, "quotas: " + ("; ".join(notes) or "national only")


def expand_quotas(q: dict) -> tuple[dict[str, int], str]:
    if "per_regency" not in q:
        return {k: v for k, v in q.items() if isinstance(v, int)}, ""
    provinces = set(q.get("provinces") or [])
    with open(ROOT / "wilayah" / "data" / "regencies.csv", encoding="utf-8") as f:
        regencies = [r["code"] for r in csv.DictReader(f) if r["province_code"] in provinces]
    capitals = set()
    if CAPITALS.exists():
        with open(CAPITALS, encoding="utf-8") as f:
            capitals = {r["code"] for r in csv.DictReader(f)}
    quotas = {c: q.get("per_provincial_capital", q["per_regency"]) if c in capitals
              else q["per_regency"] for c in regencies}
    capital_note = (f"{len(capitals & set(regencies))} provincial capitals at "
                    f"{q.get('per_provincial_capital')}" if capitals else
                    "no provincial_capitals.csv: every regency at the regency quota")
    return quotas, (f"{len(regencies)} kabupaten/kota of provinces {','.join(sorted(provinces))} "
                    f"at {q['per_regency']}, {capital_note}")


def run_engine(con, runs, codes, out: Path):
    from programs import batch
    from programs.models.lists import ListKind

    started = time.perf_counter()
    result = batch.evaluate(con, runs, out, AS_OF, list(ListKind.values), codes)
    wall = time.perf_counter() - started
    timed = sum(result["views"].values()) + sum(r["seconds"] for r in result["programs"].values())
    print(f"engine: batch.evaluate {wall:.1f} s wall, {timed:.1f} s without the summaries")
    return timed, result


# --- the baseline ------------------------------------------------------------------------------

SEVERE = "(6, 7, 8, 9, 12)"
INFORMAL = "(1, 2, 6, 7, 8)"
JAVA_BALI = "('31', '32', '33', '34', '35', '36', '51')"
KINDS = ("asn", "tni_polri", "pensiun", "pendamping", "guru_sertifikasi", "gaji_apbn_apbd", "ahu",
         "prakerja", "yatim_covid")

BASELINE_PERSON = f"""
CREATE OR REPLACE TEMP TABLE b_person AS
WITH l AS (
    SELECT nik, {', '.join(f"bool_or(kind = '{k}') AS {k}" for k in KINDS)},
           max(monthly_income) FILTER (WHERE kind = 'penghasilan') AS income
    FROM list_entries GROUP BY nik)
SELECT m.member_id, m.household_id, m.relation_to_household_head = 1 AS head,
       date_sub('year', m.birth_date, DATE '{AS_OF}') AS age, mm.status AS match,
       m.pregnant, m.disability, m.school_participation, m.education, m.employment_status,
       {', '.join(f"l.{k}" for k in KINDS)}, l.income
FROM members m
LEFT JOIN member_match mm ON mm.member_id = m.member_id
LEFT JOIN l ON l.nik = m.nik AND m.nik <> ''
WHERE m.status = 'active' AND mm.deceased IS NOT TRUE
"""

BASELINE_HOUSEHOLD = f"""
CREATE OR REPLACE TEMP TABLE b_household AS
WITH a AS (
    SELECT household_id,
           any_value(match) FILTER (WHERE head) AS head_match, bool_or(head) AS has_head,
           {', '.join(f"bool_or({k}) AS {k}" for k in KINDS)},
           max(income) AS income,
           count(*) FILTER (WHERE age >= 60 OR disability IN {SEVERE} OR pregnant OR age <= 6
               OR (school_participation = 1 AND age < 21 AND education IN (0, 1, 2))
               ) AS with_component,
           count(*) FILTER (WHERE employment_status IN {INFORMAL}) AS informal
    FROM b_person GROUP BY household_id),
e AS (
    SELECT household_id, bool_or(program_code = 'pkh') AS pkh,
           bool_or(program_code = 'sembako') AS sembako, bool_or(program_code = 'bst') AS bst
    FROM current_enrollment GROUP BY household_id)
SELECT h.household_id, h.village_code, h.status = 'active' AS in_dtks,
       coalesce(a.has_head, FALSE) AS has_head,
       s.desil_national AS desil, a.head_match = 'padan' AS head_padan,
       {', '.join(f"coalesce(a.{k}, FALSE) AS {k}" for k in KINDS)},
       CASE WHEN a.income IS NULL THEN FALSE ELSE a.income > w.amount END AS above_umk,
       coalesce(a.with_component, 0) > 0 AS has_component,
       coalesce(a.informal, 0) > 0 AS has_informal,
       substr(h.village_code, 1, 2) IN {JAVA_BALI} AS java_bali,
       coalesce(e.pkh, FALSE) AS pkh, coalesce(e.sembako, FALSE) AS sembako,
       coalesce(e.bst, FALSE) AS bst
FROM households h
LEFT JOIN a ON a.household_id = h.household_id
LEFT JOIN household_score s ON s.household_id = h.household_id
LEFT JOIN minimum_wages w ON w.regency_code = substr(h.village_code, 1, 5)
LEFT JOIN e ON e.household_id = h.household_id
"""

BASELINE_ELIGIBLE = {  # program: (table, key, eligible when TRUE)
    "sembako": ("b_household", "household_id",
                "in_dtks AND has_head AND desil <= 5 AND head_padan AND NOT (asn OR tni_polri OR "
                "pensiun OR "
                "pendamping OR guru_sertifikasi OR gaji_apbn_apbd OR ahu OR above_umk)"),
    "pkh": ("b_household", "household_id", "in_dtks AND has_head AND desil <= 4 AND head_padan AND "
            "has_component"),
    "bst": ("b_household", "household_id",
            "in_dtks AND has_head AND NOT (pkh OR sembako OR prakerja)"),
    "beras": ("b_household", "household_id",
              "in_dtks AND has_head AND java_bali AND has_informal AND "
              "NOT (pkh OR sembako OR bst)"),
    "pbi-jk": ("b_member", "p.member_id, p.household_id",
               "h.in_dtks AND p.match = 'padan' AND h.desil <= 5 AND "
               "NOT (coalesce(p.asn, FALSE) OR coalesce(p.tni_polri, FALSE) OR "
               "coalesce(p.pensiun, FALSE))"),
    "yatim-covid": ("b_member", "p.member_id, p.household_id",
                    "h.in_dtks AND coalesce(p.yatim_covid, FALSE) AND p.age < 18"),
}


def run_baseline(con, out: Path):
    """The same decisions by hand: person and household tables, then one COPY per program."""
    out.mkdir(parents=True)
    seconds, counts = {}, {}
    for name, sql in (("person", BASELINE_PERSON), ("household", BASELINE_HOUSEHOLD)):
        started = time.perf_counter()
        con.execute(sql)
        seconds[name] = time.perf_counter() - started
    for code, (table, key, eligible) in BASELINE_ELIGIBLE.items():
        if table == "b_member":
            source = ("b_person p JOIN b_household h ON h.household_id = p.household_id")
            village = "h.village_code"
        else:
            source, village = "b_household", "village_code"
        path = out / f"{code}.parquet"
        started = time.perf_counter()
        con.execute(f"COPY (SELECT {key}, {village}, ({eligible}) IS TRUE AS eligible "
                    f"FROM {source}) TO {literal(path)} (FORMAT parquet, COMPRESSION zstd)")
        seconds[code] = time.perf_counter() - started
        counts[code] = con.execute(f"SELECT count(*), count(*) FILTER (WHERE eligible) "
                                   f"FROM {literal(path)}").fetchone()
    print(f"baseline: {sum(seconds.values()):.1f} s")
    return sum(seconds.values()), {"seconds": seconds, "counts": counts}


# --- one household's explanation --------------------------------------------------------------


def explanation(args, con, runs, codes) -> None:
    if args.explain_samples <= 0:
        return
    if args.explain_db:
        try:
            from programs.explain import explain_household  # noqa: F401
        except ImportError:
            print("\nexplanation: programs.explain not available; timing the single path "
                  "over rows read from the Parquet inputs instead")
        else:
            explanation_parquet(args, con, runs, codes)
            explanation_db(args)
            return
    explanation_parquet(args, con, runs, codes)


def household_rows(con, household_id: int) -> dict[str, list[dict]]:
    """One household's rows of the seven inputs, as the ORM fetch would give them."""
    def rows(sql: str, params: list) -> list[dict]:
        result = con.execute(sql, params)
        names = [d[0] for d in result.description]
        return [dict(zip(names, r, strict=True)) for r in result.fetchall()]

    h = rows("SELECT household_id, village_code, status FROM households "
             "WHERE household_id = ?", [household_id])
    m = rows("SELECT * FROM members WHERE household_id = ?", [household_id])
    ids = [r["member_id"] for r in m] or [-1]
    niks = [r["nik"] for r in m if r["nik"]] or [""]
    low, high = min(ids), max(ids)
    return {
        "households": h, "members": m,
        "member_match": rows("SELECT * FROM member_match WHERE member_id BETWEEN ? AND ? "
                             "AND list_contains(?, member_id)", [low, high, ids]),
        "household_score": rows("SELECT * FROM household_score WHERE household_id = ?",
                                [household_id]),
        "list_entries": rows("SELECT * FROM list_entries WHERE list_contains(?, nik)", [niks]),
        "minimum_wages": rows("SELECT * FROM minimum_wages WHERE regency_code = ?",
                              [h[0]["village_code"][:5]] if h else [""]),
        "current_enrollment": rows("SELECT * FROM current_enrollment WHERE household_id = ?",
                                   [household_id]),
    }


def explanation_parquet(args, con, runs, codes) -> None:
    from programs.models.lists import ListKind
    from programs.single import decide_units, tables_from_rows, view_rows

    kinds = list(ListKind.values)
    n = con.execute("SELECT max(household_id) FROM households").fetchone()[0]
    step = max(1, n // args.explain_samples)
    ids = [1 + (i * step + 7919 * i) % n for i in range(args.explain_samples)]
    fetch, compute, decided = [], [], 0
    for household_id in ids:
        started = time.perf_counter()
        rows = household_rows(con, household_id)
        fetched = time.perf_counter()
        hh, members = view_rows(tables_from_rows(rows), AS_OF, kinds, codes)
        for run in runs:
            decided += len(decide_units(run.spec, hh[0] if hh else None, members))
        done = time.perf_counter()
        fetch.append(fetched - started)
        compute.append(done - fetched)
    total = [a + b for a, b in zip(fetch, compute, strict=True)]
    median = statistics.median(compute) * 1000
    print(f"\nexplanation (single path without the database: tables_from_rows + view_rows + "
          f"decide_units for {len(runs)} programs), {len(ids)} households, {decided:,} "
          f"decisions: median {median:.1f} ms, p95 {p95(compute) * 1000:.1f} ms "
          f"(target < 50 ms: {'met' if median < 50 else 'MISSED'})")
    print(f"  with the household's rows read from the Parquet inputs (not the ORM): median "
          f"{statistics.median(total) * 1000:.1f} ms, p95 {p95(total) * 1000:.1f} ms; the read "
          f"alone median {statistics.median(fetch) * 1000:.1f} ms")


def explanation_db(args) -> None:
    """programs.explain.explain_household over a small SQLite registry loaded from synth (its
    own var dir, see main), with the shipped programs installed."""
    from django.core.management import call_command
    from django.db.models import Count

    from programs.explain import explain_household
    from programs.services import install_shipped
    from registry.models import Household
    from synth.generate import generate as synth_generate
    from synth.load import load_registry
    from wilayah.models import Region
    from wilayah.services import load_regions

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        load_regions()
    if not Household.objects.exists():
        synth_dir = Path(os.environ["KESOS_VAR_DIR"]) / "synth-explain"
        synth_generate(scope="34.71", households=args.explain_db_households, seed=args.seed,
                       out_dir=synth_dir, registry_share=1.0)
        load_registry(synth_dir)
    install_shipped()
    print(f"\nexplanation database ready in {time.perf_counter() - started:.0f} s "
          f"({Household.objects.count():,} households, SQLite)")
    households = list(Household.objects.select_related("village")
                      .annotate(n=Count("members")).order_by("pk")[:args.explain_samples])
    explain_household(households[0], as_of=AS_OF)  # warm: imports, caches
    times, decided = [], 0
    for h in households:
        t = time.perf_counter()
        result = explain_household(h, as_of=AS_OF)
        times.append(time.perf_counter() - t)
        decided += sum(len(p.units) for p in result)
    median = statistics.median(times) * 1000
    print(f"explanation (programs.explain.explain_household: ORM fetch + single path, SQLite), "
          f"{len(times)} households, {decided:,} decisions: median {median:.1f} ms, p95 "
          f"{p95(times) * 1000:.1f} ms (target < 50 ms: {'met' if median < 50 else 'MISSED'})")


def p95(values: list[float]) -> float:
    return sorted(values)[min(len(values) - 1, int(0.95 * len(values)))]


# --- the synthetic registry --------------------------------------------------------------------


def generate(work: Path, n: int, seed: int, tmp: Path) -> bool:
    """Write the seven inputs for n households unless `work` already holds them."""
    meta = {"households": n, "seed": seed, "version": GENERATOR_VERSION, "as_of": str(AS_OF)}
    marker = work / "meta.json"
    if marker.exists() and json.loads(marker.read_text()) == meta:
        return False
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    con = connection(tmp)
    con.execute(f"CREATE MACRO u(x, salt) AS "
                f"((hash(x, salt, {int(seed)}) % 1000000007) + 0.5) / 1000000007.0")
    for step, sql in generator_sql(work, n):
        started = time.perf_counter()
        con.execute(sql)
        print(f"  generated {step} in {time.perf_counter() - started:.1f} s")
    con.close()
    marker.write_text(json.dumps(meta))
    return True


def _copy(select: str, path: Path) -> str:
    return (f"COPY ({select}) TO {literal(path)} "
            "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)")


def generator_sql(work: Path, n: int) -> list[tuple[str, str]]:
    p = {name: work / f"{name}.parquet" for name in INPUTS}
    villages = f"""
    CREATE TEMP TABLE v AS
    WITH w AS (
        SELECT code, (CASE WHEN substr(code, 10, 1) = '1' THEN 2.2 ELSE 1.0 END)
               * exp(0.4 * sqrt(-2 * ln(u(code, 1))) * cos(2 * pi() * u(code, 2))) AS w
        FROM read_csv({literal(VILLAGES)}, header = true, all_varchar = true))
    SELECT code, coalesce(sum(w) OVER (ORDER BY code ROWS BETWEEN UNBOUNDED PRECEDING
                                       AND 1 PRECEDING), 0) / (SELECT sum(w) FROM w) AS start
    FROM w"""
    # size 1..8 (mean about 3.5); head's age, sex; a spouse; an elderly parent last
    frame = f"""
    CREATE TEMP TABLE hh AS
    SELECT h.household_id, v.code AS village_code,
           CASE WHEN u(h.household_id, 3) < 0.03 THEN 'inactive' ELSE 'active' END AS status,
           1 + (s > 0.12)::INT + (s > 0.30)::INT + (s > 0.52)::INT + (s > 0.73)::INT
             + (s > 0.87)::INT + (s > 0.94)::INT + (s > 0.98)::INT AS size,
           20 + floor(pow(u(h.household_id, 5), 1.3) * 62)::INT AS head_age,
           u(h.household_id, 6) < 0.15 AS head_female,
           u(h.household_id, 7) < 0.85 AS spouse,
           u(h.household_id, 8) < 0.15 AS parent
    FROM (SELECT i AS household_id, u(i, 2) AS x, u(i, 4) AS s
          FROM range(1, {n + 1}) t(i)) h
    ASOF JOIN v ON h.x >= v.start"""
    households = _copy("SELECT household_id, village_code, status FROM hh "
                       "ORDER BY household_id", p["households"])
    members = _copy(MEMBERS_SQL, p["members"])
    match = _copy("""
    SELECT member_id,
           CASE WHEN nik = '' THEN 'no_nik' WHEN x < 0.90 THEN 'padan'
                WHEN x < 0.94 THEN 'data_differs' WHEN x < 0.985 THEN 'nik_not_found'
                ELSE 'nik_shared' END AS status,
           u(member_id, 41) < 0.01 AS deceased
    FROM (SELECT member_id, nik, u(member_id, 40) AS x FROM read_parquet({m}))
    WHERE u(member_id, 42) >= 0.03 ORDER BY member_id""".format(m=literal(p["members"])),
                  p["member_match"])
    score = _copy("""
    SELECT household_id, score,
           ntile(10) OVER (ORDER BY score, household_id)::SMALLINT AS desil_national,
           ntile(10) OVER (PARTITION BY substr(village_code, 1, 2)
                           ORDER BY score, household_id)::SMALLINT AS desil_province
    FROM (SELECT household_id, village_code,
                 round(10 * size + 60 * u(household_id, 51) + 15 * (parent::INT), 3) AS score
          FROM hh WHERE u(household_id, 50) >= 0.02)
    ORDER BY household_id""", p["household_score"])
    lists = _copy(LISTS_SQL.format(m=literal(p["members"]), n=n), p["list_entries"])
    wages = _copy("""
    SELECT DISTINCT substr(village_code, 1, 5) AS regency_code,
           (1800000 + 100000 * (hash(substr(village_code, 1, 5)) % 30))::BIGINT AS amount
    FROM hh ORDER BY 1""", p["minimum_wages"])
    enrollment = _copy("""
    SELECT program_code, household_id FROM (
        SELECT 'pkh' AS program_code, household_id FROM hh WHERE u(household_id, 60) < 0.10
        UNION ALL
        SELECT 'sembako', household_id FROM hh WHERE u(household_id, 61) < 0.18
        UNION ALL
        SELECT 'bst', household_id FROM hh WHERE u(household_id, 62) < 0.08)
    ORDER BY household_id, program_code""", p["current_enrollment"])
    return [("village weights", villages), ("household frame", frame),
            ("households", households), ("members", members), ("member_match", match),
            ("household_score", score), ("list_entries", lists), ("minimum_wages", wages),
            ("current_enrollment", enrollment)]


MEMBERS_SQL = """
WITH m AS (
    SELECT household_id * 10 + k AS member_id, household_id, village_code, k,
           CASE WHEN k = 0 THEN 1 WHEN k = 1 AND spouse THEN 2
                WHEN k = size - 1 AND k >= 2 AND parent THEN 6 ELSE 3 END AS relation,
           head_age, head_female
    FROM (SELECT *, unnest(range(size)) AS k FROM hh)),
a AS (
    SELECT *,
           CASE relation WHEN 1 THEN head_age
                WHEN 2 THEN greatest(17, head_age - 5 + floor(u(member_id, 10) * 9)::INT)
                WHEN 6 THEN head_age + 20 + floor(u(member_id, 10) * 15)::INT
                ELSE floor(u(member_id, 10) * least(greatest(head_age - 16, 1), 30))::INT
           END AS age,
           CASE relation WHEN 1 THEN head_female WHEN 2 THEN NOT head_female
                ELSE u(member_id, 11) < 0.5 END AS female,
           u(member_id, 12) AS x_school, u(member_id, 21) AS w
    FROM m),
b AS (
    SELECT *,
           CAST(DATE '{as_of}' - to_years(age) AS DATE)
               - floor(u(member_id, 13) * 365)::INT AS birth_date,
           CASE WHEN age BETWEEN 7 AND 12 THEN x_school > 0.015
                WHEN age BETWEEN 13 AND 15 THEN x_school > 0.08
                WHEN age BETWEEN 16 AND 18 THEN x_school > 0.25
                WHEN age BETWEEN 19 AND 24 THEN x_school > 0.78
                WHEN age BETWEEN 5 AND 6 THEN x_school > 0.65 ELSE FALSE END AS in_school
    FROM a)
SELECT member_id::BIGINT AS member_id, household_id::BIGINT AS household_id,
       CASE WHEN u(member_id, 14) < (CASE WHEN age < 2 THEN 0.4 ELSE 0.03 END) THEN ''
            ELSE replace(substr(village_code, 1, 8), '.', '')
                 || lpad((day(birth_date) + CASE WHEN female THEN 40 ELSE 0 END)::VARCHAR, 2, '0')
                 || lpad(month(birth_date)::VARCHAR, 2, '0')
                 || lpad((year(birth_date) % 100)::VARCHAR, 2, '0')
                 || lpad((member_id % 9973)::VARCHAR, 4, '0') END AS nik,
       birth_date,
       CASE WHEN female THEN 'P' ELSE 'L' END AS sex,
       relation::SMALLINT AS relation_to_household_head,
       female AND age BETWEEN 15 AND 45 AND u(member_id, 15) < 0.03 AS pregnant,
       (CASE WHEN u(member_id, 16) < (CASE WHEN age < 18 THEN 0.008 WHEN age < 60 THEN 0.018
                                          WHEN age < 75 THEN 0.07 ELSE 0.18 END)
             THEN 1 + floor(u(member_id, 17) * 12)::INT ELSE 0 END)::SMALLINT AS disability,
       (CASE WHEN in_school THEN 1 WHEN age <= 6 THEN 0
             WHEN age >= 19 AND x_school < 0.08 THEN 0 ELSE 2 END)::SMALLINT
           AS school_participation,
       (CASE WHEN in_school THEN (CASE WHEN age <= 12 THEN 0 WHEN age <= 15 THEN 1
                                       WHEN age <= 18 THEN 2 ELSE 3 END)
             WHEN age <= 12 THEN 0 WHEN age <= 18 THEN 1
             ELSE floor(u(member_id, 18) * 5)::INT END)::SMALLINT AS education,
       (CASE WHEN age < 15 OR in_school THEN 0
             WHEN age >= 65 AND u(member_id, 19) < 0.6 THEN 0
             ELSE (CASE WHEN w < 0.40 THEN 0 WHEN w < 0.58 THEN 1 WHEN w < 0.62 THEN 2
                        WHEN w < 0.64 THEN 3 WHEN w < 0.80 THEN 4 WHEN w < 0.84 THEN 5
                        WHEN w < 0.90 THEN 6 WHEN w < 0.95 THEN 7 ELSE 8 END) END)::SMALLINT
           AS employment_status,
       CASE WHEN u(member_id, 20) < 0.02 THEN 'inactive' ELSE 'active' END AS status
FROM b ORDER BY member_id
""".replace("{as_of}", str(AS_OF))

# Exclusion lists and Prakerja are drawn among adults (one list each at most), the wage list
# among employees, the Covid-19 orphans among children; a third again of entries per list are
# NIKs outside the registry (most civil servants are not in DTKS).
LISTS_SQL = """
WITH p AS (
    SELECT member_id, nik, date_sub('year', birth_date, DATE '2021-07-01') AS age,
           employment_status, u(member_id, 30) AS x
    FROM read_parquet({m}) WHERE nik <> ''),
k AS (
    SELECT nik, member_id,
           unnest(list_filter([
               CASE WHEN age BETWEEN 20 AND 64 THEN
                   CASE WHEN x < 0.020 THEN 'asn' WHEN x < 0.026 THEN 'tni_polri'
                        WHEN x < 0.027 THEN 'pendamping' WHEN x < 0.032 THEN 'guru_sertifikasi'
                        WHEN x < 0.039 THEN 'gaji_apbn_apbd' WHEN x < 0.043 THEN 'ahu'
                        WHEN x < 0.068 THEN 'prakerja' END
                    WHEN age >= 55 AND x < 0.03 THEN 'pensiun' END,
               CASE WHEN employment_status IN (3, 4, 5) AND u(member_id, 31) < 0.6
                    THEN 'penghasilan' END,
               CASE WHEN age < 18 AND u(member_id, 32) < 0.002 THEN 'yatim_covid' END
           ], lambda e: e IS NOT NULL)) AS kind
    FROM p),
outside AS (
    SELECT ['asn', 'tni_polri', 'pensiun', 'pendamping', 'guru_sertifikasi', 'gaji_apbn_apbd',
            'ahu', 'penghasilan', 'prakerja', 'yatim_covid'][1 + (i % 10)::INT] AS kind,
           '99' || lpad(i::VARCHAR, 14, '0') AS nik, i AS member_id
    FROM range(1, {n} // 20 + 2) t(i))
SELECT kind, nik,
       CASE WHEN kind = 'penghasilan'
            THEN (1200000 + 50000 * floor(u(member_id, 33) * 120))::BIGINT END AS monthly_income
FROM (SELECT * FROM k UNION ALL SELECT * FROM outside)
ORDER BY kind, nik
"""


if __name__ == "__main__":
    main()
