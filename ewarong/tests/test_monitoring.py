"""Monitoring: "kita punya laporan dia belanja apa saja dan harganya berapa" (seed 003) and the
patterns issue 13 names: "every price exactly at the HET, identical baskets for many KPM,
purchases in bursts or at odd hours, balances drained in one transaction"."""

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.services import Context
from ewarong import ledger, monitoring
from ewarong.models import Merchant, MerchantStatus, Purchase, PurchaseLine
from jobs.files import output_file
from jobs.models import Job

from .builders import VILLAGE

VILLAGE_B = "32.01.01.1002"
PAPUA_VILLAGE = "91.01.01.2001"  # WIT (UTC+9)
DAY = date(2026, 3, 10)
LIMITS = monitoring.Thresholds(at_het_min_lines=3, same_basket_kpm=3, burst_purchases=3,
                               odd_hours_min=2, drained_min=3)
PERIOD = monitoring.Filters("32.01", DAY - timedelta(days=1), DAY + timedelta(days=1))


def utc(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


class Shop:
    """Purchases written directly (ledger transaction + purchase + lines), as the sale
    service would leave them."""

    def __init__(self, world, merchant):
        self.world, self.merchant, self.n = world, merchant, 0

    def buy(self, wallet, lines: list[tuple[str, str, int, int]], at: datetime,
            refunded: bool = False) -> Purchase:
        self.n += 1
        amounts = [int(Decimal(q) * price) for _, q, price, _ in lines]
        total = sum(amounts)
        key = f"m{self.merchant.pk}-{self.n}"
        tx = ledger.post("purchase", f"purchase:{key}",
                         [(wallet, -total), (ledger.merchant_account(self.merchant), total)], at)
        purchase = Purchase.objects.create(
            merchant=self.merchant, wallet=wallet, household_id=wallet.household_id,
            method="card", idempotency_key=key, request_hash="-", receipt_number=f"T{key}",
            total=total, balance_after=ledger.balance(wallet),
            village_code=self.merchant.village_code, at=at, transaction=tx)
        PurchaseLine.objects.bulk_create(
            PurchaseLine(purchase=purchase, commodity_id=code, quantity=Decimal(q),
                         unit_price=price, het_price=het, amount=amount)
            for (code, q, price, het), amount in zip(lines, amounts, strict=True))
        if refunded:
            back = ledger.post("refund", f"refund:{key}", [
                (ledger.merchant_account(self.merchant), -total), (wallet, total)], at)
            Purchase.objects.filter(pk=purchase.pk).update(status="refunded", refund=back)
        return purchase


BASKET = [("beras", "5", 14000, 14000), ("telur-ayam", "1", 27000, 27000)]  # Rp97,000


@pytest.fixture
def sales(world, make_user):
    honest, _ = world.merchant(make_user, name="Warung Jujur")
    crooked, _ = world.merchant(make_user, village=VILLAGE_B, name="Warung Curang")
    honest_shop, crooked_shop = Shop(world, honest), Shop(world, crooked)
    # Warung Jujur: varied baskets below the HET, in the daytime (WIB = UTC+7).
    for i, balance in enumerate((200_000, 200_000, 200_000)):
        _, _, wallet = world.kpm(balance)
        honest_shop.buy(wallet, [("beras", str(3 + i), 12500, 14000),
                                 ("tahu", "1", 9000, 10000)], utc(2 + i))
    # Warung Curang: four KPM with exactly Rp97,000 each get the same basket at the HET,
    # within ten minutes, at 23:00 WIB (16:00 UTC): every wallet drained to zero.
    kpm = [world.kpm(97_000) for _ in range(4)]
    for i, (_, _, wallet) in enumerate(kpm):
        crooked_shop.buy(wallet, BASKET, utc(16, 1 + 2 * i))
    # A refunded purchase did not happen.
    _, _, other = world.kpm(500_000)
    honest_shop.buy(other, [("beras", "10", 14000, 14000)], utc(3), refunded=True)
    return {"honest": honest, "crooked": crooked, "shop": honest_shop, "kpm": kpm}


def test_what_kpm_bought_by_commodity(sales):
    rows = {r["commodity_id"]: r for r in monitoring.by_commodity(PERIOD)}
    assert rows["beras"]["quantity"] == Decimal(3 + 4 + 5) + 4 * 5
    assert rows["beras"]["kpm"] == 7
    assert rows["telur-ayam"]["amount"] == 4 * 27000
    assert rows["tahu"]["lines"] == 3
    totals = monitoring.totals(PERIOD)
    assert (totals["purchases"], totals["kpm"], totals["merchants"]) == (7, 7, 2)


def test_prices_against_het_by_region(sales):
    village_level = monitoring.Filters("32.01.01", PERIOD.date_from, PERIOD.date_to)
    rows = {(r["region"], r["commodity_id"]): r
            for r in monitoring.prices_against_het(village_level)}
    assert rows[(VILLAGE_B, "beras")]["ratio"] == 1.0
    assert rows[(VILLAGE_B, "beras")]["at_het_share"] == 1.0
    honest = rows[(VILLAGE, "beras")]
    assert honest["ratio"] == round(12500 / 14000, 3) and honest["at_het"] == 0
    assert honest["region_name"] != VILLAGE  # named from the region tree
    by_district = {r["region"] for r in monitoring.prices_against_het(PERIOD)}
    assert by_district == {"32.01.01"}


def test_the_crooked_merchant_raises_every_flag_and_the_honest_one_none(sales):
    found = {p.name: p for p in monitoring.patterns(PERIOD, LIMITS, flagged_only=False)}
    crooked, honest = found["Warung Curang"], found["Warung Jujur"]
    assert crooked.flags == ["at_het", "same_basket", "bursts", "odd_hours", "drained"]
    assert (crooked.at_het_share, crooked.same_basket_kpm, crooked.largest_burst,
            crooked.odd_hours, crooked.drained_share) == (1.0, 4, 4, 4, 1.0)
    assert honest.flags == [] and honest.purchases == 3
    assert [p.name for p in monitoring.patterns(PERIOD, LIMITS)] == ["Warung Curang"]


def test_identical_baskets_must_match_line_for_line(world, make_user):
    merchant, _ = world.merchant(make_user, name="Warung Mirip")
    shop = Shop(world, merchant)
    for i in range(3):
        _, _, wallet = world.kpm(200_000)
        # same commodities and prices, quantities differ: not the same basket
        shop.buy(wallet, [("beras", str(2 + i), 14000, 14000), ("tahu", "1", 10000, 10000)],
                 utc(3, 0, DAY - timedelta(days=i)))
    pattern = monitoring.patterns(PERIOD, LIMITS, flagged_only=False)[0]
    assert pattern.same_basket_kpm == 0 and "same_basket" not in pattern.flags
    assert "bursts" not in pattern.flags


def test_odd_hours_are_read_in_the_merchants_local_time(world, make_user):
    java, _ = world.merchant(make_user, name="Warung Bogor")
    papua = Merchant.objects.create(name="Warung Jayapura", owner_name="Ibu Yo",
                                    village_code=PAPUA_VILLAGE, address="Jl. Sentani",
                                    channel_id="bri", status=MerchantStatus.ACTIVE)
    for merchant in (papua, java):
        shop = Shop(world, merchant)
        for day in range(3):  # 14:00 UTC is 23:00 WIT but 21:00 WIB
            _, _, wallet = world.kpm(100_000)
            shop.buy(wallet, [("sayur", "1", 10000, 12000)], utc(14, 0, DAY - timedelta(days=day)))
    national = monitoring.Filters("", PERIOD.date_from - timedelta(days=2), PERIOD.date_to)
    found = {p.name: p for p in monitoring.patterns(national, LIMITS, flagged_only=False)}
    assert found["Warung Jayapura"].odd_hours == 3 and "odd_hours" in found[
        "Warung Jayapura"].flags
    assert found["Warung Bogor"].odd_hours == 0


def test_the_period_and_region_limit_what_is_counted(sales):
    later = monitoring.Filters("32.01", DAY + timedelta(days=2), DAY + timedelta(days=9))
    assert monitoring.totals(later)["purchases"] == 0
    elsewhere = monitoring.Filters("34.03", PERIOD.date_from, PERIOD.date_to)
    assert monitoring.by_commodity(elsewhere) == []
    assert monitoring.patterns(elsewhere, LIMITS) == []


def test_dashboard_is_scoped_to_the_users_region(sales, client, make_user):
    client.force_login(make_user("operator_kabupaten", "32.01", username="dinsos-mon"))
    query = {"date_from": PERIOD.date_from.isoformat(), "date_to": PERIOD.date_to.isoformat()}
    page = client.get(reverse("ewarong:monitoring"), query)
    html = page.content.decode()
    assert page.status_code == 200 and "Beras" in html and "Yang dibeli KPM" in html
    client.force_login(make_user("operator_kabupaten", "34.03", username="dinsos-gk-mon"))
    html = client.get(reverse("ewarong:monitoring"), query | {"region": "32.01"}).content.decode()
    assert "Beras" not in html and "Tidak ada pembelian dalam periode ini." in html
    client.force_login(make_user("ewarong", VILLAGE, username="kasir-mon"))
    assert client.get(reverse("ewarong:monitoring")).status_code == 403


def test_export_is_a_job_writing_the_workbook(sales, client, make_user, run_jobs, settings,
                                              tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    user = make_user("dinsos_provinsi", "32", username="prov-mon")
    client.force_login(user)
    response = client.post(reverse("ewarong:monitoring_export"), {
        "region": "32.01", "date_from": PERIOD.date_from.isoformat(),
        "date_to": PERIOD.date_to.isoformat()})
    job = Job.objects.get(kind="ewarong_monitoring_export")
    assert response.url == reverse("jobs:detail", args=[job.pk])
    run_jobs()
    job.refresh_from_db()
    assert job.state == "done", job.error
    path = output_file(job, job.output["files"][0])
    book = load_workbook(io.BytesIO(path.read_bytes()), read_only=True)
    assert book.sheetnames == ["Komoditas", "Per wilayah", "Harga terhadap HET",
                               "E-warong mencurigakan"]
    rows = list(book["Komoditas"].iter_rows(values_only=True))
    assert rows[0][0] == "Komoditas" and {r[0] for r in rows[1:]} == {
        "Beras", "Telur ayam", "Tahu"}


def test_two_officers_exporting_the_same_period_each_see_their_own_job(sales, client,
                                                                       make_user):
    data = {"region": "32.01", "date_from": PERIOD.date_from.isoformat(),
            "date_to": PERIOD.date_to.isoformat()}
    urls = []
    for username in ("prov-mon-a", "prov-mon-b"):
        client.force_login(make_user("dinsos_provinsi", "32", username=username))
        urls.append(client.post(reverse("ewarong:monitoring_export"), data).url)
        assert client.get(urls[-1]).status_code == 200
    assert urls[0] != urls[1]


def test_export_outside_the_scope_is_refused(sales, make_user, run_jobs):
    from django.core.exceptions import PermissionDenied

    from ewarong import tasks

    ctx = Context(make_user("operator_kabupaten", "34.03", username="dinsos-gk-exp"))
    with pytest.raises(PermissionDenied):
        tasks.start_monitoring_export(ctx, PERIOD)


def test_suspended_merchants_stay_in_the_monitoring(sales, world):
    sales["crooked"].status = MerchantStatus.SUSPENDED
    sales["crooked"].save(update_fields=["status"])
    assert "Warung Curang" in [p.name for p in monitoring.patterns(PERIOD, LIMITS)]
