"""Civil-registry candidates for members without a usable NIK (no_nik, nik_not_found): a
Splink link_only search between those members and the civil registry on name, birth date, sex
and district (DuckDB backend).

The model needs no hand-set weights and no EM on a handful of records: members whose NIK was
found in the civil registry are labelled pairs (member, their civil record), so the m
probabilities are estimated from them (typos, swapped dates and all), the u probabilities from
random pairs, and the prior from the size of the civil registry (each member is one person)."""
# ruff: noqa: S608 - SQL text is built from constants and quoted file paths, never user input.

import json
import logging
import time
from pathlib import Path

import duckdb
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from base.sql import literal

CANDIDATES_FILE = "civil_candidates.parquet"
MODEL_FILE = "civil_candidates_model.json"
TRAINING_MEMBERS = 20_000
U_PAIRS = 2_000_000
# Low enough to show the clerk a plausible person, high enough to skip strangers who merely
# share a birth date.
MIN_MATCH_WEIGHT = 0.0

logger = logging.getLogger(__name__)


def settings(civil_rows: int) -> SettingsCreator:
    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=1 / max(civil_rows, 2),
        comparisons=[
            cl.JaroWinklerAtThresholds("name_key", [0.95, 0.88, 0.75]),
            cl.DateOfBirthComparison("birth_date", input_is_string=False),
            cl.ExactMatch("sex"),
            cl.ExactMatch("district_code"),
        ],
        # Birth date alone pairs each member with ~800 people nationally (25M people over
        # ~30k dates): at 10M registry people that is ~10^9 comparisons. Each rule below keeps
        # a member's block to tens of people, and together they still tolerate an error in
        # any one of name start, birth date or kecamatan.
        blocking_rules_to_generate_predictions=[
            block_on("birth_date", "substr(name_key, 1, 2)"),
            block_on("birth_date", "district_code"),
            block_on("district_code", "substr(name_key, 1, 3)"),
        ],
        retain_intermediate_calculation_columns=False,
    )


def search(con: duckdb.DuckDBPyConnection, out_dir: Path, status_file: Path, civil_file: Path,
           top_n: int = 3, min_match_weight: float = MIN_MATCH_WEIGHT) -> dict:
    """Write CANDIDATES_FILE (member_id, candidate_nik, candidate_name, candidate_birth_date,
    candidate_sex, candidate_village_code, match_weight, match_probability, rank 1..top_n) and
    the model; return counts."""
    out_dir = Path(out_dir)
    target = out_dir / CANDIDATES_FILE
    started = time.perf_counter()
    _inputs(con, status_file, civil_file)
    searched = con.execute("SELECT count(*) FROM civil_search_members").fetchall()[0][0]
    trained = con.execute("SELECT count(*) FROM civil_training_members").fetchall()[0][0]
    if searched == 0 or trained == 0:
        con.execute(f"COPY (SELECT * FROM ({_EMPTY})) TO {literal(target)} (FORMAT parquet)")
        return {"searched": searched, "candidates": 0, "candidate_members": 0}
    civil_rows = con.execute("SELECT count(*) FROM civil_people").fetchall()[0][0]
    db = DuckDBAPI(con)
    civil = db.register("civil_people", dataset_display_name="civil")
    training = Linker([db.register("civil_training_members",
                                   dataset_display_name="members"), civil],
                      settings(civil_rows), log_level=logging.WARNING)
    training.training.estimate_u_using_random_sampling(max_pairs=U_PAIRS, seed=1)
    training.training.estimate_m_from_pairwise_labels("civil_training_labels")
    model = _smoothed(training.misc.save_model_to_json(), trained)
    (out_dir / MODEL_FILE).write_text(json.dumps(model, indent=2))
    trained_at = time.perf_counter()
    linker = Linker([db.register("civil_search_members", dataset_display_name="search"),
                     db.register("civil_people", dataset_display_name="civil_")],
                    model, log_level=logging.WARNING)
    pairs = linker.inference.predict(threshold_match_weight=min_match_weight)
    # Splink orders each pair by source dataset; put the member on the left whatever the order.
    member_left = "source_dataset_l = 'search'"
    con.execute(f"""
        COPY (
            SELECT CAST(p.unique_id_l AS BIGINT) AS member_id, p.unique_id_r AS candidate_nik,
                   c.name AS candidate_name, c.birth_date AS candidate_birth_date,
                   c.sex AS candidate_sex, c.village_code AS candidate_village_code,
                   p.match_weight, p.match_probability, CAST(p.rank AS SMALLINT) AS rank
            FROM (
                SELECT *, row_number() OVER (PARTITION BY unique_id_l
                                             ORDER BY match_weight DESC, unique_id_r) AS rank
                FROM (
                    SELECT CASE WHEN {member_left} THEN unique_id_l ELSE unique_id_r END
                               AS unique_id_l,
                           CASE WHEN {member_left} THEN unique_id_r ELSE unique_id_l END
                               AS unique_id_r,
                           match_weight, match_probability
                    FROM {pairs.physical_name}
                ) oriented
            ) p JOIN read_parquet({literal(civil_file)}) c ON c.nik = p.unique_id_r
            WHERE p.rank <= {int(top_n)}
            ORDER BY member_id, rank
        ) TO {literal(target)} (FORMAT parquet)""")
    found = con.execute("SELECT count(*), count(DISTINCT member_id) FROM read_parquet(?)",
                        [str(target)]).fetchall()[0]
    return {"searched": searched, "candidates": found[0], "candidate_members": found[1],
            "candidate_training_seconds": round(trained_at - started, 3),
            "candidate_predict_seconds": round(time.perf_counter() - trained_at, 3)}


