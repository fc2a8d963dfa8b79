"""Keeps personal data out of the logs (UU 27/2022): request lines and messages may carry a
searched NIK, KK or name in a query string; they are redacted before any handler writes them."""

import json
import logging
import re

# Also in URL-encoded form, as inside the `next` parameter of a login redirect.
SEARCH_VALUE = re.compile(
    r"((?:[?&]|%3F|%26)(?:q|nik|kk|name)(?:=|%3D))(?:(?!%26)[^&\s\"'])*", re.IGNORECASE
)
SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")


def redact(text: str) -> str:
    return SIXTEEN_DIGITS.sub("[16-digit id]", SEARCH_VALUE.sub(r"\1[redacted]", text))


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


class JsonLines(logging.Formatter):
    """One JSON object a line (LOG_FORMAT=json), for log collectors; the message and any
    traceback are redacted like every other line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        if record.exc_info:
            entry["traceback"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class RedactedText(logging.Formatter):
    """The plain format, with tracebacks redacted too (an exception's text may quote a NIK)."""

    def formatException(self, ei) -> str:  # noqa: N802 (logging's name)
        return redact(super().formatException(ei))


# The formatters of Django's LOGGING and of gunicorn's logconfig_dict (LOG_FORMAT picks one).
FORMATTERS = {
    "text": {"()": "base.logging.RedactedText",
             "format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    "json": {"()": "base.logging.JsonLines"},
}


def console_logging(log_format: str) -> dict:
    """The part of a dictConfig Django and gunicorn share: one redacting console handler, in
    `log_format` ("text", or "json": one JSON object a line)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact": {"()": "base.logging.RedactPersonalData"}},
        "formatters": FORMATTERS,
        "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"],
                                 "formatter": log_format}},
    }
