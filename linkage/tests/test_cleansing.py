from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import Event
from audit.services import Context
from linkage import cleansing, snapshots
from linkage.models import CleansingProposal, PipelineRun
from registry.models import Household, Member, StatusChange
from synth.generate import generate
from synth.load import load_registry

STATUS_SCHEMA = pa.schema([
    ("member_id", pa.int64()), ("status", pa.string()), ("differs_name", pa.bool_()),
    ("differs_birth_date", pa.bool_()), ("deceased", pa.bool_()), ("death_date", pa.date32()),
    ("moved", pa.bool_()), ("civil_village_code", pa.string()),
])


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "cibinong"
    generate("32.01.01", 60, 11, path)
    return path


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


class Case:
    """A loaded registry, its snapshot, and hand-made civil statuses and dedup clusters."""

    def __init__(self, root):
        self.root = root
        self.snapshot = snapshots.take_snapshot(progress=False)
        self.con = snapshots.connect(self.snapshot)
        ids = [m for (m,) in self.con.execute(
            "SELECT member_id FROM members m WHERE (SELECT count(*) FROM members x "
            "WHERE x.household_id = m.household_id) > 1 ORDER BY member_id").fetchall()]
        (self.deceased, self.dup_old, self.dup_padan, self.twin_a, self.twin_b, self.moved,
         self.no_nik, self.no_nik_candidate, self.unconfirmed) = ids[:9]
        self.household = self.con.execute(
            "SELECT household_id FROM members GROUP BY 1 HAVING count(*) = 2 "
            "ORDER BY 1 DESC LIMIT 1").fetchone()[0]
        self.household_members = [m for (m,) in self.con.execute(
            "SELECT member_id FROM members WHERE household_id = ? ORDER BY 1",
            [self.household]).fetchall()]
        self.matching, self.dedup, self.out = root / "matching", root / "dedup", root / "out"
        for d in (self.matching, self.dedup, self.out):
            d.mkdir()

    def write_inputs(self):
        everyone = [m for (m,) in self.con.execute("SELECT member_id FROM members").fetchall()]
        rows = {m: dict(member_id=m, status="padan", differs_name=False,
                        differs_birth_date=False, deceased=False, death_date=None,
                        moved=False, civil_village_code=None) for m in everyone}
        rows[self.deceased] |= dict(deceased=True, death_date=date(2025, 3, 1))
        rows[self.dup_old] |= dict(status="nik_not_found")
        rows[self.moved] |= dict(moved=True, civil_village_code="32.01.02.2001")
        rows[self.no_nik] |= dict(status="no_nik")
        rows[self.no_nik_candidate] |= dict(status="no_nik")
        rows[self.unconfirmed] |= dict(status="data_differs", differs_name=True,
                                       differs_birth_date=True, deceased=True,
                                       death_date=date(2020, 1, 1))
        for m in self.household_members:
            rows[m] |= dict(deceased=True, death_date=date(2024, 5, 5))
        pq.write_table(pa.Table.from_pylist(list(rows.values()), STATUS_SCHEMA),
                       self.matching / "civil_status.parquet")
        pq.write_table(pa.table({"member_id": [self.no_nik_candidate], "nik": ["3201010101900001"],
                                 "rank": [1]}), self.matching / "civil_candidates.parquet")
        pq.write_table(pa.table({
            "member_id": [self.dup_old, self.dup_padan, self.twin_a, self.twin_b],
            "cluster_id": [self.dup_old, self.dup_old, self.twin_a, self.twin_a]}),
            self.dedup / "clusters.parquet")

    def propose(self):
        self.write_inputs()
        return cleansing.propose(self.con, self.out, self.matching, self.dedup)

    def proposals(self, kind="member"):
        table = pq.read_table(self.out / cleansing.PROPOSALS_FILE).to_pylist()
        return {r["record_id"]: r["reason"] for r in table if r["kind"] == kind}

    def run(self):
        return PipelineRun.objects.create(
            name="r1", snapshot=self.snapshot, snapshot_checksum=self.snapshot.checksum,
            started_at=timezone.now())


@pytest.fixture
def case(db, synth_dir, var_dir, tmp_path):
    load_registry(synth_dir)
    return Case(tmp_path)


@pytest.fixture
def pusat(make_user):
    return make_user("pusat")


@pytest.mark.django_db
def test_proposals_name_the_reason_of_each_record(case):
    counts = case.propose()
    members = case.proposals()
    assert members[case.deceased] == "deceased"
    assert members[case.moved] == "moved"
    assert members[case.no_nik] == "no_valid_nik"
    assert case.no_nik_candidate not in members  # a candidate may still give it a NIK
    assert case.unconfirmed not in members  # NIK found but neither name nor birth date agree
    assert counts["member_deceased"] == 1 + len(case.household_members)


@pytest.mark.django_db
def test_duplicate_keeps_padan_record_then_the_oldest(case):
    """Duplicate: keep the best record of a cluster (padan NIK first, then most complete,
    then oldest id) and deactivate the others."""
    case.propose()
    members = case.proposals()
    assert members[case.dup_old] == "duplicate"  # older, but its NIK is not in the registry
    assert case.dup_padan not in members
    assert case.twin_a not in members and members[case.twin_b] == "duplicate"


@pytest.mark.django_db
def test_household_is_proposed_when_all_its_members_are(case):
    case.propose()
    assert case.proposals("household") == {case.household: "deceased"}


@pytest.fixture
def applied(case, pusat):
    case.propose()
    run = case.run()
    cleansing.load_proposals(run, case.out)
    cleansing.decide(Context(actor=pusat), run, accept=True)
    result = cleansing.apply(Context(actor=pusat), run)
    return run, result


