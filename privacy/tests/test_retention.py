"""Retention (UU 27/2022: processing ends and personal data is deleted or anonymised when its
retention ends): the policy per record kind is data (privacy/retention.json); the report counts
what is past it; applying a confirmed report anonymises or deletes in one transaction, every
record's change audited; the audit log itself is never deleted."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from audit.models import Event
from audit.services import Context
from civil.models import CivilCandidate
from conftest import VILLAGE_A
from privacy import retention, services
from privacy.models import Anonymised, RetentionRun, SubjectRequest
from programs.models import ListEntry, ReferenceList
from registration import services as registration
from registration.models import Kind, Proposal, ProposalNik
from registry import services as registry_services
from registry.models import Family, Household, StatusChange

from .conftest import NIK

pytestmark = pytest.mark.django_db
YEAR = timedelta(days=365)


def admin() -> User:
    return User.objects.get(role=Role.ADMINISTRATOR)


def deactivate(household: Household, ago: timedelta) -> None:
    """Deactivate a household (its members go with it) through the registry, then date the
    status changes `ago` in the past."""
    registry_services.change_status(Context(actor=admin()), household, "inactive", "moved")
    members = list(household.members.values_list("pk", flat=True))
    changes = (StatusChange.objects.filter(kind="household", record_id=household.pk)
               | StatusChange.objects.filter(kind="member", record_id__in=members))
    changes.update(at=timezone.now() - ago)


def counts(report: dict) -> dict[str, int]:
    return {k["kind"]: k["count"] for k in report["kinds"]}


@pytest.fixture
def old_member(person):
    """The person's household and member, inactive for 11 years (past the 10 of the policy)."""
    household, member = person
    CivilCandidate.objects.create(member=member, run_ref="t", rank=1, nik="3201011208850099",
                                  name="Budi Santosa", match_weight=9.0, match_probability=0.9)
    deactivate(household, 11 * YEAR)
    return household, member


def test_the_policy_is_data_with_period_action_and_legal_basis():
    loaded = retention.load_policy()
    member = next(r for r in loaded.rules if r.kind == "registry.member")
    assert (member.years, member.action) == (10, "anonymise")
    assert "UU 27/2022" in member.legal_basis["id"]
    assert {r.kind for r in loaded.rules} == set(retention.KINDS)


def test_a_wrong_policy_row_is_refused_naming_the_row_and_field(tmp_path):
    rows = json.loads(retention.POLICY_PATH.read_text())
    rows["kinds"][1]["action"] = "delete"  # households can only be anonymised
    path = tmp_path / "retention.json"
    path.write_text(json.dumps(rows))
    with pytest.raises(retention.PolicyError) as error:
        retention.load_policy(path)
    assert str(error.value) == ("Kebijakan retensi baris 2, isian action: registry.household "
                                "hanya dapat anonymise.")


def test_the_report_counts_what_is_past_retention_per_kind(old_member, make_household):
    recent = make_household(VILLAGE_A, nik="3201014502900001", kk="3201010101200002")
    deactivate(recent, 2 * YEAR)  # inactive, but within its 10 years
    make_household(VILLAGE_A, nik="3201014502900002", kk="3201010101200003")  # active
    report = retention.retention_report()
    assert counts(report)["registry.member"] == 1
    assert counts(report)["registry.household"] == 1
    assert report["total"] == 2
    assert report["policy_checksum"] == retention.load_policy().checksum


def test_applying_anonymises_the_member_with_an_audit_event_per_record(officer, old_member):
    household, member = old_member
    events_before = Event.objects.count()
    result = retention.apply_retention(retention.retention_report(), officer)
    assert result["applied"]["registry.member"] == 1
    member.refresh_from_db()
    assert (member.nik, member.name, member.birth_date, member.birth_place) == ("", "", None,
                                                                              "")
    assert member.sex == "L" and member.status == "inactive"  # statistics still hold
    assert not CivilCandidate.objects.filter(member=member).exists()
    event = Event.objects.get(action="privacy.retention.anonymise",
                              object_type="registry.member", object_id=str(member.pk))
    assert event.actor == officer and event.source == "batch"
    assert event.source_ref == f"privacy.retention:{result['run']}"
    assert NIK not in json.dumps(event.changes) and "Budi" not in json.dumps(event.changes)
    # The audit log is append-only: nothing was removed from it.
    assert Event.objects.count() > events_before
    assert Event.objects.filter(action="registry.household.create").exists()


