"""Pages of the KPM side (issue 12, items 1 and 10): accounts and cards with their history and
the card status form, burekol per bank (request file, audited download, the bank's answer
refused by line and field or applied), the reconciliation drill-down nation → village; each
scoped to the user's region and role."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import Event
from conftest import VILLAGE_OTHER_DISTRICT
from jobs.models import Job
from payments import cycles, kks, layouts, reconciliation
from payments.disbursement import create_batch, layout_for
from payments.models import (
    BurekolRequest,
    Card,
    CardEvent,
    FileLayout,
    KpmAccount,
    PaymentChannel,
)
from payments.views_kpm import drill, next_length

from .builders import ctx, references, response_file


def answer_file(request: BurekolRequest, rows: list[tuple[str, str, str]],
                count: int | None = None) -> bytes:
    """A bank's burekol answer: rows of (reference, account number, card number)."""
    spec = layout_for(request.channel, FileLayout.Purpose.BUREKOL_ANSWER).spec
    values = {"batch": kks.burekol_code(request), "channel": request.channel_id.upper(),
              "count": str(len(rows) if count is None else count)}
    lines = [layouts.record_line(spec, spec["header"], values)]
    lines += [layouts.record_line(spec, spec["fields"], {
        "reference": r, "account_number": n, "card_number": c}) for r, n, c in rows]
    lines.append(layouts.record_line(spec, spec["trailer"], values))
    return ("\n".join(lines) + "\n").encode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def cycle_without_accounts(build, officers):
    households = build.households(2)
    run = build.frozen_run("sembako", "2026-11", households)
    return cycles.prepare(ctx(officers["program"]), run), households


def test_burekol_page_request_download_refused_answer_and_answer(
        client, cycle_without_accounts, officers, make_user, var_dir, run_jobs):
    cycle, households = cycle_without_accounts
    client.force_login(officers["keuangan"])
    listing = client.get(reverse("payments:burekol"))
    assert listing.context["without_account"][0]["n"] == 2
    assert "BRI: 2" in listing.content.decode()
    made = client.post(reverse("payments:burekol_create"), {"cycle": cycle.pk,
                                                            "channel": "bri"}, follow=True)
    request = BurekolRequest.objects.get()
    assert request.rows == 2 and kks.burekol_code(request) in made.content.decode()
    assert (var_dir / "payments" / "burekol" / request.file_name).is_file()
    assert KpmAccount.objects.filter(status="requested").count() == 2
    assert client.get(reverse("payments:burekol")).context["without_account"] == []

    download = client.get(reverse("payments:burekol_download", args=[request.pk]))
    body = b"".join(download.streaming_content).decode()
    assert body.startswith(f"H;{kks.burekol_code(request)};BRI")
    assert kks.household_reference(households[0].pk) in body
    assert Event.objects.filter(action="payments.burekol.download").count() == 1

    refs = [kks.household_reference(h.pk) for h in households]
    wrong = answer_file(request, [(refs[0], "12A45", "6011"), ("B000000000999", "5555", "")],
                        count=5)
    answer_url = reverse("payments:burekol_answer", args=[request.pk])
    job = client.post(answer_url, {"file": SimpleUploadedFile("jawaban.csv", wrong)})
    assert job.url.startswith("/pekerjaan/")  # answers at once with the job page
    run_jobs()
    refused = Job.objects.get(kind="payments_burekol_answer")
    assert refused.state == "failed"
    shown = client.get(job.url).content.decode()
    assert "account_number" in shown and "reference" in shown and "count" in shown
    assert "12A45" in shown and "B000000000999" in shown
    assert not KpmAccount.objects.filter(status="open").exists()  # nothing written

    good = answer_file(request, [(refs[0], "0001230", "6010001"), (refs[1], "0001231", "")])
    client.post(answer_url, {"file": SimpleUploadedFile("jawaban.csv", good)})
    run_jobs()
    assert KpmAccount.objects.filter(status="open").count() == 2
    assert Card.objects.get().card_number == "6010001"
    client.post(answer_url, {"file": SimpleUploadedFile("jawaban.csv", good)})
    run_jobs()
    assert KpmAccount.objects.filter(status="open").count() == 2
    assert Job.objects.filter(kind="payments_burekol_answer").latest("id").output[
        "opened"] == 0  # the same answer again: nothing changed
    assert "answered" in client.get(reverse("payments:burekol")).content.decode() or \
        "dijawab" in client.get(reverse("payments:burekol")).content.decode()

    # A regional officer cannot send a national bank file.
    client.force_login(make_user("operator_kabupaten", "32.01"))
    assert client.get(reverse("payments:burekol")).status_code == 403


