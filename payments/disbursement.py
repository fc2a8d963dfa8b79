# ruff: noqa: S608 -- table names come from the models' meta, paths through base.sql.literal;
# values are parameters.
"""Disbursement batches and their files.

A batch is made in one transaction under the cycle's row lock: the pending payments of one
channel (with an open account, or any for PT Pos) become attempts with a unique payment
reference (INSERT ... SELECT), their payments become "sent". The file is rendered by DuckDB from
a Parquet export of the batch's lines in reference order, with the layout's header and trailer
(record count, total); the same batch always renders the same bytes. A manifest beside it holds
the SHA-256."""

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import F, Max, Sum
from django.utils import timezone

from accounts import policy
from audit import services as audit
from audit.models import Event
from base.sql import literal

from . import layouts
from .errors import PaymentError
from .models import (
    AttemptStatus,
    CycleApproval,
    CycleStatus,
    DisbursementBatch,
    FileLayout,
    KpmAccount,
    Payment,
    PaymentAttempt,
    PaymentChannel,
    PaymentCycle,
    PaymentEvent,
    PaymentStatus,
    Sp2d,
)

LINE_COLUMNS = ["reference", "account_number", "nik", "name", "village_code", "amount"]
FETCH_ROWS = 50_000


def _pad(expr: str, width: int) -> str:
    if connection.vendor == "postgresql":
        return f"lpad(CAST({expr} AS TEXT), {width}, '0')"
    # %% is a literal % in a statement with parameters (Django's SQLite wrapper and its DEBUG
    # query log both format the SQL with them).
    return f"printf('%%0{width}d', {expr})"


def layout_for(channel: PaymentChannel, purpose: str) -> FileLayout:
    layout = FileLayout.objects.filter(channel=channel, purpose=purpose).order_by(
        "-version").first()
    if layout is None:
        raise PaymentError(f"{channel.name} belum memiliki tata letak berkas {purpose}.",
                           f"{channel.name} has no {purpose} file layout.")
    return layout


def create_batch(ctx: audit.Context, cycle: PaymentCycle, channel: PaymentChannel
                 ) -> DisbursementBatch | None:
    """The next batch of `channel` for an approved cycle, or None when nothing is waiting (the
    second of two officers generating at once finds the first one's batch made)."""
    policy.require(ctx.actor, policy.DISBURSE)
    with transaction.atomic():
        cycle = PaymentCycle.objects.select_for_update().get(pk=cycle.pk)
        if cycle.status not in (CycleStatus.APPROVED, CycleStatus.DISBURSING):
            raise PaymentError("Berkas penyaluran hanya untuk siklus yang sudah disetujui.",
                               "Disbursement files are made only for approved cycles.")
        if cycle.in_kind:
            raise PaymentError("Bantuan natura tidak disalurkan lewat berkas bank.",
                               "In-kind aid is not paid through bank files.")
        if not Sp2d.objects.filter(cycle=cycle, channel=channel).exists():
            raise PaymentError(f"SP2D untuk {channel.name} belum dicatat.",
                               f"The SP2D for {channel.name} is not recorded yet.")
        layout = layout_for(channel, FileLayout.Purpose.DISBURSEMENT)
        sequence = (DisbursementBatch.objects.filter(cycle=cycle, channel=channel)
                    .aggregate(m=Max("sequence"))["m"] or 0) + 1
        now = timezone.now()
        batch = DisbursementBatch.objects.create(cycle=cycle, channel=channel, sequence=sequence,
                                                 layout=layout, created_at=now,
                                                 created_by=ctx.actor)
        count = _insert_attempts(batch, channel, now)
        if not count:
            transaction.set_rollback(True)
            return None
        _mark_sent(batch, now, f"batch:{batch.code}")
        totals = PaymentAttempt.objects.filter(batch=batch).aggregate(t=Sum("amount"))
        batch.record_count, batch.total_amount = count, totals["t"] or 0
        batch.save(update_fields=["record_count", "total_amount"])
        if cycle.status == CycleStatus.APPROVED:
            PaymentCycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.DISBURSING)
            CycleApproval.objects.create(cycle=cycle, from_status=CycleStatus.APPROVED,
                                         to_status=CycleStatus.DISBURSING, by=ctx.actor)
        audit.record(ctx, "payments.batch.create", batch,
                     {"records": count, "total": batch.total_amount, "channel": channel.code})
    return batch