def test_applying_anonymises_the_households_address_and_kk(officer, old_member):
    household, _member = old_member
    retention.apply_retention(retention.retention_report(), officer)
    household.refresh_from_db()
    assert (household.address, household.rt, household.rw) == ("", "", "")
    assert list(Family.objects.filter(household=household).values_list("kk_number", flat=True)
                ) == [""]


def test_what_was_applied_is_not_counted_again(officer, old_member):
    retention.apply_retention(retention.retention_report(), officer)
    assert retention.retention_report()["total"] == 0
    assert set(Anonymised.objects.values_list("kind", flat=True)) == {
        "registry.member", "registry.household"}
    run = RetentionRun.objects.get()
    assert run.confirmed_by == officer and run.applied["registry.member"] == 1


def test_a_withdrawn_proposal_is_anonymised_after_two_years(officer, person, make_user):
    operator = make_user(Role.OPERATOR_DESA, VILLAGE_A)
    payload = {"address": "Kp. Sukamaju", "rt": "001", "rw": "003", "families": [
        {"kk_number": "3201010202210001", "members": [{
            "nik": "3201010403900101", "name": "Siti Aminah", "sex": "P",
            "birth_date": "1990-03-04", "relation_to_household_head": 1,
            "relation_to_family_head": 1, "family_order": 1, "marital_status": 2}]}]}
    proposal = registration.propose(Context(actor=operator), Kind.NEW_HOUSEHOLD,
                                    "self_registration", VILLAGE_A, payload)
    registration.withdraw(Context(actor=operator), proposal, "Pindah ke luar daerah.")
    Proposal.objects.filter(pk=proposal.pk).update(status_since=timezone.now() - 3 * YEAR)
    assert counts(retention.retention_report())["registration.proposal"] == 1
    retention.apply_retention(retention.retention_report(), officer)
    proposal.refresh_from_db()
    person_entry = proposal.payload["families"][0]["members"][0]
    assert (person_entry["nik"], person_entry["name"], person_entry["birth_date"]) == ("", "", "")
    assert person_entry["sex"] == "P" and proposal.payload["address"] == ""
    assert not ProposalNik.objects.filter(proposal=proposal).exists()


def reference_list(kind: str, ago: timedelta, checksum: str) -> ReferenceList:
    listed = ReferenceList.objects.create(kind=kind, source_name=f"{checksum}.csv",
                                          checksum=checksum, rows=1)
    ReferenceList.objects.filter(pk=listed.pk).update(imported_at=timezone.now() - ago)
    ListEntry.objects.create(reference_list=listed, nik=NIK, name="Budi Santoso",
                             detail="Dinas X")
    return listed


def test_entries_of_a_list_superseded_over_a_year_ago_are_deleted(officer, db):
    old = reference_list("asn", 3 * YEAR, "a")
    replaced_soon = reference_list("asn", 2 * YEAR, "b")  # replaced 2 years ago by the newest
    newest = reference_list("asn", timedelta(days=20), "c")  # in force
    report = retention.retention_report()
    assert counts(report)["programs.list_entry"] == 1  # only `old`: superseded 2 years ago
    retention.apply_retention(report, officer)
    assert not ListEntry.objects.filter(reference_list=old).exists()
    assert ListEntry.objects.filter(reference_list__in=[replaced_soon, newest]).count() == 2
    assert ReferenceList.objects.filter(pk=old.pk).exists()  # the header and its checksum stay
    assert Event.objects.filter(action="privacy.retention.delete",
                                object_type="programs.referencelist",
                                object_id=str(old.pk)).exists()


