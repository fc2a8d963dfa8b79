# ruff: noqa: S608 -- paths go through base.sql.literal; the rest is the layout's own SQL.
"""A Program Sembako payment cycle at national size: disbursement files and reconciliation.

Prints, for a frozen KPM list of --kpm households (default 18.8 million, the Sembako caseload):
  - preparing the cycle (every KPM a pending payment, one INSERT ... SELECT);
  - generating the disbursement files of every channel (batch rows, statuses, history, then
    each file rendered by DuckDB with its manifest), target at most 5 minutes;
  - reconciling a full response file of each channel (every line credited), target at most
    5 minutes;
  - the peak memory of this process (target at most 8 GiB);
  - the baseline: a bare DuckDB COPY of the same lines to CSV, and the ratios against it.

The KPM list is built once in SQL (one household, family and head per KPM) and kept, so a rerun
measures the payments work only. PostgreSQL only:
    createdb -h 127.0.0.1 -U postgres kesos_bench_pay
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesos_bench_pay \\
        .venv/bin/python bench/payments.py --kpm 18800000
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesos.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from audit.services import Context  # noqa: E402
from base.sql import literal  # noqa: E402
from programs.models import EligibilityRun, Program  # noqa: E402
from programs.services import current_rule_set, install_shipped  # noqa: E402
from wilayah.models import Region  # noqa: E402
from wilayah.services import load_regions  # noqa: E402

PERIOD = "2026-01"


def peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def build_kpm_list(kpm: int) -> EligibilityRun:
    """A frozen Sembako list of `kpm` households spread over every village (kept between runs)."""
    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        load_regions()
    install_shipped()
    program = Program.objects.get(code="sembako")
    run = EligibilityRun.objects.filter(program=program, period=PERIOD, state="frozen",
                                        snapshot=f"bench-{kpm}").first()
    if run:
        return run
    started = time.perf_counter()
    amount = (current_rule_set(program).definition.get("benefit") or {}).get("per_period", 200_000)
    with transaction.atomic(), connection.cursor() as cursor:
        run = EligibilityRun.objects.create(
            program=program, rule_set=current_rule_set(program), kind="enrollment",
            state="frozen", period=PERIOD, snapshot=f"bench-{kpm}", snapshot_checksum="bench",
            frozen_at=timezone.now())
        cursor.execute("""
            CREATE TEMP TABLE bench_villages AS
            SELECT row_number() OVER (ORDER BY code) - 1 AS i, code FROM wilayah_region
            WHERE level = 4""")
        cursor.execute("SELECT count(*) FROM bench_villages")
        villages = cursor.fetchone()[0]
        cursor.execute("SELECT COALESCE(max(id), 0) FROM registry_household")
        first = cursor.fetchone()[0] + 1
        cursor.execute("""
            INSERT INTO registry_household (id, address, rt, rw, status, inactive_reason,
                answers, revision, created_at, updated_at, village_id)
            SELECT g, 'Jl. Bench ' || g, '001', '002', 'active', '', '{}', 1, now(), now(),
                   v.code
            FROM generate_series(%s, %s) g JOIN bench_villages v ON v.i = g %% %s""",
                       [first, first + kpm - 1, villages])
        cursor.execute("""
            INSERT INTO registry_family (id, kk_number, household_id)
            SELECT id, lpad(id::text, 16, '9'), id FROM registry_household WHERE id >= %s""",
                       [first])
        cursor.execute("""
            INSERT INTO registry_member (nik, name, name_key, birth_place, sex,
                relation_to_household_head, relation_to_family_head, family_order,
                marital_status, pregnant, disability, chronic_illness, school_participation,
                education, work_sector, employment_status, status, inactive_reason, revision,
                created_at, updated_at, family_id, household_id, village_id)
            SELECT lpad(id::text, 16, '8'), 'Kepala ' || id, 'kepala ' || id, 'Bench', 'L',
                   1, 1, 1, 2, false, 0, 0, 0, 0, 0, 0, 'active', '', 1, now(), now(), id, id,
                   village_id
            FROM registry_household WHERE id >= %s""", [first])
        cursor.execute("""
            INSERT INTO programs_enrollment (run_id, household_id, village_code, status, change,
                amount, components, reason)
            SELECT %s, id, village_id, 'enrolled', 'new', %s, '', ''
            FROM registry_household WHERE id >= %s""", [run.pk, amount, first])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"built a frozen KPM list of {kpm:,} households in "
          f"{time.perf_counter() - started:.0f} s (setup, not measured below)")
    return run


def user(name: str, role: str) -> User:
    found, _ = User.objects.get_or_create(username=name, defaults={"role": role})
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kpm", type=int, default=18_800_000)
    parser.add_argument("--setup-only", action="store_true", help="build the KPM list and stop")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("needs PostgreSQL (DATABASE_URL)")
    from payments import cycles, disbursement, reconciliation
    from payments.models import PaymentChannel

    run = build_kpm_list(args.kpm)
    if args.setup_only:
        return
    reset(run)
    manager = Context(user("bench-program", Role.PROGRAM_MANAGER))
    finance = Context(user("bench-keuangan", Role.KEUANGAN))
    work = Path(tempfile.mkdtemp(prefix="kesos-bench-pay-"))

    started = time.perf_counter()
    cycle = cycles.prepare(manager, run)
    prepared = time.perf_counter() - started
    print(f"prepare the cycle: {cycle.kpm_count:,} payments, Rp{cycle.total_amount:,} "
          f"in {prepared:.1f} s")
    open_accounts(cycle)
    cycle = cycles.approve(finance, cycle)
    totals = cycles.channel_totals(cycle)
    cycles.record_spm(finance, cycle, "SPM-BENCH", timezone.localdate(), sum(totals.values()))
    channels = {c.code: c for c in PaymentChannel.objects.all()}
    for code, total in totals.items():
        cycles.record_sp2d(finance, cycle, channels[code], f"SP2D-{code}",
                           timezone.localdate(), total)

    def write_output(name, write):
        path = work / name
        write(path)
        return name

    started = time.perf_counter()
    batches = []
    for code in sorted(totals):
        batch = disbursement.create_batch(finance, cycle, channels[code])
        batch.file_name = disbursement.write_files(batch, write_output, work / "tmp").name
        batches.append(batch)
    generated = time.perf_counter() - started
    lines = sum(b.record_count for b in batches)
    size = sum((work / b.file_name).stat().st_size for b in batches if b.file_name) / 2**30
    print(f"generate the files: {len(batches)} channels, {lines:,} lines, {size:.2f} GiB "
          f"in {generated:.1f} s (target at most 300 s)")

    baseline = bare_copy(batches, work)
    print(f"baseline, bare DuckDB COPY of the same lines to CSV: {baseline:.1f} s "
          f"(generation x{generated / baseline:.1f})")

    answers = {b.pk: full_response(b, work) for b in batches}
    started = time.perf_counter()
    for batch in batches:
        reconciliation.import_response(finance, batch, answers[batch.pk].read_bytes(),
                                       answers[batch.pk].name, "credit")
    reconciled = time.perf_counter() - started
    print(f"reconcile full response files (every line credited): {reconciled:.1f} s "
          f"(target at most 300 s; x{reconciled / baseline:.1f} the baseline)")
    print(f"peak memory of this process: {peak_gib():.2f} GiB (target at most 8 GiB)")


def reset(run) -> None:
    """The previous run's cycle and its rows (foreign keys protect them from an ORM delete;
    the audit events stay, the log is append-only)."""
    from payments.models import PaymentCycle

    ids = list(PaymentCycle.objects.filter(run=run).values_list("pk", flat=True))
    if not ids:
        return
    batches = "SELECT id FROM payments_disbursementbatch WHERE cycle_id = ANY(%s)"
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in (
                "DELETE FROM payments_paymentevent WHERE payment_id IN "
                "(SELECT id FROM payments_payment WHERE cycle_id = ANY(%s))",
                f"DELETE FROM payments_responseimport WHERE batch_id IN ({batches})",
                f"DELETE FROM payments_paymentattempt WHERE batch_id IN ({batches})",
                "DELETE FROM payments_disbursementbatch WHERE cycle_id = ANY(%s)",
                "DELETE FROM payments_payment WHERE cycle_id = ANY(%s)",
                "DELETE FROM payments_sp2d WHERE cycle_id = ANY(%s)",
                "DELETE FROM payments_cycleapproval WHERE cycle_id = ANY(%s)"):
            cursor.execute(sql, [ids])
        PaymentCycle.objects.filter(pk__in=ids).delete()


def open_accounts(cycle) -> None:
    """Burekol already answered: every bank KPM has an open account (setup, not measured).
    The KPM without one are chosen first: a NOT EXISTS over the table being inserted into
    makes PostgreSQL re-check every new row (quadratic)."""
    with connection.cursor() as cursor:
        cursor.execute("""
            CREATE TEMP TABLE bench_need AS
            SELECT p.household_id, p.channel_id, p.village_code
            FROM payments_payment p WHERE p.cycle_id = %s AND p.channel_id <> 'pos'
            AND NOT EXISTS (SELECT 1 FROM payments_kpmaccount a
                            WHERE a.household_id = p.household_id AND a.status <> 'closed')""",
                       [cycle.pk])
        cursor.execute("""
            INSERT INTO payments_kpmaccount (household_id, channel_id, village_code, status,
                account_number, opened_at, updated_at)
            SELECT household_id, channel_id, village_code, 'open',
                   lpad(household_id::text, 15, '0'), now(), now() FROM bench_need""")
        cursor.execute("DROP TABLE bench_need")
        cursor.execute("ANALYZE payments_kpmaccount")
        cursor.execute("ANALYZE payments_payment")


def bare_copy(batches, work: Path) -> float:
    """The same lines, exported the same way, then only COPY'd to CSV by DuckDB."""
    import duckdb

    from payments import disbursement

    seconds = 0.0
    for batch in batches:
        lines = work / f"bare-{batch.pk}.parquet"
        disbursement._export_lines(batch, lines)
        started = time.perf_counter()
        csv = literal(str(work / f"bare-{batch.pk}.csv"), "duckdb")
        duckdb.sql(f"COPY (SELECT * FROM read_parquet({literal(str(lines), 'duckdb')}) "
                   f"ORDER BY reference) TO {csv} (HEADER)")
        seconds += time.perf_counter() - started
    return seconds