def _insert_attempts(batch: DisbursementBatch, channel: PaymentChannel, now) -> int:
    att, pay = PaymentAttempt._meta.db_table, Payment._meta.db_table
    acc = KpmAccount._meta.db_table
    reference = (f"'KS' || {_pad('p.cycle_id', 6)} || {_pad('p.stage', 2)} || "
                 f"{_pad('p.id', 10)} || {_pad('p.attempts + 1', 2)}")
    needs_account = "" if channel.kind == PaymentChannel.Kind.POS else \
        "AND a.account_number IS NOT NULL"
    sql = f"""
        INSERT INTO {att} (payment_id, batch_id, number, reference, account_number, amount,
                           status, reason_code, status_at)
        SELECT p.id, %s, p.attempts + 1, {reference}, COALESCE(a.account_number, ''),
               p.amount, 'sent', '', %s
        FROM {pay} p
        LEFT JOIN {acc} a ON a.household_id = p.household_id AND a.status = 'open'
                         AND a.channel_id = p.channel_id
        WHERE p.cycle_id = %s AND p.channel_id = %s AND p.status = 'pending' {needs_account}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [batch.pk, now, batch.cycle_id, channel.code])
        return cursor.rowcount


def _mark_sent(batch: DisbursementBatch, now, source_ref: str) -> None:
    """The batch's payments become 'sent', each with its history row and audit event."""
    att, pay, ev = (PaymentAttempt._meta.db_table, Payment._meta.db_table,
                    PaymentEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO {ev} (payment_id, attempt_id, from_status, to_status, reason_code, at,
                              source, source_ref)
            SELECT a.payment_id, a.id, p.status, 'sent', '', %s, 'batch', %s
            FROM {att} a JOIN {pay} p ON p.id = a.payment_id WHERE a.batch_id = %s
        """, [now, source_ref, batch.pk])
        cursor.execute(f"""
            UPDATE {pay} SET status = 'sent', attempts = attempts + 1, status_at = %s,
                             failure_code = ''
            WHERE id IN (SELECT payment_id FROM {att} WHERE batch_id = %s)
        """, [now, batch.pk])
    audit_status_changes(audit.Context(None, audit.Source.BATCH, source_ref),
                         PaymentAttempt.objects.filter(batch=batch), PaymentStatus.SENT)


def audit_status_changes(ctx: audit.Context, attempts, to: str) -> int:
    """One audit event per payment whose status changed, naming its source (file, API...):
    one INSERT ... SELECT over `attempts` (a PaymentAttempt queryset), the rows
    audit.record_bulk would write (changes {"status": to, "reference": ...})."""
    rows = attempts.values(pid=F("payment_id"), region=F("payment__village_code"),
                           ref=F("reference"))
    return insert_audit_events(ctx, rows, to, with_reference=True)


def insert_audit_events(ctx: audit.Context, rows, to: str, with_reference: bool = False
                        ) -> int:
    """`payments.payment.status` audit events for a queryset of `values(pid=, region=[, ref=])`
    in one INSERT ... SELECT (PostgreSQL jsonb_build_object, SQLite json_object)."""
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # e.g. pk__in=[]: nothing to record
        return 0
    actor = ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None
    build = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    changes = f"{build}('status', CAST(%s AS TEXT)" + (", 'reference', s.ref)" if with_reference
                                                       else ")")
    event = Event._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO {event} (at, actor_id, action, object_type, object_id, region_code,
                                 changes, reason, source, source_ref)
            SELECT %s, %s, 'payments.payment.status', 'payments.payment',
                   CAST(s.pid AS TEXT), COALESCE(s.region, ''), {changes}, %s, %s, %s
            FROM ({sql}) s
        """, [timezone.now(), actor.pk if actor else None, str(to), ctx.reason, ctx.source,
              ctx.source_ref, *params])
        return cursor.rowcount


# --- the file ------------------------------------------------------------------------------


@dataclass
class BatchFile:
    name: str
    manifest_name: str
    sha256: str
    records: int
    total: int


