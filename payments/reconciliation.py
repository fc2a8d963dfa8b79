# ruff: noqa: S608 -- table names come from the models' meta, literals through base.sql.literal.
"""Importing the channels' answers: credit results (credited / failed with a reason code),
later the withdrawals (transacted / not transacted), and MT940 statements matched by the
payment reference in the narrative.

Atomic and idempotent like every import: the whole file is checked first and refused with every
problem by line and field (nothing written); the same file twice is the first import.

Set-based and streaming: the file is read as lines into Arrow, split per the layout (CSV
delimiter or fixed widths) and checked in DuckDB against a Parquet export of the batch's sent
lines (header, trailer count and total, duplicates, unknown references, amounts and statuses as
SQL; the first MAX_LISTED problems listed, all counted). The accepted answers go through a
staging table loaded in bulk (COPY on PostgreSQL) and UPDATE ... FROM / INSERT ... SELECT
statements in one transaction. MT940 statements (small) are parsed by the mt-940 library and
checked by the same SQL; so are the answers of the status API (check_answers / apply)."""

import hashlib
import re
import tempfile
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts import policy
from audit import services as audit
from audit.models import Event
from base.sql import literal

from . import layouts
from .disbursement import export_query, layout_for
from .errors import PaymentError, Problem
from .models import (
    AttemptStatus,
    DisbursementBatch,
    FileLayout,
    Payment,
    PaymentAttempt,
    PaymentEvent,
    ResponseImport,
)

CODES = {"C": AttemptStatus.CREDITED, "F": AttemptStatus.FAILED,
         "T": AttemptStatus.TRANSACTED, "N": AttemptStatus.NOT_TRANSACTED}
# What each kind of file may say, and of which attempts.
ALLOWED = {ResponseImport.Kind.CREDIT: ({"C", "F"}, {AttemptStatus.SENT}),
           ResponseImport.Kind.TRANSACTION: ({"T", "N"}, {AttemptStatus.CREDITED,
                                                          AttemptStatus.NOT_TRANSACTED}),
           ResponseImport.Kind.MT940: ({"C"}, {AttemptStatus.SENT})}
REFERENCE = re.compile(r"KS\d{20}")
MAX_LISTED = 1000  # problems listed by line and field; the rest are counted
WHITESPACE = " \t\r\n\x0b\x0c"
STAGE = "payments_answer_stage"
ANSWER_SCHEMA = pa.schema([("ord", pa.int64()), ("line", pa.int64()), ("reference", pa.string()),
                           ("amount", pa.int64()), ("code", pa.string()),
                           ("reason_code", pa.string())])
SENT_SCHEMA = pa.schema([("attempt_id", pa.int64()), ("payment_id", pa.int64()),
                         ("reference", pa.string()), ("amount", pa.int64()),
                         ("status", pa.string())])
STAGE_ROWS = 500_000


@dataclass
class Answer:
    line: int
    reference: str
    amount: int
    code: str
    reason_code: str = ""


@dataclass
class ImportResult:
    response: ResponseImport
    created: bool
    counts: dict = field(default_factory=dict)


def _p(line: int, fld: str, id_: str, en: str) -> Problem:
    return Problem(line, fld, id_, en)


