"""SQL generated from a PMT model, for the batch engine.

`household_variables_sql` turns the snapshot views `households` and `members` (active rows
only) into one row of model variables per household: composition is aggregated from members in
one GROUP BY, housing comes from the indexed household columns, assets from the answers JSON.
`score_sql` adds the prediction (one CASE expression per variable, weights of the household's
variant joined from an inline VALUES table) and desil 1-10 (1 = poorest) nationally and within
the province, ties broken by household_id so that every run gives the same desil.

The SQL is plain (CASE, EXTRACT, SUBSTR, VALUES, NTILE) so that DuckDB, PostgreSQL and Spark
SQL run it; the dialect only changes how a JSON field is read and the name of the double type.
"""

from datetime import date

from base.sql import PORTABLE, identifier, literal

from .pmt import AREAS, ASSETS, NATIONAL, labels, weight_keys

HOUSING = ["floor_area_m2", "floor_material", "wall_material", "roof_material",
           "drinking_water", "lighting", "cooking_fuel", "toilet_facility"]
# The answers JSON is parsed once per household (subquery `h`, column `a`), then read by key.
PARSE_ANSWERS = {
    "duckdb": "json_transform(answers, '{{{fields}}}')",
    "postgresql": "CAST(answers AS jsonb)",
    "spark": "from_json(answers, '{fields}')",
}
ANSWER = {"duckdb": "h.a.{key}", "postgresql": "(h.a ->> '{key}')", "spark": "h.a.{key}"}
DOUBLE = {"duckdb": "DOUBLE", "postgresql": "DOUBLE PRECISION", "spark": "DOUBLE"}


def _dialect(dialect: str) -> str:
    if dialect not in ANSWER:
        raise ValueError(f"unknown SQL dialect {dialect!r}; one of {', '.join(ANSWER)}")
    return dialect


def age_sql(birth_date: str, as_of: date) -> str:
    """Whole years of age on `as_of` (one less before the birthday in that year)."""
    return (f"({as_of.year} - EXTRACT(YEAR FROM {birth_date}) - CASE WHEN "
            f"EXTRACT(MONTH FROM {birth_date}) * 100 + EXTRACT(DAY FROM {birth_date}) > "
            f"{as_of.month * 100 + as_of.day} THEN 1 ELSE 0 END)")


def household_variables_sql(as_of: date, dialect: str = "duckdb") -> str:
    """One row per active household with at least one active member: household_id,
    province, and the columns of ranking.pmt.VARIABLE_COLUMNS."""
    answer = ANSWER[_dialect(dialect)]
    fields = ", ".join(f'"{a}": "VARCHAR"' if dialect == "duckdb" else f"{a} STRING"
                       for a in ASSETS)
    parse = PARSE_ANSWERS[dialect].format(fields=fields)
    assets = ",\n  ".join(
        f"CASE WHEN {answer.format(key=a)} = 'true' THEN 1 ELSE 0 END AS {a}" for a in ASSETS)
    head = "relation_to_household_head = 1"
    return f"""SELECT h.household_id, SUBSTR(h.village_code, 1, 2) AS province,
  CASE WHEN SUBSTR(h.village_code, 10, 1) = '1' THEN 1 ELSE 0 END AS urban,
  c.household_size, c.children, c.elderly, c.disabled,
  {", ".join(f"h.{col}" for col in HOUSING)},
  c.head_female, c.head_age, c.head_education, c.head_work_sector, c.head_employment_status,
  {assets}
FROM (
  SELECT household_id, village_code, {", ".join(HOUSING)}, {parse} AS a
  FROM households WHERE status = 'active'
) h
JOIN (
  SELECT household_id, COUNT(*) AS household_size,
    SUM(CASE WHEN age < 15 THEN 1 ELSE 0 END) AS children,
    SUM(CASE WHEN age >= 60 THEN 1 ELSE 0 END) AS elderly,
    MAX(CASE WHEN disability > 0 THEN 1 ELSE 0 END) AS disabled,
    MAX(CASE WHEN {head} AND sex = 'P' THEN 1 ELSE 0 END) AS head_female,
    MAX(CASE WHEN {head} THEN age END) AS head_age,
    MAX(CASE WHEN {head} THEN education END) AS head_education,
    MAX(CASE WHEN {head} THEN work_sector END) AS head_work_sector,
    MAX(CASE WHEN {head} THEN employment_status END) AS head_employment_status
  FROM (
    SELECT household_id, relation_to_household_head, sex, disability, education, work_sector,
      employment_status, {age_sql("birth_date", as_of)} AS age
    FROM members WHERE status = 'active'
  ) m
  GROUP BY household_id
) c ON c.household_id = h.household_id"""  # noqa: S608


