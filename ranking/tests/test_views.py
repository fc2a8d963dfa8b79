"""The desil on the household page and the PMT model page, as users see them."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.urls import reverse

from conftest import VILLAGE_A, VILLAGE_B
from ranking import services
from ranking.scoring import SCORES


@pytest.fixture
def scored_household(make_household, tmp_path):
    household = make_household(VILLAGE_A)
    pq.write_table(pa.table({
        "household_id": pa.array([household.pk], pa.int64()), "province": ["32"],
        "score": [12.3], "desil_national": [3], "desil_province": [4],
    }), tmp_path / SCORES)
    services.load_scores("run-1", tmp_path, services.current_model())
    return household


def test_the_household_page_shows_national_and_provincial_desil(client, make_user,
                                                                 scored_household):
    client.force_login(make_user("operator_desa", VILLAGE_A))
    page = client.get(reverse("household_detail", args=[scored_household.pk]))
    assert page.status_code == 200
    section = page.content.decode().split('id="welfare-ranking"')[1].split("</dl>")[0]
    assert "<dd>3</dd>" in section and "<dd>4</dd>" in section


def test_an_unscored_household_page_has_no_desil(client, make_user, make_household):
    household = make_household(VILLAGE_A)
    client.force_login(make_user("operator_desa", VILLAGE_A))
    page = client.get(reverse("household_detail", args=[household.pk]))
    assert page.status_code == 200
    assert 'id="welfare-ranking"' not in page.content.decode()


def test_national_roles_see_the_models_and_their_metrics(client, make_user, scored_household):
    client.force_login(make_user("pusat"))
    page = client.get(reverse("ranking_model_list"))
    assert page.status_code == 200
    assert "national-synth v1" in page.content.decode()
    model = services.current_model()
    detail = client.get(reverse("ranking_model_detail", args=[model.pk]))
    assert detail.status_code == 200
    assert "floor_material:earth" not in detail.content.decode()  # the reference has no weight
    assert "floor_material:cement_brick" in detail.content.decode()


def test_a_village_operator_may_not_open_the_model_page(client, make_user):
    client.force_login(make_user("operator_desa", VILLAGE_B))
    assert client.get(reverse("ranking_model_list")).status_code == 403


def test_model_weights_read_as_instrument_labels_in_the_active_language(
        client, make_user, scored_household):
    from django.utils import translation

    from ranking import labels, pmt
    variables = pmt.default_variables()
    with translation.override("id"):
        assert labels.feature_label("air_conditioner:yes", variables) == "AC: ya"
        assert labels.feature_label("head_age:60+", variables) == "Umur kepala rumah tangga: 60+"
    with translation.override("en"):
        assert labels.feature_label("air_conditioner:yes", variables) == "Air conditioner: yes"
    client.force_login(make_user("pusat"))
    model = services.current_model()
    html = client.get(reverse("ranking_model_detail", args=[model.pk]),
                      HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert ">AC: ya<" in html and ">air_conditioner:yes<" not in html
