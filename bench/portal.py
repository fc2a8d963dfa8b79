# ruff: noqa: S608 -- SQL text is fixed; sizes are integers.
"""The public cek bansos lookup under load, against the production server on PostgreSQL.

Seeds --people registry members (default 1,000,000; 4 per household, names from a fixed list,
a third of the households in a frozen Sembako list, no desil scores), refreshes the lookup table
with the portal's batch job function, starts gunicorn (kesos/gunicorn.conf.py, the settings
of bench/portal_settings.py: captcha test mode, limits raised) in a separate process, and drives
POST /cekbansos/ (village + full name, CSRF token, captcha "PASSED") with wrk and a Lua script
over names sampled from the table. In the same run nginx serves a static page of the same size
as the baseline. Prints lookups/s, p99 and the ratio. Targets: 1,000/s, p99 < 100 ms (2 cores).

    createdb -h 127.0.0.1 -U postgres kesos_bench_portal
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesos_bench_portal \\
        nice .venv/bin/python bench/portal.py --people 1000000
"""

import argparse
import os
import re
import shutil
import subprocess
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

from portal.refresh import refresh_lookup  # noqa: E402
from programs.models import EligibilityRun, Program  # noqa: E402
from programs.services import current_rule_set, install_shipped  # noqa: E402
from wilayah.models import Region  # noqa: E402
from wilayah.services import load_regions  # noqa: E402

FIRST = ["AHMAD", "BUDI", "CITRA", "DEWI", "EKO", "FITRI", "GUNAWAN", "HENDRA", "INDAH", "JOKO",
         "KARTINI", "LESTARI", "MAWAR", "NUR", "OKTAVIA", "PUTRI", "RINA", "SITI", "TRI", "UMAR",
         "WAHYUNI", "YANTO", "ZAINAL", "AGUS", "BAMBANG", "DIAN", "ENDANG", "FAJAR", "HADI",
         "IWAN", "LINA", "MULYADI", "NINGSIH", "RAHMAT", "SRI", "TEGUH", "WATI", "YULI"]
LAST = ["SANTOSO", "LESTARI", "WIJAYA", "SAPUTRA", "HIDAYAT", "KURNIAWAN", "RAHAYU", "SETIAWAN",
        "PRATAMA", "HASANAH", "SUSANTO", "NURHAYATI", "SURYADI", "PURNOMO", "HANDAYANI",
        "FIRMANSYAH", "MARLINA", "SUGIARTO", "WULANDARI", "RAMADHAN", "SARI", "HARTONO",
        "KUSUMA", "UTAMI", "SIREGAR", "NASUTION", "SIMANJUNTAK", "PANGARIBUAN", "DAULAY"]
CSRF = "benchCsrfTokenBenchCsrfToken0123"  # 32 characters: Django accepts it unmasked
PORT, NGINX_PORT = 8711, 8712