def test_account_pages_card_history_and_status_form_scoped(client, build, officers, make_user):
    household = build.households(1)[0]
    account = KpmAccount.objects.create(household=household, channel_id="bri",
                                        village_code=household.village_id, status="open",
                                        account_number="7001")
    card = Card.objects.create(account=account, card_number="6013000000000001",
                               status="printed")
    CardEvent.objects.create(card=card, status="printed", source="file")
    cycles.prepare(ctx(officers["program"]), build.frozen_run("sembako", "2026-12",
                                                              [household]))

    client.force_login(officers["program"])  # a program officer manages accounts and cards
    listing = client.get(reverse("payments:accounts") + "?q=7001").content.decode()
    assert "7001" in listing and "6013000000000001" in listing
    detail_url = reverse("payments:account_detail", args=[household.pk])
    detail = client.get(detail_url).content.decode()
    assert "card-status-form" in detail and "7001" in detail and "2026-12" in detail

    post = reverse("payments:card_status", args=[card.pk])
    refused = client.post(post, {"status": "not_distributed", "reason": ""}, follow=True)
    assert "alasan" in " ".join(messages_of(refused))
    card.refresh_from_db()
    assert card.status == "printed"
    client.post(post, {"status": "not_distributed", "reason": "meninggal"})
    client.post(post, {"status": "replaced"})
    card.refresh_from_db()
    assert (card.status, card.reason) == ("replaced", "")
    assert list(card.events.values_list("status", "reason")) == [
        ("printed", ""), ("not_distributed", "meninggal"), ("replaced", "")]
    assert Event.objects.filter(action="payments.card.status").count() == 2
    history = client.get(detail_url).content.decode()
    assert "Meninggal" in history or "meninggal" in history.lower()

    # A kabupaten operator of the region sees the account but may not change a card; one of
    # another kabupaten sees nothing.
    client.force_login(make_user("operator_kabupaten", "32.01"))
    assert client.get(detail_url).status_code == 200
    assert "card-status-form" not in client.get(detail_url).content.decode()
    assert client.post(post, {"status": "blocked"}).status_code == 403
    client.force_login(make_user("operator_kabupaten", "34.03"))
    assert client.get(detail_url).status_code == 404
    assert "7001" not in client.get(reverse("payments:accounts")).content.decode()
    regional_manager = make_user("program_manager", "34.03", username="pm-gk")
    client.force_login(regional_manager)
    assert client.post(post, {"status": "blocked"}).status_code == 403


def test_next_length_walks_nation_province_kabupaten_kecamatan_village():
    assert [next_length(p) for p in ["", "32", "32.01", "32.01.01", "32.01.01.1001"]] == [
        2, 5, 8, 13, None]


def test_reconciliation_drill_down_from_nation_to_village(client, build, officers, make_user):
    here = build.households(2)
    there = build.households(1, village=VILLAGE_OTHER_DISTRICT)
    for i, h in enumerate(here + there):
        KpmAccount.objects.create(household=h, channel_id="bri", village_code=h.village_id,
                                  status="open", account_number=f"90{i}")
    run = build.frozen_run("sembako", "2026-11", here + there)
    finance = ctx(officers["keuangan"])
    cycle = cycles.approve(finance, cycles.prepare(ctx(officers["program"]), run))
    bri = PaymentChannel.objects.get(code="bri")
    cycles.record_sp2d(finance, cycle, bri, "SP2D-9", date(2026, 11, 3), 600_000)
    batch = create_batch(finance, cycle, bri)
    refs = references(batch)
    failed_ref = batch.attempts.get(payment__household=there[0]).reference
    answers = {r: (("F", "R01") if r == failed_ref else ("C", "")) for r in refs}
    reconciliation.import_response(finance, batch, response_file(batch, answers), "bri.txt")

    user = officers["keuangan"]
    levels = {p: drill(user, cycle, p) for p in
              ["", "32", "32.01", "32.01.01", "32.01.02", "32.01.01.1001", "32.01.02.2001"]}
    assert [r.key for r in levels[""]["rows"]] == ["32"]
    assert [r.key for r in levels["32"]["rows"]] == ["32.01"]
    assert [r.key for r in levels["32.01"]["rows"]] == ["32.01.01", "32.01.02"]
    assert [r.key for r in levels["32.01.01"]["rows"]] == ["32.01.01.1001"]
    assert levels["32.01.01.1001"]["rows"] == []
    for prefix, found in levels.items():
        t = found["total"]
        assert t.balanced and t.sent == t.credited + t.failed + t.pending, prefix
        if found["rows"]:
            assert t.sent == sum(r.sent for r in found["rows"])
    assert levels[""]["total"].sent == 600_000 and levels[""]["total"].failed == 200_000
    assert levels["32.01.01.1001"]["total"].sent == 400_000
    assert levels["32.01.02.2001"]["total"].failed == 200_000
    assert [p.village_code for p in levels["32.01"]["discrepancies"]] == [
        VILLAGE_OTHER_DISTRICT]
    assert list(levels["32.01.01"]["discrepancies"]) == []

    client.force_login(user)
    url = reverse("payments:reconciliation_drill", args=[cycle.pk])
    page = client.get(url + "?r=32.01").content.decode()
    assert 'href="?r=32.01.02"' in page and "R01" in page
    assert 'href="?r=32.01.01.1001"' in client.get(url + "?r=32.01.01").content.decode()
    village = client.get(url + "?r=32.01.02.2001").content.decode()
    assert "drill-rows" not in village and "R01" in village
    assert client.get(url + "?r=32.0").status_code == 404
    assert 'id="drill-link"' in client.get(
        reverse("payments:cycle_detail", args=[cycle.pk])).content.decode()

    # A kabupaten officer starts at their kabupaten and cannot leave it.
    client.force_login(make_user("operator_kabupaten", "32.01"))
    scoped = client.get(url)
    assert scoped.context["prefix"] == "32.01" and "?r=32.01.02" in scoped.content.decode()
    assert client.get(url + "?r=34").status_code == 403
    assert client.get(url + "?r=32").context["prefix"] == "32.01"
