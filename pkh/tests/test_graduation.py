"""Graduation of each kind ends the family's PKH payments with the reason and date; families
six or more years in PKH are flagged; P2K2 sessions record attendance per group."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from civil.models import MemberMatch
from pkh import services
from pkh.models import Graduation, P2k2Attendance
from pkh.selectors import due_for_review, stage_cuts

from .conftest import ctx

pytestmark = pytest.mark.django_db
SIGNED = SimpleUploadedFile("pernyataan.pdf", b"%PDF-1.4 signed", "application/pdf")


def test_alamiah_when_no_member_holds_a_component_and_tidak_padan_from_dukcapil(build,
                                                                               officers):
    """FACTS.md: "Graduation: mandiri (now able / self-exit), alamiah (no components left),
    paksa (...), or data not padan"."""
    no_component, pupil, not_padan = build.family(), build.family("pupil_sd"), \
        build.family("pupil_sd")
    MemberMatch.objects.filter(member=not_padan.head).update(status="nik_not_found")
    build.frozen_run("2026-T3", [no_component, pupil, not_padan], ["sd:1,"] * 3)
    counts = services.graduate_computed(ctx(officers["program"]), date(2026, 7, 1), 2026, 3)
    assert counts == {"alamiah": 1, "tidak_padan": 1}
    kinds = dict(Graduation.objects.values_list("household_id", "kind"))
    assert kinds == {no_component.household.pk: "alamiah", not_padan.household.pk:
                     "tidak_padan"}
    # Each ends the family's PKH: no stage starting on or after the date pays it.
    cuts = stage_cuts("pkh", "2026", 3)
    assert set(cuts) == set(kinds) and all(c.family for c in cuts.values())
    assert stage_cuts("pkh", "2026", 2) == {}


def test_mandiri_needs_the_signed_statement(build, officers):
    f = build.family("pupil_sd")
    with pytest.raises(services.PkhError, match="signed statement"):
        services.graduate_mandiri(ctx(officers["pendamping"]), f.household, None,
                                  date(2026, 8, 1))
    g = services.graduate_mandiri(ctx(officers["pendamping"]), f.household, SIGNED,
                                  date(2026, 8, 1))
    assert (g.kind, g.on, bool(g.document)) == ("mandiri", date(2026, 8, 1), True)
    assert "mampu" in g.reason
    with pytest.raises(services.PkhError, match="already graduated"):
        services.graduate_mandiri(ctx(officers["pendamping"]), f.household, SIGNED,
                                  date(2026, 9, 1))
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds the rule
        Graduation.objects.create(household=build.family().household, village_code="x",
                                  kind="mandiri", reason="x", on=date(2026, 8, 1))


def test_paksa_by_the_village_meeting_with_its_berita_acara(build, officers):
    """Issue 15: "paksa (... the village meeting certifies the family "mampu" with a signed
    Berita Acara)"."""
    f = build.family("pupil_sd")
    with pytest.raises(services.PkhError, match="Berita Acara"):
        services.graduate_by_musdes(ctx(officers["dinsos"]), f.household, None,
                                    date(2026, 6, 20), date(2026, 7, 1))
    ba = SimpleUploadedFile("berita-acara-musdes.pdf", b"%PDF-1.4 BA", "application/pdf")
    g = services.graduate_by_musdes(ctx(officers["dinsos"]), f.household, ba,
                                    date(2026, 6, 20), date(2026, 7, 1))
    assert (g.kind, g.musdes_date) == ("paksa", date(2026, 6, 20))
    assert stage_cuts("pkh", "2026", 3)[f.household.pk].family


def test_families_six_or_more_years_in_pkh_are_flagged_for_review(build, officers):
    """Seed 003: "jangka waktu program itu 6 tahun" (Bappenas 2007 guideline)."""
    old, new = build.family("pupil_sd"), build.family("pupil_sd")
    build.frozen_run("2019-T1", [old], ["sd:1,"])
    build.frozen_run("2026-T1", [old, new], ["sd:1,", "sd:1,"])
    assert due_for_review(date(2026, 7, 1)) == [old.household.pk]
    assert due_for_review(date(2024, 7, 1)) == []


def test_p2k2_monthly_session_records_each_family_of_the_group(build, officers, make_user):
    a, b = build.family(), build.family()
    group = services.create_group(ctx(officers["pendamping"]), "Kelompok Melati",
                                  officers["pendamping"], a.household.village_id,
                                  [a.household, b.household])
    session = services.record_session(ctx(officers["pendamping"]), group, date(2026, 5, 14),
                                      "Modul Kesehatan", {a.household.pk})
    assert dict(P2k2Attendance.objects.filter(session=session).values_list(
        "household_id", "present")) == {a.household.pk: True, b.household.pk: False}
    again = services.record_session(ctx(officers["pendamping"]), group, date(2026, 5, 20),
                                    "Modul Kesehatan", {a.household.pk, b.household.pk})
    assert again.pk == session.pk and P2k2Attendance.objects.filter(present=True).count() == 2
    other = make_user("pendamping", a.household.village_id[:8], username="pendamping2")
    with pytest.raises(services.PkhError, match="this group's pendamping"):
        services.record_session(ctx(other), group, date(2026, 6, 1), "Modul", set())


def test_a_graduation_ends_the_pkh_enrollment_in_the_next_kpm_list(build, officers):
    """Issue 15: each graduation "ends the family's enrollment with the reason and date": the
    next PKH enrollment run reads the graduations in force on its first day
    (programs/exits.py) and lists the family as exited with the graduation's reason."""
    from programs import exits, wording

    f, other = build.family("pupil_sd"), build.family("pupil_sd")
    services.graduate_mandiri(ctx(officers["pendamping"]), f.household, SIGNED,
                              date(2026, 8, 1))
    assert exits.exits_on("pkh", date(2026, 7, 31)) == {}
    assert exits.exits_on("pkh", date(2026, 10, 1)) == {f.household.pk:
                                                         "pkh_graduation_mandiri"}
    assert other.household.pk not in exits.exits_on("pkh", date(2027, 1, 1))
    assert wording.reason_text({}, "pkh_graduation_mandiri") == \
        "Keluar dari PKH: graduasi mandiri"
    assert wording.reason_text({}, "pkh_graduation_mandiri", "en") == \
        "Left PKH: Self-reliant (signed statement)"