def seed(people: int) -> None:
    """Households of four (head, spouse, two children) spread over every village; kept between
    runs of the same size."""
    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        load_regions()
    install_shipped()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registry_member")
        if cursor.fetchone()[0] >= people:
            return
    started = time.perf_counter()
    households = people // 4
    first = "ARRAY[" + ",".join(f"'{n}'" for n in FIRST) + "]"
    last = "ARRAY[" + ",".join(f"'{n}'" for n in LAST) + "]"
    program = Program.objects.get(code="sembako")
    with transaction.atomic(), connection.cursor() as cursor:
        run = EligibilityRun.objects.create(
            program=program, rule_set=current_rule_set(program), kind="enrollment",
            state="frozen", period="2026-11", snapshot=f"bench-{people}",
            snapshot_checksum="bench", frozen_at=timezone.now())
        cursor.execute("""CREATE TEMP TABLE bench_villages AS SELECT row_number() OVER
            (ORDER BY code) - 1 AS i, code FROM wilayah_region WHERE level = 4""")
        cursor.execute("SELECT count(*) FROM bench_villages")
        villages = cursor.fetchone()[0]
        cursor.execute(f"""
            INSERT INTO registry_household (id, address, rt, rw, status, inactive_reason,
                answers, revision, created_at, updated_at, village_id)
            SELECT g, 'Jl. Bench ' || g, '001', '002', 'active', '', '{{}}', 1, now(), now(),
                   v.code
            FROM generate_series(1, {households}) g JOIN bench_villages v
              ON v.i = g % {villages}""")
        cursor.execute("""INSERT INTO registry_family (id, kk_number, household_id)
            SELECT id, lpad(id::text, 16, '9'), id FROM registry_household""")
        cursor.execute(f"""
            INSERT INTO registry_member (nik, name, name_key, birth_place, birth_date, sex,
                relation_to_household_head, relation_to_family_head, family_order,
                marital_status, pregnant, disability, chronic_illness, school_participation,
                education, work_sector, employment_status, status, inactive_reason, revision,
                created_at, updated_at, family_id, household_id, village_id)
            SELECT lpad((h.id * 4 + k)::text, 16, '8'), n.name, n.name, 'Bench',
                   date '1960-01-01' + ((h.id * 7 + k * 3000) % 20000)::int,
                   CASE WHEN k % 2 = 0 THEN 'L' ELSE 'P' END,
                   CASE WHEN k = 0 THEN 1 WHEN k = 1 THEN 2 ELSE 3 END,
                   CASE WHEN k = 0 THEN 1 WHEN k = 1 THEN 2 ELSE 3 END, k + 1, 2,
                   false, 0, 0, 0, 0, 0, 0, 'active', '', 1, now(), now(), h.id, h.id,
                   h.village_id
            FROM registry_household h CROSS JOIN generate_series(0, 3) k
            CROSS JOIN LATERAL (SELECT ({first})[1 + (h.id * 4 + k) % {len(FIRST)}] || ' ' ||
                   ({last})[1 + ((h.id * 4 + k) / {len(FIRST)}) % {len(LAST)}] AS name) n""")
        cursor.execute("""
            INSERT INTO programs_enrollment (run_id, household_id, village_code, status, change,
                amount, components, reason)
            SELECT %s, id, village_id, 'enrolled', 'new', 200000, '', ''
            FROM registry_household WHERE id %% 3 = 0""", [run.pk])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded {people:,} people in {households:,} households in "
          f"{time.perf_counter() - started:.0f} s (setup, not measured)")


def lua_script(work: Path) -> Path:
    """wrk script: each request a random (village, name) from the lookup table, with the CSRF
    cookie and token and the captcha test-mode answer."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT village_code, name FROM portal_lookupperson "
                       "ORDER BY md5(member_id::text) LIMIT 2000")
        rows = cursor.fetchall()
    pairs = ",\n".join('{"' + v + '", "' + n.replace(" ", "+") + '"}' for v, n in rows)
    script = work / "lookup.lua"
    script.write_text(f"""
