"""The demo caseload: cases across stages and clusters, made through the services."""

import pytest

from atensi import demo
from atensi.models import Case, SignOff

pytestmark = pytest.mark.django_db


def test_demo_caseload_spreads_over_stages_and_clusters(world):
    counts = demo.seed("32.01", cases=24, seed=3)
    assert sum(counts.values()) == 24 == Case.objects.count()
    assert len(counts) >= 4
    assert Case.objects.values("clusters__cluster").distinct().count() >= 4
    assert SignOff.objects.filter(kind="approve").exists()
    assert demo.seed("32.01", cases=5) == {}  # run again: keeps what exists
