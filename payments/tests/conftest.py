"""Fixtures of the payments tests: a var dir of their own, the shipped programs, a few KPM
households and frozen KPM lists built directly (the enrollment run itself is programs' test)."""

import pytest

from .builders import Builder


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


@pytest.fixture(autouse=True)
def _shipped_channels(request):
    """The channels and layouts of the data migration, back after a transactional test's flush
    emptied the tables (idempotent)."""
    if not request.node.get_closest_marker("django_db") and "db" not in request.fixturenames:
        return
    request.getfixturevalue("db")
    from payments import layouts
    from payments.models import ChannelRule, FileLayout, PaymentChannel

    layouts.install(PaymentChannel, ChannelRule, FileLayout)


@pytest.fixture
def officers(make_user):
    """A program officer who prepares and two finance officers (national)."""
    return {"program": make_user("program_manager", username="program"),
            "keuangan": make_user("keuangan", username="keuangan"),
            "keuangan2": make_user("keuangan", username="keuangan2")}


@pytest.fixture
def build(db, officers, make_user):
    return Builder(make_user("administrator", username="admin-builder"))