class Found:
    """The problems of one file: the first MAX_LISTED kept in order, every one counted."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        self.hidden = 0

    def add(self, problem: Problem) -> None:
        if len(self.problems) < MAX_LISTED:
            self.problems.append(problem)
        else:
            self.hidden += 1

    def room(self) -> int:
        return max(MAX_LISTED - len(self.problems), 0)

    def add_query(self, con, sql: str, make) -> None:
        """The problems of `sql` (rows in order): the first that fit listed, the rest counted."""
        room = self.room()
        rows = con.sql(f"SELECT * FROM ({sql}) LIMIT {room + 1}").fetchall()
        for row in rows[:room]:
            self.add(make(*row))
        if len(rows) > room:
            total = con.sql(f"SELECT count(*) FROM ({sql})").fetchall()[0][0]
            self.hidden += total - room

    @property
    def total(self) -> int:
        return len(self.problems) + self.hidden

    def summarise(self) -> None:
        if self.hidden:
            self.problems.append(_p(0, "file", f"{self.hidden} kesalahan lain tidak "
                                    "ditampilkan.", f"{self.hidden} more errors are not "
                                    "listed."))


def _work_root() -> Path:
    root = Path(settings.VAR_DIR) / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _duckdb(work: Path):
    from linkage.snapshots import duckdb_connection

    return duckdb_connection(work / "duckdb")


def _lit(text: str) -> str:
    return literal(str(text), "duckdb")


# --- reading a layout file -----------------------------------------------------------------


def _raw_lines(data: bytes) -> pa.Table:
    """Every line of the file as one string column (Arrow, multi-threaded, UTF-8 checked)
    with its 1-based number."""
    import numpy as np
    import pyarrow.csv as pacsv

    if not data:
        table = pa.table({"raw": pa.array([], pa.string())})
    else:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(column_names=["raw"], block_size=16 << 20),
            parse_options=pacsv.ParseOptions(delimiter="\x01", quote_char=False,
                                             escape_char=False, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={"raw": pa.string()},
                                                 strings_can_be_null=False))
    return table.append_column("line", pa.array(np.arange(1, table.num_rows + 1,
                                                          dtype=np.int64)))


def _field_sql(spec: dict, items: list[dict], name: str) -> str:
    """DuckDB expression of one named field of a detail line (`raw`, `cells`); '' if absent."""
    keys = layouts.names(items)
    if name not in keys:
        return "''"
    index = keys.index(name)
    if spec["format"] == "fixed":
        at = sum(int(i["width"]) for i in items[:index])
        width = int(items[index]["width"])
        return f"trim(substr(raw, {at + 1}, {width}), {_lit(WHITESPACE)})"
    return f"COALESCE(cells[{index + 1}], '')"


_EMPTY_ANSWERS = ("SELECT NULL::BIGINT AS ord, NULL::BIGINT AS line, NULL::VARCHAR AS reference, "
                  "NULL::HUGEINT AS amount, NULL::VARCHAR AS code, "
                  "NULL::VARCHAR AS reason_code WHERE false")


def parse_layout_file(batch: DisbursementBatch, data: bytes, problems: list[Problem]
                      ) -> list[Answer]:
    """The answers of a text response file in the channel's response layout, with the header
    (this batch, this channel) and the trailer (record count, total) checked (small files;
    import_response keeps the answers in DuckDB)."""
    with tempfile.TemporaryDirectory(dir=_work_root()) as tmp, \
            closing(_duckdb(Path(tmp))) as con:
        found = Found(problems)
        _parse_into(con, batch, data, found)
        found.summarise()
        rows = con.sql("SELECT line, reference, CAST(amount AS BIGINT), code, reason_code "
                       "FROM answers ORDER BY ord").fetchall()
    return [Answer(*r) for r in rows]


def _parse_into(con, batch: DisbursementBatch, data: bytes, found: Found) -> None:
    """The view `answers` (ord, line, reference, amount, code, reason_code) of the file's
    detail lines with a whole amount; the file's problems into `found`."""
    spec = layout_for(batch.channel, FileLayout.Purpose.RESPONSE).spec
    try:
        table = _raw_lines(data)
    except pa.ArrowInvalid as error:
        if "utf" in str(error).lower():
            found.add(_p(0, "file", "Berkas bukan teks UTF-8.", "The file is not UTF-8 text."))
        else:
            found.add(_p(0, "file", "Berkas tidak dapat dibaca.", "The file cannot be read."))
        con.execute(f"CREATE OR REPLACE VIEW answers AS {_EMPTY_ANSWERS}")
        return
    con.register("raw_lines", table)
    con.execute(f"""
        CREATE OR REPLACE VIEW lines AS
        SELECT line, raw, CASE left(raw, 1) WHEN 'H' THEN 'header' WHEN 'T' THEN 'trailer'
                          ELSE 'detail' END AS kind
        FROM raw_lines WHERE trim(raw, {_lit(WHITESPACE)}) <> ''""")
    (first_kind, last_line, last_kind, header_line, header_raw, trailer_line, trailer_raw,
     details) = con.sql("""
        SELECT arg_min(kind, line), max(line), arg_max(kind, line),
               min(line) FILTER (WHERE kind = 'header'),
               arg_min(raw, line) FILTER (WHERE kind = 'header'),
               min(line) FILTER (WHERE kind = 'trailer'),
               arg_min(raw, line) FILTER (WHERE kind = 'trailer'),
               count(*) FILTER (WHERE kind = 'detail')
        FROM lines""").fetchall()[0]
    try:
        header = (None if header_line is None else dict(zip(
            layouts.names(spec["header"]), layouts.split(spec, header_raw, spec["header"]),
            strict=False)))
        trailer = (None if trailer_line is None else dict(zip(
            layouts.names(spec["trailer"]), layouts.split(spec, trailer_raw, spec["trailer"]),
            strict=False)))
    except (ValueError, StopIteration):
        found.add(_p(0, "file", "Berkas tidak dapat dibaca.", "The file cannot be read."))
        con.execute(f"CREATE OR REPLACE VIEW answers AS {_EMPTY_ANSWERS}")
        return
    if header is None or first_kind != "header":
        found.add(_p(1, "record", "Baris pertama harus baris kepala (H).",
                     "The first line must be the header (H)."))
    else:
        if header.get("batch") != batch.code:
            found.add(_p(header_line, "batch",
                         f"Berkas untuk batch {header.get('batch')}, bukan "
                         f"{batch.code} (siklus atau batch lain).",
                         f"The file is for batch {header.get('batch')}, not "
                         f"{batch.code} (another cycle or batch)."))
        if (header.get("channel") or "").lower() != batch.channel_id:
            found.add(_p(header_line, "channel",
                         f"Berkas dari {header.get('channel')}, bukan "
                         f"{batch.channel_id.upper()}.",
                         f"The file is from {header.get('channel')}, not "
                         f"{batch.channel_id.upper()}."))
    _details_into(con, spec)

    def detail_problem(line: int, amount: str, date: str) -> Problem:
        if not (amount.isascii() and amount.isdigit()):
            return _p(line, "amount", f"Nominal '{amount}' bukan bilangan bulat.",
                      f"Amount '{amount}' is not a whole number.")
        return _p(line, "date", f"Tanggal '{date}' tidak sesuai (YYYYMMDD).",
                  f"Date '{date}' does not fit YYYYMMDD.")

    found.add_query(con, """
        SELECT line, amount_text, date_text FROM details
        WHERE NOT regexp_full_match(amount_text, '[0-9]+')
           OR try_strptime(date_text, '%Y%m%d') IS NULL
        ORDER BY line""", detail_problem)
    con.execute("""
        CREATE OR REPLACE VIEW answers AS
        SELECT ord, line, reference, TRY_CAST(amount_text AS HUGEINT) AS amount, code,
               reason_code
        FROM details WHERE regexp_full_match(amount_text, '[0-9]+')""")
    if trailer is None or last_kind != "trailer":
        found.add(_p(last_line or 1, "record",
                     "Baris penutup (T) tidak ada: berkas terpotong?",
                     "The trailer line (T) is missing: is the file truncated?"))
    else:
        count, total = trailer.get("count", ""), trailer.get("total", "")
        summed = int(con.sql("SELECT COALESCE(sum(amount), 0) FROM answers").fetchall()[0][0])
        if not _same_number(count, details):
            found.add(_p(trailer_line, "count",
                         f"Jumlah baris di penutup {count}, berkas berisi {details}.",
                         f"The trailer says {count} records, the file holds {details}."))
        if not _same_number(total, summed):
            found.add(_p(trailer_line, "total",
                         f"Total di penutup {total} tidak sama dengan jumlah baris {summed}.",
                         f"The trailer total {total} differs from the lines' sum {summed}."))