def file_name(batch: DisbursementBatch) -> str:
    ext = {"csv": "csv", "fixed": "txt", "xlsx": "xlsx"}[batch.layout.spec["format"]]
    cycle = batch.cycle
    return (f"penyaluran-{cycle.program.code}-{cycle.period}-t{cycle.stage}-"
            f"{batch.channel_id}-{batch.sequence:03d}.{ext}")


def header_values(batch: DisbursementBatch) -> dict:
    cycle = batch.cycle
    return {"batch": batch.code, "channel": batch.channel_id.upper(),
            "program": cycle.program.code.upper(), "period": cycle.period,
            "stage": str(cycle.stage), "date": batch.created_at.strftime("%Y%m%d"),
            "count": str(batch.record_count), "total": str(batch.total_amount)}


def _export_lines(batch: DisbursementBatch, path: Path) -> None:
    """The batch's lines to Parquet: COPY ... TO STDOUT on PostgreSQL, large fetches elsewhere
    (no ORM object per row)."""
    att, pay = PaymentAttempt._meta.db_table, Payment._meta.db_table
    schema = pa.schema([(c, pa.int64() if c == "amount" else pa.string()) for c in LINE_COLUMNS])
    export_query(f"""
        SELECT a.reference, a.account_number, p.nik, p.recipient_name, p.village_code,
               a.amount FROM {att} a JOIN {pay} p ON p.id = a.payment_id
        WHERE a.batch_id = %s""", [batch.pk], schema, path)