def _literal(value: float) -> str:
    # Exponent notation reads as a double in DuckDB and Spark, exactly in PostgreSQL.
    return f"{float(value):.17e}"


def _quoted(values) -> str:
    return ", ".join(literal(str(v), PORTABLE) for v in values)


def _number(value) -> str:
    """A bin edge of the model as a SQL number (a model file is data, so checked)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"a bin edge must be a number, got {value!r}")
    return literal(value)


def _category_conditions(variable: dict, column: str) -> list[str]:
    """The SQL condition of each non-reference category (evaluated in the order returned)."""
    kind = variable["kind"]
    if kind == "flag":
        return [f"{column} = 1"]
    if kind == "bins":
        per = f" * v.{identifier(variable['per'], PORTABLE)}" if variable.get("per") else ""
        return [f"{column} >= {_number(e)}{per}" for e in variable["edges"]]
    conditions = []
    for _, codes in variable["categories"][1:]:
        items = ", ".join(literal(c if isinstance(c, int) else str(c), PORTABLE)
                          for c in codes)
        conditions.append(f"{column} IN ({items})")
    return conditions


def score_expression(model: dict) -> str:
    """intercept + one CASE per variable, reading the weights columns w1..wN of `w`."""
    terms = ["w.intercept"]
    position = 0
    for variable in model["variables"]:
        n = len(labels(variable)) - 1
        conditions = _category_conditions(variable,
                                          f"v.{identifier(variable['column'], PORTABLE)}")
        columns = [f"w.w{position + i + 1}" for i in range(n)]
        pairs = list(zip(conditions, columns, strict=True))
        if variable["kind"] == "bins":  # the highest edge reached decides
            pairs.reverse()
        whens = " ".join(f"WHEN {cond} THEN {col}" for cond, col in pairs)
        terms.append(f"CASE {whens} ELSE 0 END")
        position += n
    return "\n    + ".join(terms)


def weights_table(model: dict) -> str:
    """The variants as an inline table w(variant, intercept, w1..wN)."""
    keys = weight_keys(model["variables"])
    rows = []
    for variant in model["variants"]:
        values = [variant["intercept"], *(variant["weights"].get(k, 0.0) for k in keys)]
        key = literal(str(variant["key"]), PORTABLE)
        rows.append(f"({key}, {', '.join(_literal(x) for x in values)})")
    names = ", ".join(["variant", "intercept", *(f"w{i + 1}" for i in range(len(keys)))])
    return f"(VALUES {', '.join(rows)}) AS w({names})"


def variant_expression(model: dict) -> str:
    """The key of the most specific variant present for a household row `v`."""
    keys = {variant["key"] for variant in model["variants"]}
    area = "CASE WHEN v.urban = 1 THEN 'urban' ELSE 'rural' END"
    specific = f"v.province || '-' || {area}"
    area_keys = sorted(k for k in keys if k.endswith(tuple(f"-{a}" for a in AREAS)))
    province_keys = sorted(k for k in keys if k != NATIONAL and k not in area_keys)
    whens = []
    if area_keys:
        whens.append(f"WHEN {specific} IN ({_quoted(area_keys)}) THEN {specific}")
    if province_keys:
        whens.append(f"WHEN v.province IN ({_quoted(province_keys)}) THEN v.province")
    if not whens:
        return literal(NATIONAL)
    return f"CASE {' '.join(whens)} ELSE {literal(NATIONAL)} END"


def score_sql(model: dict, as_of: date, dialect: str = "duckdb") -> str:
    """household_id, province, variant, score (predicted log per-capita consumption),
    desil_national and desil_province of every active household."""
    return f"""WITH v AS (
{household_variables_sql(as_of, dialect)}
),
keyed AS (
  SELECT v.*, {variant_expression(model)} AS variant FROM v
),
scored AS (
  SELECT v.household_id, v.province, v.variant,
    CAST({score_expression(model)} AS {DOUBLE[dialect]}) AS score
  FROM keyed v JOIN {weights_table(model)} ON w.variant = v.variant
)
SELECT household_id, province, score,
  NTILE(10) OVER (ORDER BY score, household_id) AS desil_national,
  NTILE(10) OVER (PARTITION BY province ORDER BY score, household_id) AS desil_province,
  variant
FROM scored"""  # noqa: S608
