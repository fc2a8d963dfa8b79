"""The portable SQL of pemadanan: the same text runs on DuckDB and on Spark SQL, so both engines
give the same statuses. Only functions both dialects share are used (substr, translate, replace,
try_cast, IS DISTINCT FROM, CASE); no regular expressions, whose flags differ.

Inputs are the views `members` and `families` (snapshot layout) and `civil` (an extract:
nik, kk_number, name_key, birth_date, sex, village_code, death_date)."""
# ruff: noqa: S608 - SQL text is built from constants and column names given by the caller.

STATUSES = ("padan", "nik_not_found", "data_differs", "nik_shared", "no_nik")


def clean_nik(column: str) -> str:
    """The digits a clerk meant: spaces, dots and dashes dropped (registry.identity's
    normalize_digits for the separators seen in practice)."""
    return f"replace(replace(replace(coalesce({column}, ''), ' ', ''), '.', ''), '-', '')"


def nik_checks(nik: str) -> str:
    """SELECT-list items over a cleaned NIK column `nik`: its parts, then in a later step
    `nik_valid_sql()` decides. Split so no expression casts text that is not digits."""
    return f"""
        length({nik}) = 16 AND translate({nik}, '0123456789', '') = '' AS digits_ok,
        try_cast(substr({nik}, 1, 2) AS INT) AS nik_province,
        substr({nik}, 3, 2) AS nik_regency,
        substr({nik}, 5, 2) AS nik_district,
        try_cast(substr({nik}, 7, 2) AS INT) AS nik_day,
        try_cast(substr({nik}, 9, 2) AS INT) AS nik_month,
        try_cast(substr({nik}, 11, 2) AS INT) AS nik_year,
        substr({nik}, 13, 4) AS nik_serial"""


# registry.identity.parse_nik's errors, as one boolean: province 11-99, regency and district
# not 00, day 01-31 (men) or 41-71 (women), month 01-12, a date that exists, serial not 0000.
# Years 1901-2099 are leap years exactly when divisible by 4, and the century parse_nik picks
# never lands on 1900 or 2100, so two digits of year decide 29 February.
NIK_VALID = """coalesce(
        digits_ok AND nik_province >= 11 AND nik_regency <> '00' AND nik_district <> '00'
        AND nik_serial <> '0000' AND nik_month BETWEEN 1 AND 12
        AND (nik_day BETWEEN 1 AND 31 OR nik_day BETWEEN 41 AND 71)
        AND CASE WHEN nik_day > 40 THEN nik_day - 40 ELSE nik_day END
            <= CASE WHEN nik_month = 2 THEN CASE WHEN nik_year % 4 = 0 THEN 29 ELSE 28 END
                    WHEN nik_month IN (4, 6, 9, 11) THEN 30 ELSE 31 END,
        false)"""


def nik_valid_query(source: str, nik_column: str) -> str:
    """SELECT *, cleaned `nik` and `nik_valid` over the rows of `source` (a view or subquery)."""
    nik = clean_nik(nik_column)
    return f"""
        SELECT *, {NIK_VALID} AS nik_valid FROM (
            SELECT s.*, {nik} AS nik_clean, {nik_checks(nik)} FROM {source} s
        ) parts"""


# One row per active registry member. Precedence: a NIK that is not one (no_nik), then one held
# by several active members (nik_shared: all of them), then not in the civil registry, then
# the fields that differ. Field differences, death and moves are reported whenever the NIK is
# found, whatever the status. Names compare by name_key (case, spacing, punctuation ignored).
STATUS_QUERY = f"""
WITH reg AS (
    SELECT m.member_id, m.nik, m.name_key, m.birth_date, m.sex, m.village_code, f.kk_number
    FROM members m LEFT JOIN families f ON f.family_id = m.family_id
    WHERE m.status = 'active'
),
checked AS ({nik_valid_query("reg", "nik")}),
holders AS (
    SELECT nik_clean, count(*) AS holders FROM checked WHERE nik_valid GROUP BY nik_clean
),
joined AS (
    SELECT k.member_id, k.nik_valid, k.nik_clean, h.holders, k.village_code,
           c.nik AS civil_nik, c.death_date, c.village_code AS civil_village_code,
           c.nik IS NOT NULL AND k.name_key IS DISTINCT FROM c.name_key AS differs_name,
           c.nik IS NOT NULL AND k.birth_date IS DISTINCT FROM c.birth_date
               AS differs_birth_date,
           c.nik IS NOT NULL AND k.sex IS DISTINCT FROM c.sex AS differs_sex,
           c.nik IS NOT NULL AND k.kk_number IS DISTINCT FROM c.kk_number AS differs_kk
    FROM checked k
    LEFT JOIN holders h ON k.nik_valid AND h.nik_clean = k.nik_clean
    LEFT JOIN civil c ON k.nik_valid AND c.nik = k.nik_clean
)
SELECT member_id,
       CASE WHEN NOT nik_valid THEN 'no_nik'
            WHEN holders > 1 THEN 'nik_shared'
            WHEN civil_nik IS NULL THEN 'nik_not_found'
            WHEN differs_name OR differs_birth_date OR differs_sex OR differs_kk
                THEN 'data_differs'
            ELSE 'padan' END AS status,
       differs_name, differs_birth_date, differs_sex, differs_kk,
       civil_nik AS person_nik,
       death_date IS NOT NULL AS deceased, death_date,
       civil_nik IS NOT NULL AND civil_village_code IS DISTINCT FROM village_code AS moved,
       civil_village_code
FROM joined
"""