def _same_number(text: str | None, value: int) -> bool:
    """The trailer's count or total is `value` (also when zero-padded in a fixed layout)."""
    text = text or ""
    return text == str(value) or (text.isascii() and text.isdigit() and int(text) == value)


def _details_into(con, spec: dict) -> None:
    """The table `details`: each detail line's fields as text (a CSV line is split on the
    delimiter; the rare line with a quote is split by Python's csv module, as written)."""
    items = spec["fields"]
    if spec["format"] == "fixed":
        source = "(SELECT line, raw FROM lines WHERE kind = 'detail')"
    else:
        quoted = con.sql("SELECT line, raw FROM lines WHERE kind = 'detail' "
                         "AND contains(raw, '\"')").fetchall()
        con.register("quoted_cells", pa.table({
            "line": pa.array([line for line, _ in quoted], pa.int64()),
            "cells": pa.array([layouts.split(spec, raw, items) for _, raw in quoted],
                              pa.list_(pa.string()))}))
        delimiter = _lit(spec.get("delimiter", ";"))
        source = (f"(SELECT l.line, l.raw, COALESCE(q.cells, string_split(l.raw, {delimiter}))"
                  " AS cells FROM lines l LEFT JOIN quoted_cells q ON q.line = l.line "
                  "WHERE l.kind = 'detail')")
    columns = ", ".join(f"{_field_sql(spec, items, name)} AS {alias}" for name, alias in (
        ("reference", "reference"), ("amount", "amount_text"), ("status", "code"),
        ("reason_code", "reason_code"), ("date", "date_text")))
    con.execute(f"CREATE OR REPLACE TABLE details AS SELECT line, line AS ord, {columns} "
                f"FROM {source}")


