# ruff: noqa: S608 -- SQL text is fixed or built from integers and the sources' own SELECTs.
"""The dashboards and the summary refresh at national size, on PostgreSQL (issue 16).

Builds once in SQL (INSERT ... SELECT generate_series, kept between runs, so a rerun measures
only) a registry of --members members (default 10,000,000; households of 4) over every village
of the region table, desil scores for 9 households in 10, civil match rows for 9 members in 10
(most padan), a frozen Sembako KPM list of a fifth of the households, 12 monthly Sembako payment
cycles of the current year (mostly transacted/credited, some failed/returned/not transacted), a
grievance submission per 50 households and an active worker per village (no ATENSI cases: a case
needs a client, an intake, a provider and a worker). Then prints:
  1. reports.summaries.refresh(): wall time and rows written (the refresh of every summary table),
     from empty tables, then again after a reconciliation changed a few payments (only the
     figures that changed are written);
  2. the baseline in the same run: the same source SELECTs COPY'd to CSV, then one GROUP BY per
     source in bare DuckDB over those files, and the ratio refresh/baseline;
  3. the dashboards under load: gunicorn (kesos/gunicorn.conf.py, production settings, DEBUG off)
     started in a separate process, sessions of a national officer (pusat) on /laporan/, a
     province officer (dinsos_provinsi) on /laporan/wilayah/<province>/ and a village operator
     on /laporan/wilayah/<village>/, each driven by wrk with its session cookie: p50/p95/p99 and
     requests/s; baseline nginx serving a static page of the same size, same wrk settings;
     ratios. Target: p95 under 300 ms for each dashboard. A dashboard URL that does not answer
     200 is reported and skipped.

    createdb -h 127.0.0.1 -U postgres kesos_bench_reports
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesos_bench_reports \\
        nice .venv/bin/python bench/reports.py --members 10000000

Needs wrk and nginx (apt-get install -y wrk nginx-light).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesos.settings")
# The sessions made here must verify under gunicorn: the same key on both sides.
SECRET = "bench-" + "x" * 50
os.environ["SECRET_KEY"] = SECRET

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from programs.models import EligibilityRun, Program  # noqa: E402
from programs.services import current_rule_set, install_shipped  # noqa: E402
from wilayah.models import Region  # noqa: E402
from wilayah.services import load_regions  # noqa: E402

PORT, NGINX_PORT = 8721, 8722
SNAPSHOT = "bench-reports-{}"
AMOUNT = 200_000
# A payment's status from (household id * 7 + month) % 100: mostly paid, some not.
STATUS_SQL = """CASE WHEN x < 55 THEN 'transacted' WHEN x < 85 THEN 'credited'
    WHEN x < 92 THEN 'not_transacted' WHEN x < 97 THEN 'failed' ELSE 'returned' END"""


def build(members: int) -> EligibilityRun:
    """The registry, scores, civil matches, the Sembako list and a year of cycles (kept)."""
    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        load_regions()
    install_shipped()
    program = Program.objects.get(code="sembako")
    run = EligibilityRun.objects.filter(program=program, state="frozen",
                                        snapshot=SNAPSHOT.format(members)).first()
    if run:
        return run
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registry_household")
        if cursor.fetchone()[0]:
            raise SystemExit("this database holds another registry: use a fresh database "
                             "per --members (createdb ...)")
    started = time.perf_counter()
    households = members // 4
    year = timezone.localdate().year
    prepared, _ = User.objects.get_or_create(username="bench-program",
                                             defaults={"role": Role.PROGRAM_MANAGER})
    approved, _ = User.objects.get_or_create(username="bench-keuangan",
                                             defaults={"role": Role.KEUANGAN})

    def step(name: str, sql: str, params=None) -> None:
        t = time.perf_counter()
        cursor.execute(sql, params)
        print(f"  built {name} in {time.perf_counter() - t:.1f} s", flush=True)

    with transaction.atomic(), connection.cursor() as cursor:
        run = EligibilityRun.objects.create(
            program=program, rule_set=current_rule_set(program), kind="enrollment",
            state="frozen", period=f"{year}-01", snapshot=SNAPSHOT.format(members),
            snapshot_checksum="bench", frozen_at=timezone.now())
        cursor.execute("""CREATE TEMP TABLE bench_villages AS SELECT row_number() OVER
            (ORDER BY code) - 1 AS i, code FROM wilayah_region WHERE level = 4""")
        cursor.execute("SELECT count(*) FROM bench_villages")
        villages = cursor.fetchone()[0]
        step("households", f"""
            INSERT INTO registry_household (id, address, rt, rw, status, inactive_reason,
                answers, revision, created_at, updated_at, village_id)
            SELECT g, 'Jl. Bench ' || g, '001', '002',
                   CASE WHEN g % 50 = 0 THEN 'inactive' ELSE 'active' END,
                   CASE WHEN g % 50 = 0 THEN 'moved' ELSE '' END, '{{}}', 1,
                   now() - make_interval(days => (g % 400)::int), now(), v.code
            FROM generate_series(1, {households}) g JOIN bench_villages v
              ON v.i = g % {villages}""")
        step("families", """INSERT INTO registry_family (id, kk_number, household_id)
            SELECT id, '9' || lpad(id::text, 15, '0'), id FROM registry_household""")
        step("members", """
            INSERT INTO registry_member (nik, name, name_key, birth_place, sex,
                relation_to_household_head, relation_to_family_head, family_order,
                marital_status, pregnant, disability, chronic_illness, school_participation,
                education, work_sector, employment_status, status, inactive_reason, revision,
                created_at, updated_at, family_id, household_id, village_id)
            SELECT '8' || lpad((h.id * 4 + k)::text, 15, '0'), 'Anggota ' || (h.id * 4 + k),
                   'anggota ' || (h.id * 4 + k), 'Bench',
                   CASE WHEN k % 2 = 0 THEN 'L' ELSE 'P' END, least(k + 1, 3), least(k + 1, 3),
                   k + 1, 2, false, 0, 0, 0, 0, 0, 0, h.status, h.inactive_reason, 1,
                   h.created_at, now(), h.id, h.id, h.village_id
            FROM registry_household h CROSS JOIN generate_series(0, 3) k""")
        cursor.execute("""INSERT INTO ranking_pmtmodel (name, version, created_at, fitted_from,
            coefficients, metrics) VALUES ('bench', 1, now(), 'bench', '{}', '{}') RETURNING id""")
        model = cursor.fetchone()[0]
        step("scores", """
            INSERT INTO ranking_householdscore (run_ref, province, score, desil_national,
                desil_province, scored_at, household_id, model_id)
            SELECT 'bench', split_part(village_id, '.', 1), (id * 7919 %% 1000) / 1000.0,
                   1 + id * 7 %% 10, 1 + id * 3 %% 10, now(), id, %s
            FROM registry_household WHERE id %% 10 <> 0""", [model])
        step("civil matches", """
            INSERT INTO civil_membermatch (run_ref, status, differs_name, differs_birth_date,
                differs_sex, differs_kk, deceased, moved, civil_village_code, matched_at,
                member_id)
            SELECT 'bench', CASE WHEN id % 20 = 1 THEN 'data_differs'
                                 WHEN id % 20 = 2 THEN 'nik_not_found' ELSE 'padan' END,
                   id % 20 = 1, false, false, false, false, false, village_id, now(), id
            FROM registry_member WHERE id % 10 <> 0""")
        step("enrollments", """
            INSERT INTO programs_enrollment (run_id, household_id, village_code, status, change,
                amount, components, reason)
            SELECT %s, id, village_id, 'enrolled', 'new', %s, '', ''
            FROM registry_household WHERE id %% 5 = 0""", [run.pk, AMOUNT])
        kpm = households // 5
        for month in range(1, 13):
            cursor.execute("""
                INSERT INTO payments_paymentcycle (period, stage, year, month, in_kind, status,
                    kpm_count, total_amount, return_after_days, prepared_at, spm_number,
                    prepared_by_id, approved_by_id, program_id, run_id)
                VALUES (%s, 1, %s, %s, false, 'closed', %s, %s, 30, now(), %s, %s, %s, %s, %s)
                RETURNING id""", [f"{year}-{month:02d}", year, month, kpm, kpm * AMOUNT,
                                  f"SPM-BENCH-{month}", prepared.pk, approved.pk, program.pk,
                                  run.pk])
            cycle = cursor.fetchone()[0]
            cursor.execute("""
                INSERT INTO payments_treasuryreturn (amount, payments_count, date, reference,
                    recorded_at, cycle_id) VALUES (0, 0, now()::date, %s, now(), %s)
                RETURNING id""", [f"NTPN-BENCH-{cycle}", cycle])
            treasury = cursor.fetchone()[0]
            step(f"payments {year}-{month:02d}", f"""
                INSERT INTO payments_payment (period, stage, village_code, recipient_name, nik,
                    amount, components, status, attempts, failure_code, home_delivery, proof,
                    enrollment_id, household_id, program_id, cycle_id, treasury_return_id)
                SELECT %s, 1, e.village_code, 'Anggota ' || (e.household_id * 4),
                       '8' || lpad((e.household_id * 4)::text, 15, '0'), e.amount, '', s.status, 1,
                       CASE WHEN s.status = 'failed' THEN 'R01' ELSE '' END, false, '',
                       e.id, e.household_id, %s, %s,
                       CASE WHEN s.status = 'returned' THEN %s END
                FROM programs_enrollment e
                CROSS JOIN LATERAL (SELECT (e.household_id * 7 + %s) %% 100 AS x) r
                CROSS JOIN LATERAL (SELECT {STATUS_SQL} AS status) s
                WHERE e.run_id = %s""",
                 [f"{year}-{month:02d}", program.pk, cycle, treasury, month, run.pk])
        step("complaints", """
            INSERT INTO grievance_submission (tracking_number, kind, category, channel, status,
                description, submitter_name, submitter_phone, submitter_email, subject_name,
                subject_nik, subject_kk, subject_address, is_self, program_code, unit,
                unit_region_code, due_at, escalations, resolution, satisfaction_comment,
                external_ref, created_at, region_id, resolved_at)
            SELECT 'B' || lpad(id::text, 15, '0'), 'complaint', 'not_receiving', 'web',
                   (ARRAY['received', 'in_progress', 'escalated', 'resolved', 'closed'])
                       [1 + id % 5], 'Bench', 'Bench', '', '', '', '', '', '', true, 'sembako',
                   'village', village_id, created_at + interval '14 days', 0, '', '', '',
                   created_at, village_id,
                   CASE WHEN id % 5 >= 3 THEN created_at + make_interval(days => (id % 20)::int)
                   END
            FROM registry_household WHERE id % 50 = 0""")
        step("workers", """
            INSERT INTO workforce_worker (name, nik, kind, phone, active, region_id)
            SELECT 'TKSK ' || i, '3' || lpad(i::text, 15, '0'), 'tks', '', true, code
            FROM bench_villages""")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"built {members:,} members in {households:,} households over {villages:,} villages "
          f"in {time.perf_counter() - started:.0f} s (setup, not measured)")
    return run


def bare_duckdb(work: Path) -> tuple[float, float, int]:
    """The refresh's own source SELECTs COPY'd to CSV (export seconds), then one GROUP BY per
    source by region code in bare DuckDB over the files (aggregate seconds); rows read."""
    import duckdb

    from base.sql import literal
    from programs.inputs import current_run_ids
    from reports.summaries import sources

    started = time.perf_counter()
    files = []
    for source in sources(current_run_ids()):
        path = work / f"bare-{source.name}.csv"
        copy_sql = f"COPY ({source.sql}) TO STDOUT (FORMAT csv)"
        with (connection.cursor() as cursor, open(path, "wb") as out,
              cursor.cursor.copy(copy_sql) as copy):
            for chunk in copy:
                out.write(chunk)
        files.append((source, path))
    exported = time.perf_counter() - started
    started, rows = time.perf_counter(), 0
    con = duckdb.connect()
    for source, path in files:
        if not path.stat().st_size:
            continue
        types = ", ".join(f"'{n}': '{t}'" for n, t in source.columns)
        names = [n for n, _ in source.columns]
        keys = ", ".join(n for n in names if n not in ("amount", "household"))
        measures = "count(*)"
        if "amount" in names:
            measures += ", sum(amount), count(DISTINCT household)"
        sql = (f"SELECT {keys}, {measures} FROM read_csv({literal(str(path), 'duckdb')}, "
               f"header = false, columns = {{{types}}}, auto_detect = false) GROUP BY ALL")
        rows += con.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0]
    con.close()
    return exported, time.perf_counter() - started, rows


def second_refresh(refresh) -> tuple[int, float, int]:
    """A reconciliation changes a few payments, then the refresh runs again: (payments
    changed, seconds, figure rows inserted). A rerun of the bench finds them changed already."""
    with connection.cursor() as cursor:
        cursor.execute("""UPDATE payments_payment SET status = 'credited', failure_code = ''
            WHERE status = 'failed' AND household_id % 7 = 0 AND cycle_id =
            (SELECT max(id) FROM payments_paymentcycle)""")
        changed = cursor.rowcount
        cursor.execute("SELECT coalesce(max(id), 0) FROM reports_regionfigure")
        last = cursor.fetchone()[0]
    started = time.perf_counter()
    refresh()
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM reports_regionfigure WHERE id > %s", [last])
        return changed, seconds, cursor.fetchone()[0]


def session_cookie(username: str, role: str, region: Region | None) -> str:
    user, _ = User.objects.update_or_create(username=username,
                                            defaults={"role": role, "region": region})
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def wrk_script(work: Path, name: str, cookie: str) -> Path:
    """The session cookie on every request; p50/p95/p99 (microseconds) printed at the end."""
    path = work / f"{name}.lua"
    path.write_text(f"""wrk.headers["Cookie"] = "{cookie}"
