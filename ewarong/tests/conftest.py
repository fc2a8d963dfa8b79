import pytest

from .builders import World


@pytest.fixture(autouse=True)
def _shipped_catalogue(request):
    """The commodities and channels of the data migrations, back after a transactional test's
    flush emptied the tables (idempotent)."""
    if not request.node.get_closest_marker("django_db") and "db" not in request.fixturenames:
        return
    request.getfixturevalue("db")
    import csv
    from importlib import import_module

    from ewarong.models import Commodity
    from payments import layouts
    from payments.models import ChannelRule, FileLayout, PaymentChannel

    layouts.install(PaymentChannel, ChannelRule, FileLayout)
    catalogue = import_module("ewarong.migrations.0002_commodities").CATALOGUE
    with catalogue.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            Commodity.objects.update_or_create(code=row["code"], defaults=row)


@pytest.fixture
def world(db, make_user):
    return World(make_user("administrator", username="admin-ewarong"))