def export_query(sql: str, params: list, schema: pa.Schema, path: Path) -> int:
    """The rows of `sql` to a Parquet file with `schema`, streamed (memory stays flat)."""
    rows = 0
    with connection.cursor() as cursor, pq.ParquetWriter(path, schema) as writer:
        if connection.vendor == "postgresql":
            csv_path = path.with_suffix(".csv")
            try:
                with open(csv_path, "wb") as out, cursor.cursor.copy(
                        f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy:
                    for chunk in copy:
                        out.write(chunk)
                rows = _csv_to_parquet(csv_path, schema, writer)
            finally:
                csv_path.unlink(missing_ok=True)
        else:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(FETCH_ROWS):
                columns = list(zip(*chunk, strict=True))
                writer.write_batch(pa.RecordBatch.from_arrays(
                    [pa.array(v, type=f.type) for v, f in zip(columns, schema, strict=True)],
                    schema=schema))
                rows += len(chunk)
        if not rows:
            writer.write_table(schema.empty_table())
    return rows


def _csv_to_parquet(csv_path: Path, schema: pa.Schema, writer) -> int:
    import pyarrow.csv as pacsv

    if not csv_path.stat().st_size:
        return 0
    reader = pacsv.open_csv(
        csv_path, read_options=pacsv.ReadOptions(column_names=schema.names,
                                                 block_size=16 << 20),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(column_types=schema, strings_can_be_null=False,
                                             quoted_strings_can_be_null=False))
    rows = 0
    for chunk in reader:
        writer.write_batch(chunk)
        rows += chunk.num_rows
    return rows


def render(batch: DisbursementBatch, path: Path, work_dir: Path) -> None:
    """Write the batch's file to `path` (DuckDB renders the lines in reference order)."""
    from linkage.snapshots import duckdb_connection

    spec = batch.layout.spec
    work_dir.mkdir(parents=True, exist_ok=True)
    lines = work_dir / f"batch-{batch.pk}.parquet"
    _export_lines(batch, lines)
    con = duckdb_connection(work_dir / "duckdb")
    try:
        source = f"read_parquet({literal(str(lines), 'duckdb')})"
        longest = dict(zip(LINE_COLUMNS, con.sql(
            "SELECT " + ", ".join(f"COALESCE(max(length(CAST({c} AS VARCHAR))), 0)"
                                  for c in LINE_COLUMNS) + f" FROM {source}").fetchall()[0],
            strict=True))
        longest["name"] = 0  # names are cut to the field, as banks expect
        if bad := layouts.width_problems(spec, longest):
            raise PaymentError(f"Nilai kolom {', '.join(bad)} melebihi lebar tata letak.",
                               f"Values of {', '.join(bad)} are wider than the layout allows.")
        values = header_values(batch)
        if spec["format"] == "xlsx":
            _write_xlsx(con, source, spec, values, path, batch)
        else:
            _write_text(con, source, spec, values, path)
    finally:
        con.close()
        lines.unlink(missing_ok=True)


def _detail_relation(source: str) -> str:
    return f"SELECT *, 'D' AS record FROM {source}"


def _write_text(con, source: str, spec: dict, values: dict, path: Path) -> None:
    query = (f"SELECT {layouts.line_sql(spec)} AS line FROM ({_detail_relation(source)}) "
             "ORDER BY reference")
    reader = con.sql(query).to_arrow_reader(FETCH_ROWS)
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(layouts.record_line(spec, spec["header"], values) + "\n")
        for chunk in reader:
            lines = chunk.column(0).to_pylist()
            if lines:
                out.write("\n".join(lines) + "\n")
        out.write(layouts.record_line(spec, spec["trailer"], values) + "\n")


FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def _write_xlsx(con, source: str, spec: dict, values: dict, path: Path, batch) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    created = batch.created_at.replace(tzinfo=None, microsecond=0)
    wb.properties.created = wb.properties.modified = created
    wb.properties.creator = "Kesos"
    ws = wb.create_sheet("penyaluran")
    ws.append(layouts.record_cells(spec["header"], values))
    cols = ", ".join(f["name"] for f in spec["fields"] if "value" not in f)
    reader = con.sql(f"SELECT {cols} FROM {source} ORDER BY reference").to_arrow_reader(
        FETCH_ROWS)
    for chunk in reader:
        columns = [chunk.column(i).to_pylist() for i in range(chunk.num_columns)]
        for row in zip(*columns, strict=True):
            cells, it = [], iter(row)
            for f in spec["fields"]:
                cells.append(f["value"] if "value" in f else next(it))
            ws.append(cells)
    ws.append(layouts.record_cells(spec["trailer"], values))
    raw = path.with_suffix(".raw.xlsx")
    wb.save(raw)
    _normalise_zip(raw, path, created)
    raw.unlink()


def _normalise_zip(source: Path, target: Path, created) -> None:
    """The same workbook in the same bytes: fixed entry times and document dates."""
    import re

    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED
                                                         ) as zout:
        for item in sorted(zin.infolist(), key=lambda i: i.filename):
            data = zin.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*",
                              rb"\g<1>" + stamp.encode(), data)
            info = zipfile.ZipInfo(item.filename, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, data)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest(batch: DisbursementBatch, name: str, sha256: str) -> dict:
    return {"file": name, "sha256": sha256, "records": batch.record_count,
            "total": batch.total_amount, "batch": batch.code, "cycle": batch.cycle_id,
            "channel": batch.channel_id, "layout": batch.layout_id,
            "created_at": batch.created_at.isoformat()}


def write_files(batch: DisbursementBatch, write_output, work_dir: Path) -> BatchFile:
    """The file and its manifest through `write_output(name, write)` (jobs.files: a temporary
    name renamed once complete); the batch records its checksum."""
    name = file_name(batch)
    digest: dict = {}

    def write(path: Path) -> None:
        render(batch, path, work_dir)
        digest["sha256"] = sha256_of(path)

    write_output(name, write)
    manifest_name = name.rsplit(".", 1)[0] + ".manifest.json"
    body = json.dumps(manifest(batch, name, digest["sha256"]), indent=1, sort_keys=True)
    write_output(manifest_name, lambda p: p.write_text(body + "\n", encoding="utf-8"))
    DisbursementBatch.objects.filter(pk=batch.pk).update(file_name=name,
                                                         sha256=digest["sha256"])
    return BatchFile(name, manifest_name, digest["sha256"], batch.record_count,
                     batch.total_amount)


def sent_lines(batch: DisbursementBatch) -> dict[str, tuple[int, str]]:
    """{reference: (amount, status)} of a batch, for checking an answer file."""
    return {ref: (amount, status) for ref, amount, status in PaymentAttempt.objects.filter(
        batch=batch).values_list("reference", "amount", "status").iterator(chunk_size=20_000)}


__all__ = ["AttemptStatus", "create_batch", "write_files", "render", "sent_lines"]
