"""Signing in and out, lockout after repeated failures, and the language switch."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils.translation import trans_real

from accounts.models import Role
from conftest import VILLAGE_A

pytestmark = pytest.mark.django_db
PASSWORD = "Rahasia-Kuat-2026"  # the make_user fixture's password


@pytest.fixture
def indonesian_catalog():
    """The Indonesian catalog compiled (set-up does it; a fresh checkout may not have it yet)."""
    mo = Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES" / "django.mo"
    po = mo.with_suffix(".po")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        call_command("compilemessages", locale=["id"], ignore_patterns=["node_modules", "var"],
                     verbosity=0)
        trans_real._translations = {}
        trans_real._active = trans_real.Local()


def login(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_pages_ask_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("member_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_signing_in_leads_home(client, make_user):
    user = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    response = login(client, user.username, PASSWORD)
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("home")).context["user"] == user


def test_a_wrong_password_shows_the_form_again(client, make_user):
    user = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    response = login(client, user.username, "salah")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_the_account_even_for_the_right_password(client, make_user):
    user = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = login(client, user.username, "salah")
    assert response.status_code == 429
    assert "accounts/locked.html" in [t.name for t in response.templates]
    again = login(client, user.username, PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_signing_out_needs_a_post(client, make_user):
    client.force_login(make_user(Role.OPERATOR_DESA, VILLAGE_A))
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_pages_are_indonesian_by_default_and_english_after_switching(
    client, make_user, indonesian_catalog
):
    client.force_login(make_user(Role.OPERATOR_DESA, VILLAGE_A))
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="id">' in html and "Rumah tangga" in html
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in html and "Households" in html and "Rumah tangga" not in html


def test_the_login_page_offers_both_languages(client):
    html = client.get(reverse("login")).content.decode()
    assert reverse("set_language") in html
    assert 'value="en"' in html and 'value="id"' in html
