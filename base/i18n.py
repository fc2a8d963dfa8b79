"""The language content is built in: instrument labels, NIK messages and other texts that the
data carries in both Indonesian and English follow the language activated for the request."""

from django.utils.translation import get_language


def content_language() -> str:
    """'en' when English is active, else 'id' (Bahasa Indonesia, the default)."""
    return "en" if (get_language() or "id").startswith("en") else "id"