local pairs_ = {{
{pairs}
}}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "csrftoken={CSRF}"
math.randomseed(42)
request = function()
  local p = pairs_[math.random(#pairs_)]
  local body = "csrfmiddlewaretoken={CSRF}&village=" .. p[1] .. "&name=" .. p[2] ..
    "&nik=&captcha_0=bench&captcha_1=PASSED"
  return wrk.format(nil, "/cekbansos/", nil, body)
end
""")
    return script, rows[0]


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> dict:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout  # noqa: S603
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    factor = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rate": rate, "p99_ms": float(p99.group(1)) * factor,
            "non2xx": int(errors.group(1)) if errors else 0, "raw": out}


def wait_for(port: int, path: str = "/") -> None:
    import urllib.request

    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2)  # noqa: S310
            return
        except Exception:  # noqa: BLE001 (not up yet)
            time.sleep(0.5)
    raise SystemExit(f"server on port {port} did not start")


def server_env(workers: int) -> dict:
    return os.environ | {"DJANGO_SETTINGS_MODULE": "bench.portal_settings", "DEBUG": "false",
                        "SECRET_KEY": "bench-" + "x" * 50, "ALLOWED_HOSTS": "127.0.0.1",
                        "SECURE_SSL_REDIRECT": "false", "WEB_CONCURRENCY": str(workers)}


def start_gunicorn(workers: int) -> subprocess.Popen:
    """As `kesos serve` does: static files collected, then gunicorn with its config."""
    env = server_env(workers)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0",  # noqa: S603
                    "--ignore", "*.rtl.*", "--ignore", "*.esm.*", "--ignore", "ext"],
                   cwd=ROOT, env=env, check=True)
    cmd = [sys.executable, "-m", "gunicorn", "kesos.wsgi:application", "--config",
           str(ROOT / "kesos" / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{PORT}",
           "--access-logfile", "/dev/null"]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,  # noqa: S603
                            stderr=subprocess.DEVNULL)


def start_nginx(work: Path, size: int) -> subprocess.Popen:
    (work / "www").mkdir()
    (work / "www" / "index.html").write_text("<!doctype html>" + "x" * max(size - 15, 0))
    conf = work / "nginx.conf"
    conf.write_text(f"""worker_processes 2; pid {work}/nginx.pid; error_log {work}/error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; client_body_temp_path {work}; proxy_temp_path {work};
  fastcgi_temp_path {work}; uwsgi_temp_path {work}; scgi_temp_path {work};
  server {{ listen 127.0.0.1:{NGINX_PORT}; root {work}/www; }} }}""")
    return subprocess.Popen(["nginx", "-c", str(conf), "-g", "daemon off;"])  # noqa: S603, S607


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (2 x cores + 1)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("bench/portal.py runs on PostgreSQL (DATABASE_URL)")
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is not installed (apt-get install -y wrk nginx)")
    seed(args.people)
    counts = refresh_lookup()
    print(f"lookup table refreshed: {counts.people:,} people, {counts.programs:,} program rows "
          f"in {counts.seconds:.1f} s (portal.refresh.refresh_lookup, set-based SQL)")
    connection.close()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        script, (village, name) = lua_script(work)
        connection.close()
        server = start_gunicorn(args.workers)
        try:
            wait_for(PORT, "/cekbansos/")
            probe = subprocess.run(  # noqa: S603
                ["curl", "-s", "-X", "POST", "-b", f"csrftoken={CSRF}", "-d",  # noqa: S607
                 f"csrfmiddlewaretoken={CSRF}&village={village}&name={name.replace(' ', '+')}"
                 "&nik=&captcha_0=b&captcha_1=PASSED", f"http://127.0.0.1:{PORT}/cekbansos/"],
                capture_output=True, text=True, check=True)
            if "result" not in probe.stdout:
                raise SystemExit("the lookup did not answer with a result: " + probe.stdout[:300])
            size = len(probe.stdout.encode())
            wrk(f"http://127.0.0.1:{PORT}", 3, args.connections, script)  # warm the workers
            app = wrk(f"http://127.0.0.1:{PORT}", args.seconds, args.connections, script)
        finally:
            server.terminate()
            server.wait(30)
        nginx = start_nginx(work, size)
        try:
            wait_for(NGINX_PORT)
            base = wrk(f"http://127.0.0.1:{NGINX_PORT}/index.html", args.seconds,
                       args.connections)
        finally:
            nginx.terminate()
            nginx.wait(30)
    print(f"lookups (gunicorn x{args.workers}, PostgreSQL, {counts.people:,} people, "
          f"wrk -c{args.connections} {args.seconds}s): {app['rate']:,.0f}/s, "
          f"p99 {app['p99_ms']:.1f} ms, non-2xx {app['non2xx']} "
          f"(targets >= 1,000/s, p99 < 100 ms)")
    print(f"baseline nginx static page of {size:,} bytes: {base['rate']:,.0f}/s, "
          f"p99 {base['p99_ms']:.1f} ms")
    print(f"ratio lookup/nginx: {app['rate'] / base['rate']:.3f}")


if __name__ == "__main__":
    main()