done = function(summary, latency, requests)
  io.write(string.format("P50 %d\\nP95 %d\\nP99 %d\\n", latency:percentile(50),
    latency:percentile(95), latency:percentile(99)))
end
""")
    return path


def wrk(url: str, seconds: int, connections: int, script: Path) -> dict:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
           "-s", str(script), url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout  # noqa: S603
    found = {k: int(re.search(rf"^{k} (\d+)$", out, re.M).group(1)) / 1000
             for k in ("P50", "P95", "P99")}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": found["P50"], "p95": found["P95"], "p99": found["P99"],
            "non2xx": int(errors.group(1)) if errors else 0}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect (to the login page) is an answer to report, not to follow


def get(url: str, cookie: str = "") -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=60) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def wait_for(port: int) -> None:
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/kesehatan/", timeout=2)  # noqa: S310
            return
        except urllib.error.HTTPError:
            return
        except Exception:  # noqa: BLE001 (not up yet)
            time.sleep(0.5)
    raise SystemExit(f"server on port {port} did not start")


def start_gunicorn(workers: int) -> subprocess.Popen:
    """As `kesos serve` does: static files collected, then gunicorn with its config."""
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "kesos.settings", "DEBUG": "false",
                        "SECRET_KEY": SECRET, "ALLOWED_HOSTS": "127.0.0.1",
                        "SECURE_SSL_REDIRECT": "false", "WEB_CONCURRENCY": str(workers)}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0",  # noqa: S603
                    "--ignore", "*.rtl.*", "--ignore", "*.esm.*", "--ignore", "ext"],
                   cwd=ROOT, env=env, check=True)
    cmd = [sys.executable, "-m", "gunicorn", "kesos.wsgi:application", "--config",
           str(ROOT / "kesos" / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{PORT}",
           "--access-logfile", "/dev/null"]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,  # noqa: S603
                            stderr=subprocess.DEVNULL)


def start_nginx(work: Path, sizes: dict[str, int]) -> subprocess.Popen:
    (work / "www").mkdir()
    for name, size in sizes.items():
        (work / "www" / f"{name}.html").write_text("<!doctype html>" + "x" * max(size - 15, 0))
    conf = work / "nginx.conf"
    conf.write_text(f"""worker_processes 2; pid {work}/nginx.pid; error_log {work}/error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; client_body_temp_path {work}; proxy_temp_path {work};
  fastcgi_temp_path {work}; uwsgi_temp_path {work}; scgi_temp_path {work};
  server {{ listen 127.0.0.1:{NGINX_PORT}; root {work}/www; }} }}""")
    return subprocess.Popen(["nginx", "-c", str(conf), "-g", "daemon off;"])  # noqa: S603, S607


def dashboards(national: str, region: str) -> list[tuple[str, str, str, Region | None]]:
    """(name, path, role, region) of the three dashboards: the nation, province 32 (or the
    first province) and the first village in it."""
    province = (Region.objects.filter(level=1, code="32").first()
                or Region.objects.filter(level=1).order_by("code").first())
    village = Region.objects.filter(level=4, code__startswith=province.code + ".").order_by(
        "code").first()
    return [("national", national, Role.PUSAT, None),
            (f"province {province.code}", region.format(code=province.code),
             Role.DINSOS_PROVINSI, province),
            (f"village {village.code}", region.format(code=village.code), Role.OPERATOR_DESA,
             village)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (2 x cores + 1)")
    parser.add_argument("--national-path", default="/laporan/")
    parser.add_argument("--region-path", default="/laporan/wilayah/{code}/")
    parser.add_argument("--setup-only", action="store_true", help="build the data and stop")
    parser.add_argument("--dashboards-only", action="store_true",
                        help="measure the dashboards over the figures already refreshed")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("bench/reports.py runs on PostgreSQL (DATABASE_URL)")
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is not installed (apt-get install -y wrk nginx-light)")
    build(args.members)
    if args.setup_only:
        return
    from reports.summaries import refresh

    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM registry_member), "
                       "(SELECT count(*) FROM payments_payment)")
        members, payments = cursor.fetchone()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if not args.dashboards_only:
            exported, aggregated, groups = bare_duckdb(work)
            phases: dict[str, float] = {}

            def tick(step: str, done: int, total: int) -> None:
                phases.setdefault(step, time.perf_counter())

            with connection.cursor() as cursor:  # the first refresh writes every figure
                cursor.execute("TRUNCATE reports_regionfigure")
            started = time.perf_counter()
            record = refresh(progress=tick)
            refreshed = time.perf_counter() - started
            read = phases["aggregate"] - phases["read"]
            aggregate = phases["write"] - phases["aggregate"]
            write = started + refreshed - phases["write"]
            bare = exported + aggregated
            print(f"summary refresh (reports.summaries.refresh, {members:,} members, "
                  f"{payments:,} payments): {refreshed:.1f} s, {record.rows:,} figure rows "
                  f"(read {read:.1f} s, aggregate {aggregate:.1f} s, write and analyze "
                  f"{write:.1f} s)")
            print(f"baseline, the same source SELECTs COPY'd to CSV ({exported:.1f} s) and one "
                  f"GROUP BY per source in bare DuckDB ({aggregated:.1f} s, {groups:,} groups): "
                  f"{bare:.1f} s; ratios refresh/baseline x{refreshed / bare:.2f}, "
                  f"read/export x{read / exported:.2f}, aggregate/GROUP BY "
                  f"x{aggregate / aggregated:.2f}")
            changed, again, written = second_refresh(refresh)
            print(f"second refresh after {changed:,} failed payments of the last cycle were "
                  f"credited on a retry: {again:.1f} s, {written:,} figure rows "
                  f"written anew (only the changed ones are; x{again / refreshed:.2f} of the "
                  "first)")
        pages = [(name, path, session_cookie(f"bench-{role}", role, region))
                 for name, path, role, region in dashboards(args.national_path,
                                                                 args.region_path)]
        connection.close()
        server = start_gunicorn(args.workers)
        results, sizes = {}, {}
        try:
            wait_for(PORT)
            for name, path, cookie in pages:
                status, body = get(f"http://127.0.0.1:{PORT}{path}", cookie)
                if status != 200:
                    print(f"{name} dashboard {path}: HTTP {status}, not measured "
                          "(not built yet, or the officer may not see it)")
                    continue
                key = re.sub(r"\W", "_", name)
                sizes[key] = len(body)
                script = wrk_script(work, key, cookie)
                wrk(f"http://127.0.0.1:{PORT}{path}", 3, args.connections, script)  # warm up
                results[name] = (path, key, wrk(f"http://127.0.0.1:{PORT}{path}", args.seconds,
                                                args.connections, script))
        finally:
            server.terminate()
            server.wait(30)
        if not results:
            return
        nginx = start_nginx(work, sizes)
        try:
            wait_for(NGINX_PORT)
            bases = {key: wrk(f"http://127.0.0.1:{NGINX_PORT}/{key}.html", args.seconds,
                              args.connections, wrk_script(work, f"nginx-{key}", ""))
                     for _, key, _ in results.values()}
        finally:
            nginx.terminate()
            nginx.wait(30)
    print(f"dashboards: gunicorn x{args.workers}, wrk -t2 -c{args.connections} "
          f"{args.seconds}s, target p95 < 300 ms each")
    for name, (path, key, app) in results.items():
        base = bases[key]
        verdict = "meets" if app["p95"] < 300 else "MISSES"
        print(f"  {name} {path} ({sizes[key]:,} bytes): p50 {app['p50']:.1f} ms, "
              f"p95 {app['p95']:.1f} ms ({verdict} the target), p99 {app['p99']:.1f} ms, "
              f"{app['rate']:,.0f} req/s, non-2xx {app['non2xx']}")
        print(f"    baseline nginx static page of the same size: p95 {base['p95']:.2f} ms, "
              f"{base['rate']:,.0f} req/s; ratio p95 x{app['p95'] / base['p95']:.0f}, "
              f"req/s {app['rate'] / base['rate']:.3f}")


if __name__ == "__main__":
    main()
