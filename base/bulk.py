"""Bulk loading of Arrow batches into a model's table: COPY on PostgreSQL, executemany on
SQLite. For imports and batch write-backs, which must not create one ORM object per row."""

import io
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.csv as pacsv
from django.db import connection, models


def _columns(model: type[models.Model], names: list[str]) -> list[str]:
    """The table's column names for the given attribute names, checked against the model."""
    by_attname = {f.attname: f.column for f in model._meta.concrete_fields}
    return [by_attname[name] for name in names]


def load_model(model: type[models.Model], batches: Iterable[dict[str, pa.Array]]) -> int:
    """Insert every batch ({attribute name: array}) into `model`'s table; returns the rows."""
    table = connection.ops.quote_name(model._meta.db_table)
    total = 0
    with connection.cursor() as cursor:
        for batch in batches:
            names = list(batch)
            columns = ", ".join(connection.ops.quote_name(c) for c in _columns(model, names))
            data = pa.table(batch)
            if connection.vendor == "postgresql":
                _copy(cursor, f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)", data)
            else:
                _executemany(cursor, table, columns, data)
            total += data.num_rows
    return total


def _copy(cursor, sql: str, data: pa.Table) -> None:
    buffer = io.BytesIO()
    pacsv.write_csv(data, buffer, pacsv.WriteOptions(include_header=False))
    with cursor.cursor.copy(sql) as copy:
        copy.write(buffer.getbuffer())


def _executemany(cursor, table: str, columns: str, data: pa.Table) -> None:
    values = []
    for column in data.columns:
        if pa.types.is_date(column.type):
            column = column.cast(pa.string())
        values.append(column.to_pylist())
    placeholders = ", ".join(["%s"] * data.num_columns)
    # Table and column names come from the model's meta, quoted; values are parameters.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    cursor.executemany(sql, zip(*values, strict=True))
