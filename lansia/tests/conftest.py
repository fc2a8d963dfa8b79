"""A small Posyandu Lansia world in Cibinong (32.01.01): a post in village A with its kader,
a PKH family with an elderly member (built as the PKH tests build families), an elder outside
DTKS, an LKS serving the elderly with its pekerja sosial, and the village operators."""

from datetime import date

import pytest

from accounts.models import Role
from audit.services import Context
from conftest import VILLAGE_A, VILLAGE_B
from lansia import services
from pkh.tests.conftest import Builder
from providers.models import Kind, Provider
from workforce.models import Assignment, Worker, WorkerKind

SESSION_DAY = date(2026, 7, 14)


class World:
    def __init__(self, make_user):
        self.operator = make_user(Role.OPERATOR_DESA, VILLAGE_A, username="op-desa")
        self.kader = make_user(Role.KADER_POSYANDU, VILLAGE_A, username="kader")
        self.kader_worker = Worker.objects.create(user=self.kader, name="Sri Kader",
                                                  kind=WorkerKind.RELAWAN_SOSIAL,
                                                  region_id=VILLAGE_A)
        self.lks = Provider.objects.create(name="LKS Wreda Asih", kind=Kind.LKS,
                                           region_id="32.01", community_based=True)
        self.peksos = make_user(Role.PEKERJA_SOSIAL, "32.01", username="peksos")
        worker = Worker.objects.create(user=self.peksos, name="Peksos",
                                       kind=WorkerKind.PEKERJA_SOSIAL, region_id="32.01")
        Assignment.objects.create(worker=worker, provider=self.lks, start_date=date(2020, 1, 1))
        self.pendamping = make_user(Role.PENDAMPING, VILLAGE_A[:8], username="pendamping")
        self.post = services.create_post(Context(actor=self.operator), VILLAGE_A, "2",
                                         "Posyandu Lansia Mawar", self.lks)
        self.other_post = services.create_post(
            Context(actor=make_user(Role.OPERATOR_DESA, VILLAGE_B, username="op-b")),
            VILLAGE_B, "1", "Posyandu Lansia Melati")
        services.assign_volunteer(Context(actor=self.operator), self.post, self.kader_worker)
        self.build = Builder(make_user(Role.ADMINISTRATOR, username="admin-builder"))
        self.family = self.build.family("elder")

    def ctx(self, user=None) -> Context:
        return Context(actor=user or self.kader)

    def elder(self):
        """The PKH family's elderly member registered from DTKS."""
        return services.register_member(self.ctx(), self.post,
                                        person_id=self.family.members["elder"].pk,
                                        on=SESSION_DAY)

    def newcomer(self, name="Mbah Sastro", born=date(1948, 3, 1)):
        return services.register_member(self.ctx(), self.post, new=services.NewPerson(
            name, born, "L", address="RT 01 RW 02"), on=SESSION_DAY)


@pytest.fixture
def world(make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return World(make_user)
