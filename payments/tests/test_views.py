from datetime import date

from django.urls import reverse

from audit.models import Event
from payments import cycles
from payments.models import DisbursementBatch, KpmAccount, PaymentChannel, PaymentCycle

from .builders import ctx, references, response_file


def test_main_path_prepare_approve_generate_download_import_and_see_statuses(
        client, build, officers, run_jobs):
    """Issue 12, item 10: cycle pages with stages and approvals, file downloads (audited),
    reconciliation with totals per bank and region and the discrepancies, XLSX export."""
    households = build.households(2)
    for i, h in enumerate(households):
        KpmAccount.objects.create(household=h, channel_id="bri", village_code=h.village_id,
                                  status="open", account_number=f"81{i}")
    run = build.frozen_run("sembako", "2026-11", households)

    client.force_login(officers["program"])
    page = client.get(reverse("payments:cycle_list"))
    assert page.status_code == 200 and f'value="{run.pk}"' in page.content.decode()
    response = client.post(reverse("payments:cycle_prepare"), {"run": run.pk})
    cycle = PaymentCycle.objects.get()
    assert response.url == reverse("payments:cycle_detail", args=[cycle.pk])
    assert 'id="approve"' not in client.get(response.url).content.decode()  # not their own

    client.force_login(officers["keuangan"])
    detail = reverse("payments:cycle_detail", args=[cycle.pk])
    assert 'id="approve"' in client.get(detail).content.decode()
    client.post(reverse("payments:cycle_action", args=[cycle.pk, "approve"]))
    client.post(reverse("payments:cycle_action", args=[cycle.pk, "sp2d"]), {
        "channel": "bri", "number": "SP2D-77", "date": "2026-11-03", "amount": "400000"})
    generated = client.post(reverse("payments:cycle_action", args=[cycle.pk, "generate"]),
                            {"channel": "bri"})
    assert generated.url.startswith("/pekerjaan/")  # answers at once with the job page
    run_jobs()
    batch = DisbursementBatch.objects.get()
    download = client.get(reverse("payments:batch_download", args=[batch.pk, "file"]))
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert body.decode().splitlines()[-1] == "T;2;400000"
    assert Event.objects.filter(action="payments.batch.download").count() == 1

    refs = references(batch)
    data = response_file(batch, {refs[0]: ("C", ""), refs[1]: ("F", "R02")})
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("bri-answer.txt", data)
    imported = client.post(reverse("payments:response_upload", args=[batch.pk]),
                           {"file": upload, "kind": "credit"})
    assert imported.url.startswith("/pekerjaan/")
    run_jobs()
    html = client.get(detail).content.decode()
    assert "credited: 1" in html and "failed: 1" in html and "R02" in html
    xlsx = client.get(reverse("payments:reconciliation_xlsx", args=[cycle.pk]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(reverse("payments:budget") + "?program=sembako&year=2026").status_code \
        == 200
    assert client.get(reverse("payments:saldo")).status_code == 200


def test_a_refused_answer_shows_every_line_and_field_on_the_job_page(client, build, officers,
                                                                     run_jobs):
    households = build.households(1)
    KpmAccount.objects.create(household=households[0], channel_id="bri",
                              village_code=households[0].village_id, status="open",
                              account_number="999")
    run = build.frozen_run("sembako", "2026-11", households)
    cycle = cycles.approve(ctx(officers["keuangan"]), cycles.prepare(ctx(officers["program"]),
                                                                      run))
    bri = PaymentChannel.objects.get(code="bri")
    cycles.record_sp2d(ctx(officers["keuangan"]), cycle, bri, "SP2D-5", date(2026, 11, 3),
                       200_000)
    from payments.disbursement import create_batch

    batch = create_batch(ctx(officers["keuangan"]), cycle, bri)
    client.force_login(officers["keuangan"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = response_file(batch, {"KS00000000000000000001": ("C", "")})
    job = client.post(reverse("payments:response_upload", args=[batch.pk]),
                      {"file": SimpleUploadedFile("x.txt", data), "kind": "credit"})
    run_jobs()
    page = client.get(job.url).content.decode()
    assert "tidak dikenal" in page and "reference" in page
