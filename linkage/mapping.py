"""The linkage engine's door for ANY table: a column mapping says which source columns play
which role (names, birth date, sex, ID number, address parts); `standardise_sql` turns the
source into the engine's standard columns and `build_settings` makes Splink settings with
comparisons for the mapped roles only. The registry dedup (`linkage.dedup`) and outside lists
(an exclusion list without NIK, a complaint list) go through the same path.

Standard columns: unique_id, full_name, given_name, surname, name_prefix, birth_date (ISO text
'YYYY-MM-DD'), birth_date_swapped (day and month exchanged), birth_year, birth_date_sex,
sex ('M'/'F'), id_number, postcode, street, village, district, regency, state, birth_place."""

# ruff: noqa: S608 -- SQL text is built from table names this code chooses; the operator's
# column names and date format reach it only through base.sql.identifier and literal.

from dataclasses import dataclass, field
from itertools import combinations

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

from base.sql import DUCKDB, SPARK, identifier, literal

ROLES = ("unique_id", "full_name", "given_name", "surname", "birth_date", "sex", "id_number",
         "postcode", "street", "village", "district", "regency", "state", "birth_place")
PLACE_ROLES = ("postcode", "street", "village", "district", "regency", "state", "birth_place")


class MappingError(ValueError):
    """A mapping that names an unknown role or misses the columns the engine needs, with the
    reason in Indonesian and English."""

    def __init__(self, id_: str, en: str):
        super().__init__(en)
        self.id, self.en = id_, en

    def message(self, lang: str = "id") -> str:
        return self.id if lang == "id" else self.en


@dataclass(frozen=True)
class ColumnMapping:
    """role -> source columns (several columns are joined with a space, e.g. street number and
    street name). `birth_date_format` is a strptime format ('%Y%m%d', '%d/%m/%Y') when the birth
    date is text; leave it None for date columns or ISO text."""

    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    birth_date_format: str | None = None

    def __post_init__(self) -> None:
        unknown = sorted(set(self.columns) - set(ROLES))
        if unknown:
            raise MappingError(
                f"peran tidak dikenal: {', '.join(unknown)}; yang dikenal: {', '.join(ROLES)}",
                f"unknown role(s): {', '.join(unknown)}; known: {', '.join(ROLES)}")
        if "unique_id" not in self.columns:
            raise MappingError("Pemetaan perlu kolom unique_id (id setiap data).",
                               "The mapping needs a unique_id column (each record's id).")
        if not ({"full_name", "given_name", "surname"} & set(self.columns)):
            raise MappingError("Pemetaan perlu nama (full_name, atau given_name/surname).",
                               "The mapping needs a name (full_name or given_name/surname).")

    @classmethod
    def of(cls, birth_date_format: str | None = None, **roles: str | tuple[str, ...]
           ) -> "ColumnMapping":
        return cls({role: (cols,) if isinstance(cols, str) else tuple(cols)
                    for role, cols in roles.items()}, birth_date_format)

    @classmethod
    def parse(cls, text: str, birth_date_format: str | None = None) -> "ColumnMapping":
        """'rec_id=unique_id,given_name=given_name,street_number+address_1=street'."""
        roles: dict[str, tuple[str, ...]] = {}
        for item in filter(None, (part.strip() for part in text.split(","))):
            source, sep, role = item.partition("=")
            columns = tuple(c.strip() for c in source.split("+"))
            if not sep or not all(columns) or not role.strip():
                raise MappingError(f"Bagian pemetaan {item!r} bukan kolom=peran.",
                                   f"Mapping item {item!r} is not column=role.")
            if role.strip() in roles:
                raise MappingError(f"Peran {role.strip()} dipetakan dua kali.",
                                   f"Role {role.strip()} is mapped twice.")
            roles[role.strip()] = columns
        return cls(roles, birth_date_format)

    @property
    def roles(self) -> set[str]:
        """Standard roles available after standardisation (derived ones included)."""
        roles = set(self.columns)
        if {"given_name", "surname"} & roles:
            roles.add("full_name")
        return roles


def _q(column: str, dialect: str) -> str:
    """A quoted identifier: "x" in DuckDB, `x` in Spark (where "x" is a string)."""
    return identifier(column, SPARK if dialect == "spark" else DUCKDB)


def _text(mapping: ColumnMapping, role: str, dialect: str) -> str:
    cols = [f"cast({_q(c, dialect)} as string)" for c in mapping.columns[role]]
    return cols[0] if len(cols) == 1 else "concat_ws(' ', " + ", ".join(cols) + ")"


def _regexp_all(expr: str, pattern: str, dialect: str, replacement: str = "") -> str:
    # DuckDB replaces only the first match unless told 'g'; Spark always replaces all.
    flag = ", 'g'" if dialect == "duckdb" else ""
    return f"regexp_replace({expr}, '{pattern}', '{replacement}'{flag})"