@pytest.mark.django_db
def test_applying_deactivates_with_reason_status_change_and_audit_naming_the_run(case, applied):
    """Cleansing: decisions become registry status changes with reasons, each an audit event
    that names the run."""
    run, result = applied
    member = Member.objects.get(pk=case.deceased)
    assert (member.status, member.inactive_reason) == ("inactive", "deceased")
    assert Member.objects.get(pk=case.dup_old).inactive_reason == "duplicate"
    assert Member.objects.get(pk=case.dup_padan).status == "active"
    assert Household.objects.get(pk=case.household).inactive_reason == "deceased"
    change = StatusChange.objects.get(kind="member", record_id=case.deceased)
    assert (change.inactive_reason, change.source_ref) == ("deceased", "pipeline:r1")
    event = Event.objects.get(action="registry.member.status", object_id=str(case.deceased))
    assert (event.source, event.source_ref) == ("batch", "pipeline:r1")
    assert event.changes == {"status": ["active", "inactive"],
                             "inactive_reason": ["", "deceased"]}
    assert result["members"] == CleansingProposal.objects.filter(kind="member").count()


@pytest.mark.django_db
def test_no_record_is_deactivated_without_a_reason_and_a_run(case, applied):
    run, _ = applied
    inactive = list(Member.objects.filter(status="inactive").values_list("id", flat=True))
    inactive += list(Household.objects.filter(status="inactive").values_list("id", flat=True))
    changes = StatusChange.objects.filter(status="inactive", source_ref=run.source_ref)
    assert changes.count() == len(inactive) > 0
    assert not changes.filter(inactive_reason="").exists()
    events = Event.objects.filter(action__endswith=".status", source_ref=run.source_ref)
    assert events.count() == len(inactive)
    with pytest.raises(IntegrityError), transaction.atomic():
        CleansingProposal.objects.create(run=run, kind="member", record_id=1,
                                         region_code="32.01.01.1001", reason="")


@pytest.mark.django_db
def test_only_accepted_proposals_are_applied(case, pusat):
    case.propose()
    run = case.run()
    cleansing.load_proposals(run, case.out)
    cleansing.decide(Context(actor=pusat), run, accept=True, reasons=["moved"])
    cleansing.decide(Context(actor=pusat), run, accept=False, reasons=["duplicate"])
    result = cleansing.apply(Context(actor=pusat), run)
    assert result["members"] == 1
    assert Member.objects.get(pk=case.moved).inactive_reason == "moved"
    assert Member.objects.get(pk=case.dup_old).status == "active"
    assert Member.objects.filter(status="inactive").count() == 1


@pytest.mark.django_db
def test_revert_restores_previous_status_and_is_audited(case, applied, pusat):
    run, _ = applied
    result = cleansing.revert(Context(actor=pusat), run)
    assert not Member.objects.filter(status="inactive").exists()
    assert not Household.objects.filter(status="inactive").exists()
    assert result["members"] == CleansingProposal.objects.filter(kind="member").count()
    events = Event.objects.filter(object_id=str(case.deceased), action="registry.member.status")
    assert [e.changes["status"] for e in events.order_by("id")] == [
        ["active", "inactive"], ["inactive", "active"]]
    assert set(CleansingProposal.objects.values_list("state", flat=True)) == {"reverted"}


@pytest.mark.django_db
def test_household_takes_its_other_members_along_and_brings_them_back(case, pusat):
    """As registry.services.change_status: deactivating a household deactivates its active
    members with the same reason; activating it brings back the members that went with it."""
    case.propose()
    run = case.run()
    cleansing.load_proposals(run, case.out)
    spared = case.household_members[0]
    CleansingProposal.objects.filter(kind="member", record_id=spared).update(state="rejected")
    cleansing.decide(Context(actor=pusat), run, accept=True)
    result = cleansing.apply(Context(actor=pusat), run)
    member = Member.objects.get(pk=spared)
    assert (member.status, member.inactive_reason) == ("inactive", "deceased")
    assert StatusChange.objects.get(kind="member", record_id=spared).with_household
    assert result["members_with_household"] == 1
    cleansing.revert(Context(actor=pusat), run)
    assert Member.objects.get(pk=spared).status == "active"


@pytest.mark.django_db
def test_record_changed_since_the_snapshot_is_left_alone(case, pusat):
    case.propose()
    run = case.run()
    cleansing.load_proposals(run, case.out)
    Member.objects.filter(pk=case.moved).update(status="inactive", inactive_reason="not_found")
    cleansing.decide(Context(actor=pusat), run, accept=True)
    result = cleansing.apply(Context(actor=pusat), run)
    assert result["skipped"] == 1
    assert Member.objects.get(pk=case.moved).inactive_reason == "not_found"
    assert CleansingProposal.objects.get(record_id=case.moved).state == "skipped"


@pytest.mark.django_db
def test_only_national_roles_cleanse_and_others_see_their_region(case, make_user):
    case.propose()
    run = case.run()
    cleansing.load_proposals(run, case.out)
    provinsi = make_user("dinsos_provinsi", "32")
    with pytest.raises(PermissionDenied):
        cleansing.decide(Context(actor=provinsi), run, accept=True)
    with pytest.raises(PermissionDenied):
        cleansing.apply(Context(actor=provinsi), run)
    assert cleansing.proposals_for(provinsi, run).count() == run.proposals.count()
    yogya = make_user("dinsos_provinsi", "34")
    assert cleansing.proposals_for(yogya, run).count() == 0
