"""E-warong merchants: registration by village/Dinas Sosial operators, approval by the Dinas Sosial
(kabupaten), sanctions with reasons up to losing the EDC terminal (FACTS: "sanctions up to losing
the EDC terminal"), `can_sell` for the purchase service, staff accounts and the public list."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import Event
from audit.services import Context
from ewarong import merchants
from ewarong.merchants import MerchantRefused, Registration
from ewarong.models import Merchant, MerchantEvent, MerchantStaff, MerchantStatus

from .builders import VILLAGE

VILLAGE_B = "32.01.01.1002"
OTHER_KAB_VILLAGE = "34.03.01.2001"
TODAY = date(2026, 3, 10)


def _reg(**over) -> Registration:
    data = {"name": "Warung Maju", "owner_name": "Pak Budi", "village_code": VILLAGE,
            "address": "Jl. Raya 2", "channel": "bri", "terminal_id": "EDC-001",
            "opening_hours": "Senin-Sabtu 07.00-17.00", "phone": "0812 3456 789"}
    return Registration(**(data | over))


@pytest.fixture
def people(make_user):
    return {"desa": Context(make_user("operator_desa", VILLAGE, username="desa")),
            "dinsos": Context(make_user("operator_kabupaten", "32.01", username="dinsos")),
            "dinsos_other": Context(make_user("operator_kabupaten", "34.03",
                                              username="dinsos-gk")),
            "pendamping": Context(make_user("pendamping", "32.01", username="pdp"))}


@pytest.fixture
def registered(people, db):
    return merchants.register(people["desa"], _reg())


def test_village_operator_registers_an_ewarong_waiting_for_approval(people, registered):
    assert registered.status == MerchantStatus.REGISTERED
    assert registered.registered_by == people["desa"].actor
    assert list(registered.events.values_list("kind", flat=True)) == ["registered"]
    event = Event.objects.get(action="ewarong.merchant.register")
    assert event.region_code == VILLAGE and event.actor == people["desa"].actor
    assert merchants.can_sell(registered, on=TODAY) == (
        "E-warong ini belum disetujui oleh Dinas Sosial.")


@pytest.mark.parametrize(("over", "message"), [
    ({"village_code": "32.01.01"}, "Pilih desa/kelurahan tempat e-warong berada."),
    ({"name": "  "}, "Isi nama toko."),
    ({"channel": "pos"}, "Pilih bank penyalur (e-warong bekerja sama dengan bank, bukan "
                         "dengan PT Pos)."),
    ({"terminal_id": "", "qris_id": ""}, "Isi ID terminal EDC atau ID QRIS."),
    ({"phone": "08x-abc"}, "Nomor telepon hanya boleh berisi angka."),
])
def test_registration_refusals_name_what_to_fix(people, db, over, message):
    with pytest.raises(MerchantRefused) as refused:
        merchants.register(people["desa"], _reg(**over))
    assert refused.value.message == message
    assert not Merchant.objects.exists()


def test_terminal_and_qris_ids_belong_to_one_ewarong(people, registered):
    with pytest.raises(MerchantRefused) as refused:
        merchants.register(people["desa"], _reg(name="Warung Lain"))
    assert refused.value.message == "ID terminal EDC EDC-001 sudah dipakai e-warong lain."
    merchants.register(people["desa"], _reg(name="Warung Q", terminal_id="", qris_id="QR-9"))
    with pytest.raises(MerchantRefused) as refused:
        merchants.register(people["desa"], _reg(name="Warung R", terminal_id="", qris_id="QR-9"))
    assert refused.value.message == "ID QRIS QR-9 sudah dipakai e-warong lain."


def test_village_operator_cannot_register_in_another_village(people, db):
    with pytest.raises(PermissionDenied):
        merchants.register(people["desa"], _reg(village_code=VILLAGE_B))
    with pytest.raises(PermissionDenied):
        merchants.register(people["pendamping"], _reg())


def test_only_the_dinas_sosial_of_the_kabupaten_approves(people, registered):
    with pytest.raises(PermissionDenied):
        merchants.approve(people["desa"], registered)
    with pytest.raises(PermissionDenied):
        merchants.approve(people["dinsos_other"], registered)
    merchant = merchants.approve(people["dinsos"], registered)
    assert merchant.status == MerchantStatus.ACTIVE
    assert merchants.can_sell(merchant, on=TODAY) is None
    assert Event.objects.filter(action="ewarong.merchant.approved").count() == 1


def test_rejection_needs_a_reason_and_is_final(people, registered):
    with pytest.raises(MerchantRefused) as refused:
        merchants.reject(people["dinsos"], registered, "  ")
    assert refused.value.message == "Isi alasannya."
    merchant = merchants.reject(people["dinsos"], registered, "Toko tidak ada di alamat")
    assert merchant.status == MerchantStatus.REJECTED
    assert merchants.can_sell(merchant, on=TODAY) == "Pendaftaran e-warong ini ditolak."
    with pytest.raises(MerchantRefused) as refused:
        merchants.approve(people["dinsos"], merchant)
    assert refused.value.message == (
        "Tindakan ini tidak dapat dilakukan pada e-warong berstatus Ditolak.")


def test_suspension_blocks_selling_until_its_date_then_lapses(people, registered):
    merchant = merchants.approve(people["dinsos"], registered)
    with pytest.raises(MerchantRefused) as refused:
        merchants.suspend(people["dinsos"], merchant, "Harga telur di atas HET", None,
                          today=TODAY)
    assert refused.value.message == "Isi tanggal berakhirnya penangguhan."
    with pytest.raises(MerchantRefused) as refused:
        merchants.suspend(people["dinsos"], merchant, "Harga telur di atas HET",
                          TODAY - timedelta(days=1), today=TODAY)
    assert refused.value.message == "Penangguhan tidak dapat berakhir di masa lalu."
    until = TODAY + timedelta(days=14)
    merchant = merchants.suspend(people["dinsos"], merchant, "Harga telur di atas HET", until,
                                 today=TODAY)
    assert merchant.status == MerchantStatus.SUSPENDED
    assert merchants.can_sell(merchant, on=TODAY) == (
        "E-warong ini ditangguhkan sampai 24 Maret 2026; tidak dapat melayani KPM.")
    assert merchants.can_sell(merchant, on=until) is not None
    assert merchants.can_sell(merchant, on=until + timedelta(days=1)) is None
    event = merchant.events.get(kind="suspension")
    assert (event.reason, event.until, event.by) == ("Harga telur di atas HET", until,
                                                     people["dinsos"].actor)


def test_reinstatement_lifts_a_suspension(people, registered):
    merchant = merchants.approve(people["dinsos"], registered)
    merchants.suspend(people["dinsos"], merchant, "Paket wajib", TODAY + timedelta(days=30),
                      today=TODAY)
    merchant = merchants.reinstate(people["dinsos"], merchant, "Sudah dibina")
    assert merchant.status == MerchantStatus.ACTIVE
    assert merchants.can_sell(merchant, on=TODAY) is None
    assert [e.kind for e in merchants.history(merchant)] == [
        "registered", "approved", "suspension", "reinstated"]


def test_warning_keeps_the_status_and_is_in_the_history(people, registered):
    merchant = merchants.approve(people["dinsos"], registered)
    merchant = merchants.warn(people["dinsos"], merchant, "Menjual paket")
    assert merchant.status == MerchantStatus.ACTIVE
    assert merchant.events.last().kind == "warning"
    assert Event.objects.filter(action="ewarong.merchant.warning", object_id=str(merchant.pk),
                                reason="").exists()


def test_terminal_withdrawn_clears_the_terminal_and_is_recorded(people, registered):
    merchant = merchants.approve(people["dinsos"], registered)
    merchant = merchants.withdraw_terminal(people["dinsos"], merchant, "Penyalahgunaan EDC")
    assert merchant.terminal_id == "" and merchant.status == MerchantStatus.ACTIVE
    event = Event.objects.get(action="ewarong.merchant.terminal_withdrawn")
    assert event.changes["terminal_id"] == ["EDC-001", ""]
    assert merchant.events.last().reason == "Penyalahgunaan EDC"
    with pytest.raises(MerchantRefused) as refused:
        merchants.withdraw_terminal(people["dinsos"], merchant, "lagi")
    assert refused.value.message == "E-warong ini tidak memiliki terminal EDC untuk ditarik."


def test_termination_is_final_and_deactivates_the_staff(people, registered):
    merchant = merchants.approve(people["dinsos"], registered)
    user = merchants.add_staff(people["desa"], merchant, "kasir-maju", "Rahasia-Kuat-2026",
                               "Sari Dewi")
    merchant = merchants.terminate(people["dinsos"], merchant, "Penipuan berulang")
    assert merchant.status == MerchantStatus.TERMINATED
    user.refresh_from_db()
    assert not user.is_active
    assert merchants.can_sell(merchant, on=TODAY) == (
        "E-warong ini telah diberhentikan; tidak dapat lagi melayani KPM.")
    with pytest.raises(MerchantRefused):
        merchants.reinstate(people["dinsos"], merchant, "coba")
    with pytest.raises(MerchantRefused) as refused:
        merchants.add_staff(people["desa"], merchant, "kasir-baru", "Rahasia-Kuat-2026")
    assert refused.value.message == (
        "E-warong yang diberhentikan atau ditolak tidak mendapat staf baru.")


def test_staff_account_is_role_ewarong_bound_to_the_village(people, registered):
    user = merchants.add_staff(people["desa"], registered, "kasir-maju", "Rahasia-Kuat-2026",
                               "Sari Dewi")
    assert (user.role, user.region_id, user.first_name) == ("ewarong", VILLAGE, "Sari")
    assert MerchantStaff.objects.get(user=user).merchant == registered
    assert merchants.merchant_of(user) == registered
    assert Event.objects.filter(action="ewarong.merchant.staff_add").count() == 1
    with pytest.raises(MerchantRefused) as refused:
        merchants.add_staff(people["desa"], registered, "KASIR-maju", "Rahasia-Kuat-2026")
    assert refused.value.message == "Nama pengguna KASIR-maju sudah dipakai."
    with pytest.raises(MerchantRefused) as refused:
        merchants.add_staff(people["desa"], registered, "kasir 2", "Rahasia-Kuat-2026")
    assert refused.value.message == (
        "Nama pengguna hanya boleh berisi huruf, angka, dan @ . + - _.")
    with pytest.raises(MerchantRefused) as refused:
        merchants.add_staff(people["desa"], registered, "kasir2", "123")
    assert refused.value.field == "password"
    merchants.remove_staff(people["desa"], registered, user.pk)
    user.refresh_from_db()
    assert not user.is_active


def test_public_list_shows_only_active_ewarong_without_owner_or_phone(people, client, db):
    active = merchants.approve(people["dinsos"], merchants.register(people["desa"], _reg()))
    merchants.register(people["desa"], _reg(name="Warung Baru", terminal_id="EDC-2"))
    suspended = merchants.approve(people["dinsos"], merchants.register(
        people["desa"], _reg(name="Warung Skors", terminal_id="EDC-3")))
    merchants.suspend(people["dinsos"], suspended, "Harga", date.today() + timedelta(days=3))
    terminated = merchants.approve(people["dinsos"], merchants.register(
        people["desa"], _reg(name="Warung Tutup", terminal_id="EDC-4")))
    merchants.terminate(people["dinsos"], terminated, "Penipuan")
    assert [m["name"] for m in merchants.public_list(VILLAGE)] == [active.name]
    page = client.get(reverse("ewarong:public_list_region", args=[VILLAGE]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Warung Maju" in html and "Jl. Raya 2" in html and "07.00-17.00" in html
    for hidden in ("Warung Baru", "Warung Skors", "Warung Tutup", "Pak Budi", "0812"):
        assert hidden not in html
    picker = client.get(reverse("ewarong:public_list_region", args=["32.01.01"]))
    assert reverse("ewarong:public_list_region", args=[VILLAGE]) in picker.content.decode()
    assert client.get(reverse("ewarong:public_list_region", args=["99.99"])).status_code == 404


def test_officer_pages_register_decide_and_show_history(people, client, db):
    client.force_login(people["desa"].actor)
    form = {"name": "Warung Web", "owner_name": "Bu Ani", "village_code": VILLAGE,
            "address": "Jl. Desa 3", "channel": "bri", "terminal_id": "EDC-W",
            "opening_hours": "07.00-16.00"}
    response = client.post(reverse("ewarong:merchant_register"), form)
    merchant = Merchant.objects.get(name="Warung Web")
    assert response.url == reverse("ewarong:merchant_detail", args=[merchant.pk])
    again = client.post(reverse("ewarong:merchant_register"), form | {"name": "Lagi"})
    assert "ID terminal EDC EDC-W sudah dipakai e-warong lain." in again.content.decode()
    client.force_login(people["dinsos"].actor)
    client.post(reverse("ewarong:merchant_action", args=[merchant.pk, "approved"]))
    client.post(reverse("ewarong:merchant_action", args=[merchant.pk, "suspension"]),
                {"reason": "Harga di atas HET"})
    page = client.get(reverse("ewarong:merchant_detail", args=[merchant.pk])).content.decode()
    assert "Isi tanggal berakhirnya penangguhan." in page
    assert MerchantEvent.objects.filter(merchant=merchant).count() == 2
    assert client.get(reverse("ewarong:merchant_list")).status_code == 200
    client.force_login(people["dinsos_other"].actor)
    assert client.get(reverse("ewarong:merchant_detail", args=[merchant.pk])).status_code == 404


def test_merchant_page_shows_the_blocks_of_other_apps(people, registered, client):
    from base.blocks import Block
    from ewarong import hooks

    def complaints(user, merchant):
        return Block("Pengaduan", "ewarong/merchants_block.html",
                     {"rows": [("Pengaduan terbuka", 3)]})

    hooks.merchant_page.register(complaints)
    try:
        client.force_login(people["dinsos"].actor)
        page = client.get(reverse("ewarong:merchant_detail", args=[registered.pk]))
        html = page.content.decode()
        assert "Pengaduan terbuka" in html and "merchant-block" in html
    finally:
        hooks.merchant_page._sources.remove(complaints)


def test_demo_seeds_ewarong_with_cashiers_and_a_national_het_once(world, make_user):
    from ewarong import demo
    from ewarong.het import het_prices
    from ewarong.models import HetList

    world.kpm(0)
    program = make_user("program_manager", username="program-demo")
    dinsos = make_user("operator_kabupaten", "32.01", username="dinsos-demo")
    assert not demo.seeded()
    summary = demo.seed(program, dinsos, "Rahasia-Kuat-2026")
    assert summary.startswith("national HET v1, 2 e-warong in 1 villages")
    shops = Merchant.objects.filter(village_code=VILLAGE)
    assert {m.status for m in shops} == {MerchantStatus.ACTIVE} and shops.count() == 2
    assert MerchantStaff.objects.filter(merchant__in=shops, user__role="ewarong").count() == 2
    assert het_prices(VILLAGE, date.today())["beras"] == 14_000
    demo.seed(program, dinsos, "Rahasia-Kuat-2026")
    assert Merchant.objects.count() == 2 and HetList.objects.count() == 1