def _name(expr: str, dialect: str) -> str:
    """Upper-case letters and single spaces: 'Moch.  Ali-Rahman' -> 'MOCH ALI RAHMAN'."""
    letters = _regexp_all(f"upper({expr})", "[^A-Z]+", dialect, " ")
    return f"nullif(trim({_regexp_all(letters, ' +', dialect, ' ')}), '')"


def _java_format(fmt: str) -> str:
    for py, java in (("%Y", "yyyy"), ("%m", "MM"), ("%d", "dd"), ("%y", "yy")):
        fmt = fmt.replace(py, java)
    return fmt


def _iso_date(mapping: ColumnMapping, dialect: str) -> str:
    raw = _q(mapping.columns["birth_date"][0], dialect)
    fmt = mapping.birth_date_format
    if dialect == "duckdb":
        parsed = (f"try_strptime(cast({raw} as string), {literal(fmt)})" if fmt
                  else f"try_cast({raw} as date)")
        return f"strftime({parsed}, '%Y-%m-%d')"
    parsed = (f"try_to_timestamp(cast({raw} as string), {literal(_java_format(fmt), SPARK)})"
              if fmt else f"try_cast({raw} as date)")
    return f"date_format({parsed}, 'yyyy-MM-dd')"


def standardise_sql(mapping: ColumnMapping, source: str, dialect: str = "duckdb") -> str:
    """SELECT turning `source` (a table or view name) into the standard columns, in the SQL
    of `dialect` ('duckdb' or 'spark'). Unmapped roles are NULL."""
    m = mapping.columns
    null = "cast(null as string)"
    out: dict[str, str] = {"unique_id": _q(m["unique_id"][0], dialect)}
    for role in ("given_name", "surname"):
        out[role] = _name(_text(mapping, role, dialect), dialect) if role in m else null
    if "full_name" in m:
        out["full_name"] = _name(_text(mapping, "full_name", dialect), dialect)
    elif {"given_name", "surname"} & set(m):
        parts = ", ".join(_text(mapping, r, dialect) for r in ("given_name", "surname") if r in m)
        out["full_name"] = _name(f"concat_ws(' ', {parts})", dialect)
    date = _iso_date(mapping, dialect) if "birth_date" in m else null
    sex = _text(mapping, "sex", dialect) if "sex" in m else null
    ident = _text(mapping, "id_number", dialect) if "id_number" in m else null
    inner = {
        **out, "birth_date": date,
        "sex": f"case when upper(substr(trim({sex}), 1, 1)) in ('L', 'M') then 'M' "
               f"when upper(substr(trim({sex}), 1, 1)) in ('P', 'F', 'W') then 'F' end",
        "id_number": f"nullif({_regexp_all(f'upper({ident})', '[^0-9A-Z]+', dialect)}, '')",
    }
    for role in PLACE_ROLES:
        text = _text(mapping, role, dialect) if role in m else None
        inner[role] = f"nullif(upper(trim({text})), '')" if text else null
    select = ",\n  ".join(f"{expr} as {name}" for name, expr in inner.items())
    return f"""
select *,
  substr(full_name, 1, 3) as name_prefix,
  concat(substr(birth_date, 1, 5), substr(birth_date, 9, 2), '-', substr(birth_date, 6, 2))
    as birth_date_swapped,
  substr(birth_date, 1, 4) as birth_year,
  concat(birth_date, sex) as birth_date_sex
from (select
  {select}
from {source}) as standardised"""


def _name_comparison(col: str) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name=col,
        comparison_levels=[
            cll.NullLevel(col),
            cll.ExactMatchLevel(col, term_frequency_adjustments=True),
            cll.DamerauLevenshteinLevel(col, 1),
            cll.JaroWinklerLevel(col, 0.92),
            cll.JaroWinklerLevel(col, 0.80),
            cll.ElseLevel(),
        ],
    )


def _birth_date_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("birth_date"),
            # Term frequencies: unknown birthdays are heaped on 1 July, 1 January, 31 December.
            cll.ExactMatchLevel("birth_date", term_frequency_adjustments=True),
            cll.CustomLevel("birth_date_l = birth_date_swapped_r",
                            label_for_charts="Day and month swapped"),
            cll.DamerauLevenshteinLevel("birth_date", 1),
            cll.CustomLevel("birth_year_l = birth_year_r", label_for_charts="Same year"),
            cll.ElseLevel(),
        ],
    )


