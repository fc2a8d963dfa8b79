"""Bahasa Indonesia by default, English when the user picks it; the API follows Accept-Language."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_web_ui_speaks_indonesian_even_to_an_english_browser(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "id"
    assert '<html lang="id"' in response.content.decode()


@pytest.mark.django_db
def test_the_language_switcher_turns_the_ui_to_english(client):
    client.post(reverse("set_language"), {"language": "en"})
    assert client.get(reverse("login"))["Content-Language"] == "en"


@pytest.mark.django_db
def test_api_follows_accept_language(client):
    response = client.get("/api/openapi.json", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"
    assert client.get("/api/openapi.json")["Content-Language"] == "id"