def _smoothed(model: dict, labelled_pairs: int) -> dict:
    """Levels never seen among the labelled pairs (a true match with another sex, say) get a
    small m instead of Splink's default, as if seen half a time; likewise u for levels no
    random pair reached (everyone in one district)."""
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            level.setdefault("m_probability", 0.5 / (labelled_pairs + 1))
            level.setdefault("u_probability", 0.5 / U_PAIRS)
    return model


_EMPTY = """SELECT CAST(NULL AS BIGINT) AS member_id, CAST(NULL AS VARCHAR) AS candidate_nik,
    CAST(NULL AS VARCHAR) AS candidate_name, CAST(NULL AS DATE) AS candidate_birth_date,
    CAST(NULL AS VARCHAR) AS candidate_sex, CAST(NULL AS VARCHAR) AS candidate_village_code,
    CAST(NULL AS DOUBLE) AS match_weight, CAST(NULL AS DOUBLE) AS match_probability,
    CAST(NULL AS SMALLINT) AS rank WHERE false"""


def _inputs(con: duckdb.DuckDBPyConnection, status_file: Path, civil_file: Path) -> None:
    """The tables Splink reads: civil people, members to search, labelled training members."""
    person = "name_key, birth_date, sex, substr(village_code, 1, 8) AS district_code"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE civil_people AS
        SELECT nik AS unique_id, {person} FROM read_parquet(?)""", [str(civil_file)])
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE civil_search_members AS
        SELECT CAST(m.member_id AS VARCHAR) AS unique_id, {person}
        FROM members m JOIN read_parquet(?) s USING (member_id)
        WHERE s.status IN ('no_nik', 'nik_not_found')""", [str(status_file)])
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE civil_training_labels AS
        SELECT 'members' AS source_dataset_l, CAST(member_id AS VARCHAR) AS unique_id_l,
               'civil' AS source_dataset_r, person_nik AS unique_id_r
        FROM read_parquet(?) WHERE status IN ('padan', 'data_differs')
        ORDER BY hash(member_id) LIMIT {TRAINING_MEMBERS}""", [str(status_file)])
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE civil_training_members AS
        SELECT CAST(m.member_id AS VARCHAR) AS unique_id, {person}
        FROM members m JOIN civil_training_labels l
             ON l.unique_id_l = CAST(m.member_id AS VARCHAR)""")
