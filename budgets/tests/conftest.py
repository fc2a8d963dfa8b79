"""Fixtures of the budgets tests: payments' own builders (shipped programs, KPM households,
frozen lists), the channels, and the officers who record and read budgets."""

from datetime import date

import pytest

from payments.tests.builders import Builder, ctx


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


@pytest.fixture(autouse=True)
def _shipped_channels(request):
    """The channels and layouts of payments' data migration (back after a flush)."""
    if not request.node.get_closest_marker("django_db") and "db" not in request.fixturenames:
        return
    request.getfixturevalue("db")
    from payments import layouts
    from payments.models import ChannelRule, FileLayout, PaymentChannel

    layouts.install(PaymentChannel, ChannelRule, FileLayout)


@pytest.fixture
def officers(make_user):
    """National finance and program officers, and a province-bound finance officer."""
    return {"program": make_user("program_manager", username="program"),
            "keuangan": make_user("keuangan", username="keuangan"),
            "keuangan2": make_user("keuangan", username="keuangan2"),
            "keuangan_32": make_user("keuangan", "32", username="keuangan-32")}


@pytest.fixture
def build(db, officers, make_user):
    return Builder(make_user("administrator", username="admin-builder"))


@pytest.fixture
def sembako(build):
    from programs.models import Program

    return Program.objects.get(code="sembako")


@pytest.fixture
def dipa(sembako, officers):
    """Sembako's 2026 DIPA of Rp10,000,000."""
    from budgets import services

    return services.record_dipa(ctx(officers["keuangan"]), sembako, 2026, "DIPA-027.04-2026",
                                date(2026, 1, 2), "Ditjen Penanganan Fakir Miskin",
                                10_000_000)