def parse_mt940(data: bytes, problems: list[Problem]) -> list[Answer]:
    """Statement lines that carry a payment reference in their narrative, as credits."""
    import mt940

    try:
        statement = mt940.models.Transactions()
        statement.parse(data.decode("utf-8", errors="strict"))
    except Exception:  # noqa: BLE001 - the library raises many kinds on a broken statement
        problems.append(_p(0, "file", "Rekening koran MT940 tidak dapat dibaca.",
                           "The MT940 statement cannot be read."))
        return []
    answers = []
    for number, tx in enumerate(statement, 1):
        text = " ".join(str(tx.data.get(k) or "") for k in (
            "transaction_details", "extra_details", "customer_reference", "bank_reference"))
        found = REFERENCE.search(text.replace("\n", "").replace(" ", ""))
        if not found:
            continue
        amount = tx.data["amount"].amount
        answers.append(Answer(number, found.group(0), int(abs(amount)), "C"))
    return answers


# --- checking against what was sent --------------------------------------------------------


def _answers_table(answers: list[Answer]) -> pa.Table:
    return pa.table({
        "ord": pa.array(range(len(answers)), pa.int64()),
        "line": pa.array([a.line for a in answers], pa.int64()),
        "reference": pa.array([a.reference for a in answers], pa.string()),
        "amount": pa.array([a.amount for a in answers], pa.int64()),
        "code": pa.array([a.code for a in answers], pa.string()),
        "reason_code": pa.array([a.reason_code or "" for a in answers], pa.string())},
        schema=ANSWER_SCHEMA)


def _sent_of(batch: DisbursementBatch, references: list[str]) -> pa.Table:
    """The sent lines of `batch` with these references only (a few answers, as from the API)."""
    rows: list = []
    unique = sorted(set(references))
    for start in range(0, len(unique), 900):
        rows += PaymentAttempt.objects.filter(
            batch=batch, reference__in=unique[start:start + 900]).values_list(
            "id", "payment_id", "reference", "amount", "status")
    columns = list(zip(*rows, strict=True)) or [[] for _ in SENT_SCHEMA]
    return pa.table([pa.array(list(v), f.type) for v, f in zip(columns, SENT_SCHEMA,
                                                                strict=True)],
                    schema=SENT_SCHEMA)


def _export_sent(batch: DisbursementBatch, path: Path) -> None:
    """Every sent line of `batch` to Parquet (COPY ... TO STDOUT on PostgreSQL)."""
    att = PaymentAttempt._meta.db_table
    export_query(f"SELECT id, payment_id, reference, amount, status FROM {att} "
                 "WHERE batch_id = %s", [batch.pk], SENT_SCHEMA, path)


