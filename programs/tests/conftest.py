"""Fixtures shared by the programs tests: a var dir of their own (snapshots, run outputs,
uploads) and households already assessed by the data-quality pipeline."""

import pytest
from django.utils import timezone

from civil.models import MemberMatch
from ranking.models import HouseholdScore
from ranking.services import current_model

NIKS = ["3201011208850003", "3201011308850004", "3201011408850005"]


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


@pytest.fixture
def assessed_households(db, make_household):
    """make(villages) -> households, one per village, each head matched (padan) with Dukcapil
    and the household scored with desil 1, 2, 3... in that order (poorest first)."""

    def make(villages: list[str]) -> list:
        model = current_model()
        households = []
        for i, (nik, village) in enumerate(zip(NIKS, villages, strict=False)):
            household = make_household(village, nik=nik, kk=f"320101010120000{i + 1}")
            MemberMatch.objects.create(member=household.members.get(), run_ref="t",
                                       status="padan", matched_at=timezone.now())
            HouseholdScore.objects.create(household=household, model=model, run_ref="t",
                                          province="32", score=10.0 + i, desil_national=i + 1,
                                          desil_province=i + 1, scored_at=timezone.now())
            households.append(household)
        return households

    return make
