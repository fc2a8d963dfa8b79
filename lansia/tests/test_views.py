"""Posyandu Lansia pages: scoping by region and role, the kader's own posts, the report's
totals and its XLSX, and the language of a page."""

import io

import pytest
from django.urls import reverse

from accounts.models import Role
from lansia import services

from .conftest import SESSION_DAY

pytestmark = pytest.mark.django_db


def _recorded(world):
    a, b = world.newcomer(), world.newcomer("Mbah Karsih")
    services.record_session(world.ctx(), world.post, SESSION_DAY, [
        services.Visit(a.pk, present=True, weight_kg=50, nutrition=True, lives_alone=True),
        services.Visit(b.pk)])
    return a, b


def test_a_user_of_another_kabupaten_gets_404_and_an_empty_list(world, client, make_user):
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "34.03", username="gk"))
    assert client.get(reverse("lansia:post", args=[world.post.pk])).status_code == 404
    page = client.get(reverse("lansia:index"))
    assert page.status_code == 200 and "Mawar" not in page.content.decode()


def test_a_role_without_permission_gets_403(world, client, make_user):
    client.force_login(make_user(Role.KEUANGAN, username="keu"))
    assert client.get(reverse("lansia:index")).status_code == 403
    assert client.get(reverse("lansia:report")).status_code == 403


def test_a_kader_sees_only_the_posts_they_serve(world, client, make_user):
    client.force_login(world.kader)
    page = client.get(reverse("lansia:index")).content.decode()
    assert "Mawar" in page and "Melati" not in page
    assert client.get(reverse("lansia:session", args=[world.post.pk])).status_code == 200
    assert client.get(reverse("lansia:post", args=[world.other_post.pk])).status_code == 404
    # A kader of the same village not assigned to the post sees nothing.
    client.force_login(make_user(Role.KADER_POSYANDU, world.post.village_id, username="k2"))
    assert client.get(reverse("lansia:post", args=[world.post.pk])).status_code == 404


def test_a_reader_cannot_record_a_session(world, client):
    client.force_login(world.pendamping)
    assert client.get(reverse("lansia:session", args=[world.post.pk])).status_code == 403


def test_the_kader_records_a_session_and_a_bad_value_is_named(world, client):
    a, _ = _recorded(world)
    client.force_login(world.kader)
    url = reverse("lansia:session", args=[world.post.pk]) + "?month=2026-07"
    bad = client.post(url, {"held_on": "2026-07-20", f"present-{a.pk}": "on",
                            f"systolic-{a.pk}": "400"})
    assert bad.status_code == 400
    assert "Masukkan nilai antara 60 dan 260." in bad.content.decode()


def test_the_report_totals_the_posts_and_exports_xlsx(world, client, make_user):
    _recorded(world)
    client.force_login(make_user(Role.OPERATOR_KABUPATEN, "32.01", username="bogor"))
    page = client.get(reverse("lansia:report"), {"year": 2026})
    total = page.context["total"]
    assert (total.members, total.present, total.nutrition, total.flags["lives_alone"]) == (
        2, 1, 1, 1)
    assert total.rate(7) == 50.0
    export = client.get(reverse("lansia:report"), {"year": 2026, "format": "xlsx"})
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(export.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[-1][0] == "Jumlah"  # members, present, screened, PMT
    assert rows[-1][3:7] == (2, 1, 1, 1)


def test_a_page_is_fully_in_one_language(world, client):
    client.force_login(world.operator)
    url = reverse("lansia:post", args=[world.post.pk])
    indonesian = client.get(url).content.decode()
    assert "Anggota" in indonesian and "Members" not in indonesian
    assert "Catat sesi bulan ini" in indonesian
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "Members" in english and "Anggota" not in english
