"""Kesos served as in production (`kesos serve`: gunicorn and the job worker, DEBUG off) on a
free port against PostgreSQL: login, a registry page, a static file and the health endpoint."""

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="production runs on PostgreSQL: this test runs in the suite's PostgreSQL pass")
PASSWORD = "Rahasia-Kuat-2026"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _python(env: dict, code: str) -> None:
    done = subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + code],  # noqa: S603
                          cwd=ROOT, env=env | {"DJANGO_SETTINGS_MODULE": "kesos.settings"},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def server(fresh_database):
    port = free_port()
    env = fresh_database | {
        "DEBUG": "false", "SECRET_KEY": "test-" + "s" * 60, "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false", "WEB_CONCURRENCY": "2", "LOG_FORMAT": "json"}
    _python(env, f"""
from accounts.models import User
User.objects.create_user("pusat", password={PASSWORD!r}, role="pusat")""")
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}"], cwd=ROOT,
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 420  # migrate and collectstatic first
    while True:
        assert process.poll() is None, process.stdout.read()
        try:
            if requests.get(f"{url}/kesehatan/", timeout=10).status_code == 200:
                break
        except requests.RequestException:  # not listening yet, or still starting
            pass
        assert time.monotonic() < deadline, "the server never became healthy"
        time.sleep(0.5)
    yield url
    process.terminate()
    process.wait(timeout=60)


def _cookies(response, jar: dict) -> dict:
    # The cookies are Secure (HTTPS behind the proxy); this plain-HTTP client passes them on.
    for cookie in response.cookies:
        jar[cookie.name] = cookie.value
    return jar


def test_health_reports_database_migrations_worker_and_disk(server):
    answer = requests.get(f"{server}/kesehatan/", timeout=10)
    body = answer.json()
    assert answer.status_code == 200 and body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations", "worker", "disk"}
    assert body["checks"]["migrations"]["pending"] == 0


def test_a_static_file_is_served_compressed_and_cached(server):
    page = requests.get(f"{server}/accounts/login/", timeout=10).text
    css = re.search(r'href="(/static/kesos/kesos\.[0-9a-f]+\.css)"', page)
    assert css, "static files carry their hashed (manifest) names"
    answer = requests.get(server + css[1], headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert answer.status_code == 200 and "max-age" in answer.headers["Cache-Control"]


def test_login_and_a_registry_page(server):
    jar: dict = {}
    login = requests.get(f"{server}/accounts/login/", timeout=10)
    _cookies(login, jar)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)[1]
    answer = requests.post(
        f"{server}/accounts/login/", data={"username": "pusat", "password": PASSWORD,
                                           "csrfmiddlewaretoken": token},
        cookies=jar, headers={"Referer": f"{server}/accounts/login/"}, allow_redirects=False,
        timeout=20)
    assert answer.status_code == 302, answer.text[:500]
    _cookies(answer, jar)
    page = requests.get(f"{server}/", cookies=jar, timeout=20, allow_redirects=False)
    assert page.status_code == 200 and "pusat" in page.text
    registry = requests.get(f"{server}/registry/", cookies=jar, timeout=20)
    assert registry.status_code == 200 and 'lang="id"' in registry.text
