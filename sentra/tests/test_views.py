from datetime import date
from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from audit.models import Event
from sentra.models import Outcome, Sale


def test_a_sale_recorded_at_the_stall_is_the_usual_price_times_the_quantity(client, world):
    client.force_login(world.peksos)
    url = reverse("sentra:stall", args=[world.stall.pk])
    response = client.post(
        url, {"product": world.coffee.pk, "quantity": 3, "sold_on": "2026-03-01"}
    )
    assert response.status_code == 302
    sale = Sale.objects.get()
    assert (sale.amount, sale.participant_share, sale.facility) == (24_000, 24_000, world.stall)
    assert Event.objects.filter(action="sentra.sale.create", object_id=str(sale.pk)).exists()


def test_a_share_above_the_amount_is_shown_on_its_field_in_indonesian(client, world):
    client.force_login(world.peksos)
    response = client.post(
        reverse("sentra:stall", args=[world.stall.pk]),
        {
            "product": world.coffee.pk,
            "quantity": 1,
            "amount": 8000,
            "participant_share": 9000,
            "sold_on": "2026-03-01",
        },
    )
    assert response.status_code == 422
    assert "Bagian peserta tidak boleh melebihi nilai penjualan." in response.text
    assert not Sale.objects.exists()


def test_a_user_of_another_kabupaten_sees_nothing_of_the_unit(client, world, make_user):
    client.force_login(make_user(Role.PEKERJA_SOSIAL, "34.03", username="peksos-gk"))
    assert client.get(reverse("sentra:unit", args=[world.unit.pk])).status_code == 404
    assert client.get(reverse("sentra:participant", args=[world.participant.pk])).status_code == 404
    assert client.get(reverse("sentra:stall", args=[world.stall.pk])).status_code == 404
    assert "SKA Cibinong" not in client.get(reverse("sentra:units")).text


def test_a_role_without_permission_is_refused(client, world, make_user):
    client.force_login(make_user(Role.OPERATOR_DESA, "32.01.01.1001"))
    assert client.get(reverse("sentra:units")).status_code == 403
    client.force_login(make_user(Role.AUDITOR, "32.01"))  # may see, may not record
    url = reverse("sentra:stall", args=[world.stall.pk])
    assert client.get(url).status_code == 200
    assert (
        client.post(
            url, {"product": world.coffee.pk, "quantity": 1, "sold_on": "2026-03-01"}
        ).status_code
        == 403
    )


def test_the_participant_page_is_read_and_audited(client, world):
    client.force_login(world.peksos)
    response = client.get(reverse("sentra:participant", args=[world.participant.pk]))
    assert response.status_code == 200 and "Kopi Keliling" in response.text
    assert Event.objects.filter(action="read", object_type="sentra.participant").exists()


def test_an_outcome_is_recorded_from_the_participant_page(client, world):
    client.force_login(world.peksos)
    response = client.post(
        reverse("sentra:outcome_add", args=[world.participant.pk]),
        {"assessed_on": "2026-06-30", "income_after": 1_500_000, "independent": "on"},
    )
    assert response.status_code == 302
    assert Outcome.objects.get().independent


def test_the_report_is_exported_as_xlsx(client, world):
    Sale.objects.create(
        business=world.business,
        product=world.coffee,
        sold_on=date(2026, 3, 1),
        quantity=2,
        amount=16_000,
        participant_share=16_000,
        recorded_by=world.peksos,
    )
    client.force_login(world.peksos)
    response = client.get(reverse("sentra:report_xlsx"), {"year": 2026})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][0] == "SKA Cibinong" and 16_000 in rows[2]


def test_the_units_page_is_fully_in_one_language(client, world):
    client.force_login(world.peksos)
    indonesian = client.get(reverse("sentra:units")).text
    assert "Pusat pengembangan kewirausahaan dan vokasional" in indonesian
    assert "Add a unit" not in indonesian and "Report" not in indonesian
    client.post(reverse("set_language"), {"language": "en"})
    english = client.get(reverse("sentra:units")).text
    assert "Centres for the entrepreneurship" in english and "Tambah unit" not in english