def _id_comparison() -> cl.CustomComparison:
    """Exact, or a one-digit slip. A NIK is kecamatan (6 digits), birth date with sex (6) and a
    serial (4), and serials are mostly 0001: NIKs of strangers born the same day in
    neighbouring kecamatan, and of twins, are one digit apart. So the slip level only counts
    a difference in the birth-date digits of two records whose recorded birth date and sex
    agree; that no second person explains. (birth_date_sex is its own column so that the EM
    session blocking on the birth date still trains this comparison.)"""
    slip = ("substr(id_number_l, 1, 6) = substr(id_number_r, 1, 6) "
            "AND substr(id_number_l, 13, 4) = substr(id_number_r, 13, 4) "
            "AND birth_date_sex_l = birth_date_sex_r")
    return cl.CustomComparison(
        output_column_name="id_number",
        comparison_levels=[
            cll.NullLevel("id_number"),
            cll.ExactMatchLevel("id_number"),
            cll.And(cll.CustomLevel(slip, label_for_charts="NIK birth-date digits mistyped"),
                    cll.DamerauLevenshteinLevel("id_number", 1)),
            cll.ElseLevel(),
        ],
    )


def _region_comparison(roles: set[str]) -> cl.CustomComparison:
    """Village within kecamatan within kabupaten: the finest level both records share."""
    present = [r for r in ("village", "district", "regency") if r in roles]
    levels = [cll.NullLevel(present[-1])]
    levels += [cll.ExactMatchLevel(r) for r in present]
    return cl.CustomComparison(output_column_name="region",
                               comparison_levels=[*levels, cll.ElseLevel()])


def _text_comparison(col: str, fuzzy: bool) -> cl.CustomComparison:
    levels = [cll.NullLevel(col), cll.ExactMatchLevel(col, term_frequency_adjustments=fuzzy)]
    if fuzzy:
        levels += [cll.JaroWinklerLevel(col, 0.9)]
    elif col == "postcode":
        levels += [cll.DamerauLevenshteinLevel(col, 1)]
    return cl.CustomComparison(output_column_name=col, comparison_levels=[*levels, cll.ElseLevel()])


def comparisons(roles: set[str]) -> list:
    """Comparisons for the mapped roles only."""
    out = []
    if {"given_name", "surname"} <= roles:
        out += [_name_comparison("given_name"), _name_comparison("surname")]
    else:
        out.append(_name_comparison("full_name"))
    if "birth_date" in roles:
        out.append(_birth_date_comparison())
    if "sex" in roles:
        out.append(cl.ExactMatch("sex"))
    if "id_number" in roles:
        out.append(_id_comparison())
    if {"village", "district", "regency"} & roles:
        out.append(_region_comparison(roles))
    for role in ("postcode", "street", "state", "birth_place"):
        if role in roles:
            out.append(_text_comparison(role, fuzzy=role in ("street", "birth_place")))
    return out


def area_role(roles: set[str]) -> str | None:
    """The coarse area that keeps blocks small nationally: kabupaten, else state/province."""
    return next((r for r in ("regency", "state") if r in roles), None)


def blocking_rules(roles: set[str]) -> list:
    """Rules whose union keeps comparisons tractable at national scale: the same ID number;
    the same birth date in the same area; the same name start and birth year in the area;
    the same full name and birth date anywhere (a duplicate registered in another area
    without its NIK). Without a birth date: the same full name in the area."""
    area = [a] if (a := area_role(roles)) else []
    rules = []
    if "id_number" in roles:
        rules.append(block_on("id_number"))
    if "birth_date" in roles:
        rules.append(block_on("birth_date", *area))
        rules.append(block_on("name_prefix", "birth_year", *area))
        rules.append(block_on("full_name", "birth_date"))
    else:
        rules.append(block_on("full_name", *area))
    if "postcode" in roles:
        rules.append(block_on("postcode", "name_prefix"))
    return rules


def training_blocks(roles: set[str]) -> list:
    """Blocking rules for the EM sessions. Each blocks on two of the strong keys (ID number,
    full name, birth date), so its pairs are nearly all true matches, and trains the third:
    one key alone lets in relatives sharing a NIK, or strangers born the same day nearby (a
    NIK embeds the birth date and kecamatan), and EM would learn them as matches."""
    area = [a] if (a := area_role(roles)) else []
    keys = [k for k in ("id_number", "full_name", "birth_date") if k in roles | {"full_name"}]
    if len(keys) == 3:
        return [block_on(*pair) for pair in combinations(keys, 2)]
    if len(keys) == 2:
        return [block_on(key, *area) for key in keys]
    return [block_on("full_name", *area), block_on("name_prefix", *area)]


def build_settings(roles: set[str], link_type: str = "dedupe_only",
                   rules: list | None = None) -> SettingsCreator:
    """Splink settings for the mapped roles (the same for DuckDB and Spark); when linking two
    tables, pass the roles both mappings have."""
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=comparisons(roles),
        blocking_rules_to_generate_predictions=rules or blocking_rules(roles),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=True,
    )