def _check_sql(con, batch: DisbursementBatch, kind: str, found: Found) -> None:
    """Each row of `answers` against the relation `sent`, in SQL: known reference, same
    amount, once in the file, a status this kind of file may give, of an attempt in the state
    it answers (the first failing check names the line). The table `todo` holds the answers
    that change something."""
    codes, from_states = ALLOWED[kind]
    allowed = _lit(", ".join(sorted(codes)))
    in_codes = ", ".join(_lit(c) for c in sorted(codes))
    in_states = ", ".join(_lit(s) for s in sorted(from_states))
    target = "CASE a.code " + " ".join(f"WHEN {_lit(c)} THEN {_lit(t)}"
                                         for c, t in CODES.items()) + " END"
    con.execute(f"""
        CREATE OR REPLACE TABLE checked AS
        SELECT a.ord, a.line, a.reference, a.amount, a.code, a.reason_code, a.first_line,
               s.attempt_id, s.payment_id, s.amount AS sent_amount, s.status AS sent_status,
               {target} AS target,
               CASE WHEN a.rank > 1 THEN 'duplicate'
                    WHEN s.attempt_id IS NULL THEN 'unknown'
                    WHEN a.amount IS DISTINCT FROM s.amount THEN 'amount'
                    WHEN a.code IS NULL OR a.code NOT IN ({in_codes}) THEN 'code'
                    WHEN a.code = 'F' AND a.reason_code = '' THEN 'reason'
                    WHEN {target} = s.status THEN 'same'
                    WHEN s.status NOT IN ({in_states}) THEN 'state'
                    ELSE 'todo' END AS verdict
        FROM (SELECT ord, line, COALESCE(reference, '') AS reference, amount, code,
                     COALESCE(reason_code, '') AS reason_code,
                     row_number() OVER (PARTITION BY COALESCE(reference, '') ORDER BY ord)
                         AS rank,
                     first_value(line) OVER (PARTITION BY COALESCE(reference, '')
                                             ORDER BY ord) AS first_line
              FROM answers) a
        LEFT JOIN sent s ON s.reference = a.reference""")
    code = _lit(batch.code)
    message = f"""
        CASE verdict
          WHEN 'duplicate' THEN 'reference'
          WHEN 'unknown' THEN 'reference'
          WHEN 'amount' THEN 'amount'
          WHEN 'code' THEN 'status'
          WHEN 'reason' THEN 'reason_code'
          ELSE 'status' END AS field,
        CASE verdict
          WHEN 'duplicate' THEN
            'Referensi ' || reference || ' sudah ada di baris ' || first_line || '.'
          WHEN 'unknown' THEN
            'Referensi ' || reference || ' tidak dikenal dalam batch ' || {code} || '.'
          WHEN 'amount' THEN
            'Nominal ' || amount || ' berbeda dengan yang dikirim (' || sent_amount || ').'
          WHEN 'code' THEN
            'Status ' || chr(39) || COALESCE(code, '') || chr(39)
              || ' tidak berlaku untuk berkas ini (boleh: ' || {allowed} || ').'
          WHEN 'reason' THEN 'Status gagal tanpa kode alasan.'
          ELSE 'Referensi ' || reference || ' berstatus ' || sent_status
              || '; tidak dapat menjadi ' || target || '.' END AS id,
        CASE verdict
          WHEN 'duplicate' THEN
            'Reference ' || reference || ' is already on line ' || first_line || '.'
          WHEN 'unknown' THEN
            'Reference ' || reference || ' is unknown in batch ' || {code} || '.'
          WHEN 'amount' THEN
            'Amount ' || amount || ' differs from what was sent (' || sent_amount || ').'
          WHEN 'code' THEN
            'Status ' || chr(39) || COALESCE(code, '') || chr(39)
              || ' is not valid in this file (allowed: ' || {allowed} || ').'
          WHEN 'reason' THEN 'A failure without a reason code.'
          ELSE 'Reference ' || reference || ' is ' || sent_status || '; it cannot become '
              || target || '.' END AS en"""
    found.add_query(con, f"SELECT line, {message} FROM checked "
                         "WHERE verdict NOT IN ('todo', 'same') ORDER BY ord",
                    lambda line, fld, id_, en: _p(line, fld, id_, en))
    con.execute("CREATE OR REPLACE TABLE todo AS SELECT ord, attempt_id, payment_id, target, "
                "reason_code FROM checked WHERE verdict = 'todo'")


def _todo_counts(con) -> dict[str, int]:
    """{status: answers} in the order each status first appears in the file."""
    return {t: n for t, n, _ in con.sql(
        "SELECT target, count(*), min(ord) AS first FROM todo GROUP BY target "
        "ORDER BY first").fetchall()}


