"""Complainants and the offices that answer them in Bogor (32.01)."""

import pytest

from conftest import VILLAGE_A
from grievance import services


def complaint_data(**extra) -> dict:
    return {
        "submitter_name": "Sari Wulandari",
        "submitter_phone": "0812 3456 7890",
        "description": "Bantuan Sembako bulan ini belum masuk ke kartu.",
        "village_code": VILLAGE_A,
        "category": "not_receiving",
        "subject_name": "Wahyuni Lestari",
        "subject_nik": "3201014506800002",
    } | extra


@pytest.fixture
def complaint(db):
    def make(kind: str = "complaint", **extra):
        return services.submit_public(kind, complaint_data(**extra))

    return make


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    """Photos and uploaded import files go to the test's own folder, not the project's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
