"""The demo seeds posts, the kader's members and three months of sessions, once."""

import pytest

from accounts.models import Role
from conftest import VILLAGE_A
from lansia import demo
from lansia.models import Session
from pkh.tests.conftest import Builder

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_the_kaders_posts_with_sessions(make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_user(Role.OPERATOR_KABUPATEN, "32.01", username="dinsos")
    make_user(Role.KADER_POSYANDU, VILLAGE_A, username="kader")
    families = Builder(make_user(Role.ADMINISTRATOR, username="admin-builder"))
    families.family("elder")
    families.family("elder")
    assert not demo.seeded()
    summary = demo.seed("32.01")
    assert demo.seeded() and "2 members" in summary
    assert Session.objects.count() == 6