def full_response(batch, work: Path) -> Path:
    """The bank's answer: every line of the batch credited, in the channel's response layout."""
    import duckdb

    from payments import layouts
    from payments.disbursement import layout_for
    from payments.models import FileLayout

    spec = layout_for(batch.channel, FileLayout.Purpose.RESPONSE).spec
    lines = work / f"bare-{batch.pk}.parquet"
    values = {"batch": batch.code, "channel": batch.channel_id.upper(),
              "count": str(batch.record_count), "total": str(batch.total_amount)}
    path = work / f"response-{batch.pk}.txt"
    detail = duckdb.sql(f"""
        SELECT {layouts.line_sql(spec)} AS line FROM (
            SELECT reference, CAST(amount AS VARCHAR) AS amount, 'C' AS status,
                   '' AS reason_code, '20261203' AS date, 'D' AS record
            FROM read_parquet({literal(str(lines), 'duckdb')})) ORDER BY reference""")
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(layouts.record_line(spec, spec["header"], values) + "\n")
        for chunk in detail.to_arrow_reader(100_000):
            if chunk.num_rows:
                out.write("\n".join(chunk.column(0).to_pylist()) + "\n")
        out.write(layouts.record_line(spec, spec["trailer"], values) + "\n")
    return path


if __name__ == "__main__":
    main()
