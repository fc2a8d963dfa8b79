"""Fixtures shared by every app's tests: a small slice of the real region tree (loaded once per
test database), users of any role bound to a region, households built through the services, and
the headless Chromium of the browser tests."""

import importlib
import os
import shutil
from datetime import date

import pytest

from wilayah.services import load_regions

TEST_REGIONS = ["32.01.01", "32.01.02", "34.03.01"]  # Cibinong, Gunungputri (Bogor); Gunungkidul
VILLAGE_A = "32.01.01.1001"
TEST_PASSWORD = "Rahasia-Kuat-2026"  # every user make_user creates
VILLAGE_B = "32.01.01.1002"
VILLAGE_OTHER_DISTRICT = "32.01.02.2001"


def _load_test_regions() -> None:
    for prefix in TEST_REGIONS:
        load_regions(prefix=prefix)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _load_test_regions()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Indonesian), whatever an earlier test
    activated: messages chosen by the active language are then the same in any test order."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _test_regions(request):
    """Make sure the test slice of regions is present for every database test (a transactional
    test empties the tables afterwards, so loading once per session is not enough)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )
    if not (marker or transactional or "db" in request.fixturenames):
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from wilayah.models import Region

    if not Region.objects.filter(code=VILLAGE_A).exists():
        _load_test_regions()


@pytest.fixture(scope="module")
def fresh_database(tmp_path_factory):
    """The environment of processes (workers, a server) on a migrated database of their own: a
    SQLite file, or a new PostgreSQL database when the suite runs on PostgreSQL (dropped after)."""
    import subprocess
    import sys
    import uuid

    import psycopg
    from django.conf import settings

    var_dir = tmp_path_factory.mktemp("fresh-var")
    default, drop = settings.DATABASES["default"], None
    if default["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{var_dir / 'kesos.sqlite3'}"
    else:
        name = f"kesos_fresh_{uuid.uuid4().hex[:8]}"
        server = {"host": default["HOST"] or "127.0.0.1", "port": default["PORT"] or 5432,
                  "user": default["USER"], "dbname": "postgres", "autocommit": True}
        with psycopg.connect(**server) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        url = f"postgres://{server['user']}@{server['host']}:{server['port']}/{name}"

        def drop():
            with psycopg.connect(**server) as con:
                con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env = base | {"DATABASE_URL": url, "KESOS_VAR_DIR": str(var_dir)}
    migrated = subprocess.run([sys.executable, "manage.py", "migrate", "-v0"],  # noqa: S603
                              cwd=os.path.dirname(__file__), env=env, capture_output=True,
                              text=True, timeout=300)
    assert migrated.returncode == 0, migrated.stderr
    yield env
    if drop:
        drop()


@pytest.fixture
def run_jobs(db):
    """Run the background jobs waiting now, as the worker would; returns how many ran."""
    from jobs.worker import run_waiting

    return run_waiting


@pytest.fixture
def make_user(db):
    from accounts.models import User

    def make(role: str, region: str | None = None, username: str | None = None, **extra) -> User:
        name = username or f"{role}-{region or 'national'}".replace(".", "_")
        user = User.objects.create_user(
            username=name, password=TEST_PASSWORD, role=role, region_id=region, **extra
        )
        return user

    return make


@pytest.fixture
def make_household(db):
    from audit.services import Context
    from registry import services
    from registry.instrument import shipped_definition

    answers = {
        q["key"]: (1 if q["type"] != "boolean" else False)
        for b in shipped_definition()["blocks"]
        for q in b["questions"]
        if q.get("required")
    } | {"floor_area_m2": 36}

    def make(
        village: str = VILLAGE_A,
        actor=None,
        nik: str = "3201011208850003",
        kk: str = "3201010101200001",
        name: str = "Budi Santoso",
    ):
        from accounts.models import User

        actor = (
            actor
            or User.objects.filter(role="administrator").first()
            or User.objects.create_user(
                username="fixture-admin", password="x", role="administrator"
            )
        )
        head = services.MemberData(
            nik=nik,
            name=name,
            sex="L",
            birth_date=date(1985, 8, 12),
            relation_to_household_head=1,
            relation_to_family_head=1,
            family_order=1,
            marital_status=2,
        )
        return services.create_household(
            Context(actor=actor),
            village,
            "Jl. Mawar No. 1",
            [services.FamilyData(kk_number=kk, members=[head])],
            answers,
            rt="001",
            rw="002",
        )

    return make


# The project's append-only tables (database triggers refuse UPDATE/DELETE).
APPEND_ONLY = ["audit.migrations.0002_append_only", "atensi.migrations.0002_signoff_append_only",
               "budgets.migrations.0002_append_only"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def _flushable_logs(django_db_setup, django_db_blocker):
    """A live-server test ends with a flush of every table, which the append-only logs refuse:
    lift their triggers for the module and put them back (and the published instrument the
    flush removed) once the flush is done."""
    from django.db import connection

    from registry.instrument import shipped_definition
    from registry.models import InstrumentVersion

    modules = [importlib.import_module(name) for name in APPEND_ONLY]
    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        for module in modules:
            module.drop(None, editor)
    yield
    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            for module in modules:
                module.create(None, editor)
        InstrumentVersion.objects.get_or_create(
            code="dtks", version=1, defaults={"title": "DTKS", "definition": shipped_definition()}
        )


@pytest.fixture
def browser(monkeypatch, _flushable_logs):
    """The distribution's Chromium driven by Playwright (never a downloaded browser build)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(executable):
        _unavailable("Chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def browser_login(browser, live_server, user, timeout_ms: int = 15_000):
    """A fresh browser session of `user` (made by `make_user`), showing pages in English."""
    from django.urls import reverse

    context = browser.new_context(base_url=live_server.url)
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    page.goto(reverse("login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login" not in url)
    return page
