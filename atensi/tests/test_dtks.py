"""Article 43: DTKS is the source of ATENSI recipients; a person outside it is served and
reported to the Dinas Sosial to be proposed."""

from datetime import date

import pytest

from atensi.models import DtksReportStatus
from atensi.tests.conftest import nik
from registration.models import Proposal, ProposalSource, ProposalStatus

pytestmark = pytest.mark.django_db


def test_a_client_outside_dtks_is_served_and_proposed(world):
    """Pasal 43 (2): "Dalam hal penerima layanan ATENSI tidak terdapat dalam data terpadu
    kesejahteraan sosial ..., layanan tetap dapat diberikan dengan ketentuan penerima layanan
    ATENSI harus segera dilaporkan ke dinas sosial daerah provinsi, dinas sosial daerah
    kabupaten/kota, atau Kementerian Sosial untuk diusulkan masuk ke dalam data terpadu
    kesejahteraan sosial." """
    person = world.person(nik=nik(501), kk_number="3201010505120001", marital_status=1)
    case = world.case(person, usulan_person=person)
    assert case.status == "open"  # the service goes ahead
    report = case.dtks_report
    assert report.status == DtksReportStatus.PROPOSED
    proposal = Proposal.objects.get(pk=report.proposal_id)
    assert proposal.source == ProposalSource.ATENSI
    assert proposal.kind == "new_household"
    assert proposal.status == ProposalStatus.SUBMITTED
    assert proposal.payload["families"][0]["members"][0]["nik"] == nik(501)


def test_a_member_of_a_known_kk_is_proposed_as_an_added_member(world, make_household):
    make_household(kk="3201010101200001")
    person = world.person(nik=nik(502), kk_number="3201010101200001", marital_status=1)
    case = world.case(person, usulan_person=person)
    proposal = Proposal.objects.get(pk=case.dtks_report.proposal_id)
    assert proposal.kind == "add_member"


def test_without_nik_the_report_asks_the_dinas_sosial_to_complete(world):
    case = world.case(world.person())
    report = case.dtks_report
    assert report.status == DtksReportStatus.NEEDS_DATA and report.proposal is None
    assert "nik" in report.problems


def test_a_client_in_dtks_is_linked_and_not_reported(world, make_household):
    household = make_household(nik="3201011208850003")
    person = world.person(
        name="Budi Santoso", sex="L", nik="3201011208850003", birth_date=date(1985, 8, 12)
    )
    case = world.case(person, pas_group="fakir_miskin", clusters=["other_ppks"])
    assert case.client.member.household_id == household.pk
    assert not hasattr(case, "dtks_report") or case.dtks_report is None