def test_a_handed_over_copy_is_deleted_after_30_days_its_checksum_kept(officer, person,
                                                                       receive):
    request = services.produce_bundle(Context(actor=officer), receive())
    SubjectRequest.objects.filter(pk=request.pk).update(
        bundle_produced_at=timezone.now() - timedelta(days=31))
    retention.apply_retention(retention.retention_report(), officer)
    request.refresh_from_db()
    assert request.bundle is None and len(request.bundle_sha256) == 64


def test_applying_is_one_transaction(officer, old_member, monkeypatch):
    """A failure in a later kind leaves the earlier ones untouched."""
    _household, member = old_member

    def broken(qs, step):
        raise RuntimeError("disk full")

    kinds = dict(retention.KINDS)
    kinds["privacy.bundle"] = retention.RecordKind(retention._bundles, {"delete": broken})
    monkeypatch.setattr(retention, "KINDS", kinds)
    with pytest.raises(RuntimeError):
        retention.apply_retention(retention.retention_report(), officer)
    member.refresh_from_db()
    assert member.nik == NIK
    assert not RetentionRun.objects.exists() and not Anonymised.objects.exists()
    assert not Event.objects.filter(action__startswith="privacy.retention").exists()


def test_a_stale_or_foreign_report_is_refused(officer, old_member):
    report = retention.retention_report(as_of=timezone.now() - timedelta(days=2))
    with pytest.raises(retention.PolicyError, match="lebih dari sehari"):
        retention.apply_retention(report, officer)
    fresh = retention.retention_report() | {"policy_checksum": "0" * 64}
    with pytest.raises(retention.PolicyError, match="berubah"):
        retention.apply_retention(fresh, officer)
    # The cutoffs are never taken from the report.
    forged = retention.retention_report()
    forged["kinds"][0]["cutoff"] = timezone.now().isoformat()
    assert retention.apply_retention(forged, officer)["applied"]["registry.member"] == 1


def test_only_the_officer_applies_retention(make_user, old_member):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        retention.apply_retention(retention.retention_report(), make_user(Role.PUSAT))


def test_progress_is_reported_step_by_step(officer, old_member):
    seen = []
    report = retention.retention_report(progress=lambda *a: seen.append(a))
    assert seen[0] == ("registry.member", 0, 5) and seen[-1] == ("done", 5, 5)
    steps = []
    retention.apply_retention(report, officer, progress=lambda *a: steps.append(a))
    assert ("registry.member", 1, 1) in steps


def test_the_retention_page_shows_the_report_and_applies_only_when_confirmed(client, officer,
                                                                             old_member,
                                                                             run_jobs):
    _household, member = old_member
    client.force_login(officer)
    assert 'id="no-report"' in client.get(reverse("privacy:retention")).content.decode()
    started = client.post(reverse("privacy:retention"), {"make_report": "1"})
    assert started.status_code == 302 and "/pekerjaan/" in started.url
    assert run_jobs() == 1  # counted in the worker
    page = client.get(reverse("privacy:retention"))
    html = page.content.decode()
    assert 'data-kind="registry.member"' in html and 'data-count="1"' in html
    assert "Anggota rumah tangga nonaktif" in html and "10 tahun" in html
    form = page.context["form"]
    data = {"as_of": form.initial["as_of"], "checksum": form.initial["checksum"]}
    client.post(reverse("privacy:retention"), data)  # not confirmed
    member.refresh_from_db()
    assert member.nik == NIK
    response = client.post(reverse("privacy:retention"), data | {"confirm": "on"})
    assert response.status_code == 302 and "/pekerjaan/" in response.url
    member.refresh_from_db()
    assert member.nik == NIK  # applied in the job worker, not in the request
    assert run_jobs() == 1
    member.refresh_from_db()
    assert member.nik == ""
    run = RetentionRun.objects.get()
    assert run.confirmed_by == officer
    job_page = client.get(response.url).content.decode()
    assert f"Retensi diterapkan: {sum(run.applied.values())} rekaman" in job_page