def check_answers(batch: DisbursementBatch, kind: str, answers: list[Answer],
                  problems: list[Problem]) -> list[Answer]:
    """Each answer against what was sent (the SQL of a whole file, over the sent lines of
    these references): known reference, same amount, once, a status this kind of file may
    give, of an attempt in the state it answers. Returns the answers that change something."""
    with tempfile.TemporaryDirectory(dir=_work_root()) as tmp, \
            closing(_duckdb(Path(tmp))) as con:
        con.register("answers", _answers_table(answers))
        con.register("sent", _sent_of(batch, [a.reference for a in answers]))
        found = Found(problems)
        _check_sql(con, batch, kind, found)
        found.summarise()
        keep = [r[0] for r in con.sql("SELECT ord FROM todo ORDER BY ord").fetchall()]
    return [answers[i] for i in keep]


# --- importing a file ----------------------------------------------------------------------


def import_response(ctx: audit.Context, batch: DisbursementBatch, data: bytes, file_name: str,
                    kind: str = ResponseImport.Kind.CREDIT, declared_sha256: str = ""
                    ) -> ImportResult:
    """Check and apply one answer file for `batch`; PaymentError lists every problem (the
    first MAX_LISTED by line and field, with the count of all)."""
    policy.require(ctx.actor, policy.RECONCILE)
    digest = hashlib.sha256(data).hexdigest()
    problems: list[Problem] = []
    found = Found(problems)
    if declared_sha256 and declared_sha256.lower() != digest:
        found.add(_p(0, "sha256", "Checksum SHA-256 berkas tidak sesuai dengan manifes: "
                     "berkas berubah atau rusak.",
                     "The file's SHA-256 differs from its manifest: the file was changed "
                     "or damaged."))
    earlier = ResponseImport.objects.filter(batch=batch, sha256=digest).first()
    if earlier and not problems:
        return ImportResult(earlier, False, earlier.counts)
    with tempfile.TemporaryDirectory(dir=_work_root()) as tmp, \
            closing(_duckdb(Path(tmp))) as con:
        if kind == ResponseImport.Kind.MT940:
            con.register("answers", _answers_table(parse_mt940(data, problems)))
        else:
            _parse_into(con, batch, data, found)
        sent = Path(tmp) / "sent.parquet"
        _export_sent(batch, sent)
        con.execute(f"CREATE OR REPLACE VIEW sent AS SELECT * FROM read_parquet({_lit(sent)})")
        _check_sql(con, batch, kind, found)
        if problems:
            total = found.total
            found.summarise()
            raise PaymentError(
                f"Berkas {file_name} ditolak ({total} kesalahan). Tidak ada yang disimpan.",
                f"File {file_name} was refused ({total} errors). Nothing was saved.",
                problems)
        rows = con.sql("SELECT count(*) FROM answers").fetchall()[0][0]
        counts = _todo_counts(con)
        todo = Path(tmp) / "todo.csv"
        con.execute(f"COPY (SELECT attempt_id, payment_id, target, reason_code FROM todo) "
                    f"TO {_lit(todo)} (HEADER false)")
        with transaction.atomic():
            response = ResponseImport.objects.create(batch=batch, kind=kind,
                                                     file_name=file_name, sha256=digest,
                                                     rows=rows, imported_by=ctx.actor)
            source = audit.Context(ctx.actor, audit.Source.IMPORT,
                                   f"file:{file_name} sha256:{digest[:12]}", ctx.reason)
            _apply_staged(lambda cursor: _stage_csv(cursor, todo), source,
                          PaymentEvent.Source.FILE)
            response.counts = counts
            response.save(update_fields=["counts"])
            audit.record(source, "payments.response.import", response,
                         {"batch": batch.code, "kind": kind, **counts})
    return ImportResult(response, True, counts)


# --- applying the answers ------------------------------------------------------------------


def apply(batch: DisbursementBatch, answers: list[Answer], ctx: audit.Context, source: str
          ) -> dict:
    """Set attempts and payments to their answered status in set updates, with history rows
    and audit events naming the source."""
    counts: dict[str, int] = {}
    for a in answers:
        counts[CODES[a.code]] = counts.get(CODES[a.code], 0) + 1
    sent = _sent_of(batch, [a.reference for a in answers]).to_pydict()
    ids = dict(zip(sent["reference"], zip(sent["attempt_id"], sent["payment_id"],
                                          strict=True), strict=True))
    rows = [(*ids[a.reference], str(CODES[a.code]), a.reason_code or "") for a in answers
            if a.reference in ids]

    def load(cursor) -> None:
        _stage_rows(cursor, rows)

    _apply_staged(load, ctx, source)
    return counts


