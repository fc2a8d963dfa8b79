"""Values and names in SQL text: the one place that quotes them.

Batch SQL (DuckDB, PostgreSQL, Spark SQL) is text built in Python; statements such as COPY,
CREATE VIEW and the table functions over files take no bound parameters. So every value a user
gives (a file path, a date format, a text in a rule, a region code, a clause id) reaches SQL
through `literal`, and every name (a mapped column) through `identifier`; bind parameters
where the statement allows them.

Dialects: 'duckdb' and 'postgresql' follow standard SQL (a quote is doubled, a backslash is
an ordinary character: PostgreSQL's standard_conforming_strings, on since 9.1). Spark SQL reads
a backslash as an escape and replaces `${...}` anywhere in the text with configuration and
environment values before parsing; 'spark' and 'portable' (one text that runs unchanged on all
three engines) therefore write a quote, a backslash and a dollar sign as CHR(n), joined with
`||`: an expression, valid wherever a value is, but not where a statement wants a plain
literal (COPY ... TO, a table function's file argument): use 'duckdb' there."""

import math
from datetime import date
from pathlib import PurePath

DUCKDB, POSTGRESQL, SPARK, PORTABLE = "duckdb", "postgresql", "spark", "portable"
DIALECTS = (DUCKDB, POSTGRESQL, SPARK, PORTABLE)
_SPECIAL = {"'": 39, "\\": 92, "$": 36}  # characters Spark's parser does not take literally


def _dialect(dialect: str) -> str:
    if dialect not in DIALECTS:
        raise ValueError(f"unknown SQL dialect {dialect!r}; one of {', '.join(DIALECTS)}")
    return dialect


def literal(value: str | PurePath | int | float | bool | date | None,
            dialect: str = DUCKDB) -> str:
    """`value` as a SQL literal (text, a path, a number, true/false, a date or NULL)."""
    _dialect(dialect)
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} is not a number SQL can hold")
        return f"{value:.17e}"  # exponent notation: a double in every engine
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    text = str(value)
    if "\x00" in text:
        raise ValueError("a text with a NUL character cannot be used in SQL")
    if dialect in (DUCKDB, POSTGRESQL) or not any(c in _SPECIAL for c in text):
        return "'" + text.replace("'", "''") + "'"
    parts, plain = [], ""
    for char in text:
        if char in _SPECIAL:
            if plain:
                parts.append(f"'{plain}'")
            parts.append(f"CHR({_SPECIAL[char]})")
            plain = ""
        else:
            plain += char
    if plain:
        parts.append(f"'{plain}'")
    return "(" + " || ".join(parts) + ")"


def identifier(name: str, dialect: str = DUCKDB) -> str:
    """`name` as a quoted SQL identifier: "name" in DuckDB and PostgreSQL, `name` in Spark
    (where "name" is a text). 'portable' admits only plain names (letters, digits, _), which
    every engine reads unquoted."""
    _dialect(dialect)
    name = str(name)
    if not name or "\x00" in name:
        raise ValueError(f"not a usable column name: {name!r}")
    if dialect == PORTABLE:
        if not (name.isascii() and name.replace("_", "a").isalnum() and not name[0].isdigit()):
            raise ValueError(f"not a plain name: {name!r}")
        return name
    mark = "`" if dialect == SPARK else '"'
    return mark + name.replace(mark, mark * 2) + mark
