"""Reports: compliance by component, cuts and their amounts by region, graduations by kind."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pkh import services
from pkh.selectors import compliance_by_component, cuts_report, graduations_report

from .conftest import ctx
from .test_commitments import attendance

pytestmark = pytest.mark.django_db


def test_compliance_cuts_and_graduations_by_region(build, officers):
    a, b = build.family("pupil_sd", "pupil_sd"), build.family("pupil_sd")
    build.frozen_run("2026-T2", [a, b], ["sd:2,", "sd:1,"])
    pupils = [m for m in a.household.members.all() if m.school_participation == 1]
    for member, present in zip(pupils, (30, 50), strict=True):
        a.members["pupil_sd"] = member
        attendance(a, "pupil_sd", present)
    attendance(b, "pupil_sd", 30)
    services.verify_stage(ctx(officers["program"]), 2026, 2)
    assert compliance_by_component(2026, 2, "32.01") == [
        {"component": "sd", "met": 1, "violated": 2, "not_verified": 0, "rate": 33.3}]
    # SD index 900,000 a year: 225,000 a stage per child cut.
    assert cuts_report(2026, 3) == [{"region": "32.01", "component": "sd", "families": 2,
                                     "members": 2, "amount": 450_000}]
    services.graduate_mandiri(ctx(officers["pendamping"]), b.household,
                              SimpleUploadedFile("pernyataan.pdf", b"signed"), date(2026, 6, 1))
    assert graduations_report("32") == [{"region": "32.01", "kind": "mandiri", "families": 1}]


def test_years_in_program_by_region(build, officers, client):
    """Issue 15, item 7: reports of "years in program"; the six-year review (seed 003: the
    program was designed for families to leave it within six years) counts within the
    region."""
    from pkh.selectors import due_for_review, years_report

    old, new = build.family("pupil_sd"), build.family("pupil_sd")
    build.frozen_run("2019-T1", [old], ["sd:1,"])
    build.frozen_run("2026-T1", [old, new], ["sd:1,", "sd:1,"])
    on = date(2026, 3, 1)
    assert years_report(on, "32.01") == [{"years": 0, "families": 1},
                                         {"years": 7, "families": 1}]
    assert years_report(on, "32.02") == []
    assert due_for_review(on, "32.01") == [old.household.pk]
    assert due_for_review(on, "32.02") == []
    client.force_login(officers["dinsos"])
    from django.urls import reverse

    page = client.get(reverse("pkh:reports"))
    assert page.status_code == 200 and "years" in page.context