def _create_stage(cursor) -> None:
    cursor.execute(f"CREATE TEMP TABLE {STAGE} (attempt_id bigint NOT NULL, "
                   "payment_id bigint NOT NULL, target varchar(16) NOT NULL, "
                   "reason text NOT NULL)")


def _stage_rows(cursor, rows: list[tuple]) -> None:
    for start in range(0, len(rows), STAGE_ROWS):
        cursor.executemany(f"INSERT INTO {STAGE} (attempt_id, payment_id, target, reason) "
                           "VALUES (%s, %s, %s, %s)", rows[start:start + STAGE_ROWS])


def _stage_csv(cursor, path: Path) -> None:
    """The staging table from DuckDB's CSV of the accepted answers: COPY on PostgreSQL,
    executemany in chunks on SQLite."""
    if connection.vendor == "postgresql":
        with open(path, "rb") as f, cursor.cursor.copy(
                f"COPY {STAGE} (attempt_id, payment_id, target, reason) FROM STDIN "
                "(FORMAT csv, FORCE_NOT_NULL (reason))") as copy:
            while block := f.read(8 << 20):
                copy.write(block)
        return
    import pyarrow.csv as pacsv

    if not path.stat().st_size:
        return
    reader = pacsv.open_csv(path, read_options=pacsv.ReadOptions(
        column_names=["attempt_id", "payment_id", "target", "reason"]),
        convert_options=pacsv.ConvertOptions(column_types={
            "attempt_id": pa.int64(), "payment_id": pa.int64(), "target": pa.string(),
            "reason": pa.string()}, strings_can_be_null=False,
            quoted_strings_can_be_null=False))
    for chunk in reader:
        _stage_rows(cursor, list(zip(*(c.to_pylist() for c in chunk.columns), strict=True)))


def _apply_staged(load, ctx: audit.Context, source: str) -> None:
    """The staged answers (attempt, payment, target status, reason) applied in set
    statements: a history row per payment, the payments, the attempts, an audit event per
    payment naming the source (changes {"status", "reference"}), as one transaction."""
    now = timezone.now()
    pay, att, ev = (Payment._meta.db_table, PaymentAttempt._meta.db_table,
                    PaymentEvent._meta.db_table)
    actor = ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None
    build = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    with transaction.atomic(), connection.cursor() as cursor:
        _create_stage(cursor)
        load(cursor)
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {STAGE}")
        cursor.execute(f"""
            INSERT INTO {ev} (payment_id, attempt_id, from_status, to_status, reason_code,
                              at, source, source_ref)
            SELECT s.payment_id, s.attempt_id, p.status, s.target, s.reason, %s, %s, %s
            FROM {STAGE} s JOIN {pay} p ON p.id = s.payment_id""",
                       [now, str(source), ctx.source_ref])
        cursor.execute(f"""
            UPDATE {pay} SET status = s.target, failure_code = s.reason, status_at = %s
            FROM {STAGE} s WHERE {pay}.id = s.payment_id""", [now])
        cursor.execute(f"""
            UPDATE {att} SET status = s.target, reason_code = s.reason, status_at = %s
            FROM {STAGE} s WHERE {att}.id = s.attempt_id""", [now])
        cursor.execute(f"""
            INSERT INTO {Event._meta.db_table} (at, actor_id, action, object_type,
                object_id, region_code, changes, reason, source, source_ref)
            SELECT %s, %s, 'payments.payment.status', 'payments.payment',
                   CAST(s.payment_id AS TEXT), p.village_code,
                   {build}('status', s.target, 'reference', a.reference), %s, %s, %s
            FROM {STAGE} s JOIN {att} a ON a.id = s.attempt_id
            JOIN {pay} p ON p.id = s.payment_id""",
                       [now, actor.pk if actor else None, ctx.reason, ctx.source,
                        ctx.source_ref])
        cursor.execute(f"DROP TABLE {STAGE}")
