"""The intake offers as supervisor only who may sign the stages off (article 19(3): a pekerja
sosial holding a valid supervision certificate, at the provider), and says plainly when nobody
can: a worker whose certificate expired is not offered, not even themselves."""

from datetime import date

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from atensi.forms import IntakeForm
from atensi.models import Case, Intake
from conftest import VILLAGE_A
from providers.models import Kind, Provider
from workforce.models import Certificate, Worker

pytestmark = pytest.mark.django_db


def web(user) -> WebClient:
    client = WebClient()
    client.force_login(user)
    return client


@pytest.fixture
def uptd(world):
    """A UPTD whose only pekerja sosial holds a supervision certificate that has expired."""
    provider = Provider.objects.create(name="UPTD Rehabilitasi Sosial", kind=Kind.UPTD_PROVINSI,
                                       region_id="32.01")
    user = world.staff("peksos-uptd", provider)
    Certificate.objects.create(worker=Worker.objects.get(user=user), number="CERT-OLD",
                               issued_on=date(2019, 1, 1), valid_until=date(2024, 1, 1),
                               supervision=True)
    return provider, user


def test_only_workers_with_a_valid_supervision_certificate_at_the_provider_are_offered(world):
    offered = list(IntakeForm(user=world.worker).fields["supervisor"].queryset)
    # Not the worker without a certificate, not the one certified without supervision
    # competency, not the supervisor of another LKS.
    assert offered == [world.supervisor]


def test_an_expired_certificate_offers_nobody_and_the_page_says_so(world, uptd):
    provider, user = uptd
    form = IntakeForm(user=user)
    assert list(form.fields["supervisor"].queryset) == []
    assert form.no_supervisor
    html = web(user).get(reverse("atensi:intake")).content.decode()
    assert 'id="no-supervisor"' in html
    assert "Tidak ada pekerja sosial dengan sertifikat supervisi yang masih berlaku" in html


def test_the_intake_without_a_supervisor_is_refused_with_the_reason_and_nothing_written(
        world, uptd):
    provider, user = uptd
    response = web(user).post(reverse("atensi:intake"), {
        "provider": provider.pk, "source": "complaint", "referrer": "Tetangga",
        "problem": "Anak ditelantarkan", "name": "Dewi Lestari", "sex": "P",
        "birth_date": "2012-05-06", "region": VILLAGE_A, "pas_group": "vulnerable_children",
        "clusters": ["children"], "worker": user.pk, "supervisor": user.pk})
    assert response.status_code == 200
    errors = response.context["form"].errors["supervisor"]
    assert errors == ["Tidak ada supervisor bersertifikat yang tersedia."]  # not "invalid"
    assert not Intake.objects.exists() and not Case.objects.exists()


def test_a_renewed_certificate_offers_the_supervisor_again(world, uptd):
    provider, user = uptd
    Certificate.objects.create(worker=Worker.objects.get(user=user), number="CERT-NEW",
                               issued_on=date(2024, 1, 2), valid_until=date(2099, 1, 1),
                               supervision=True)
    assert list(IntakeForm(user=user).fields["supervisor"].queryset) == [user]
