"""Logs carry no personal data: a searched NIK, KK or name never reaches a log line."""

import logging

from base.logging import redact


def test_request_line_with_a_searched_name_and_nik_is_redacted():
    line = '"GET /registry/?q=Siti+Aminah&status=active HTTP/1.1" 200 5120'
    assert redact(line) == '"GET /registry/?q=[redacted]&status=active HTTP/1.1" 200 5120'
    assert "3201011208850003" not in redact("lookup 3201011208850003 failed")


def test_search_inside_a_login_redirect_is_redacted():
    line = "GET /accounts/login/?next=/registry/%3Fq%3DSiti%2BAminah%26status%3Dactive"
    assert redact(line) == (
        "GET /accounts/login/?next=/registry/%3Fq%3D[redacted]%26status%3Dactive"
    )


def test_redaction_is_applied_by_the_configured_handlers(caplog):
    logger = logging.getLogger("django.server")
    handler_filters = [f for h in logger.handlers for f in h.filters]
    assert handler_filters, "django.server must log through the redacting handler"
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s',
        ("GET /registry/?q=3201011208850003 HTTP/1.1", 200),
        None,
    )
    for f in handler_filters:
        f.filter(record)
    assert record.getMessage() == '"GET /registry/?q=[redacted] HTTP/1.1" 200'
