"""Deduplication models and the pairs waiting for (or decided by) clerical review."""

from django.db import models  # noqa: F401

__all__: list[str] = []
