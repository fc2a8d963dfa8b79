import hashlib
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from payments import cycles, reconciliation
from payments.disbursement import create_batch, render, write_files
from payments.errors import PaymentError
from payments.models import (
    ChannelRule,
    KpmAccount,
    Payment,
    PaymentAttempt,
    PaymentChannel,
    PaymentEvent,
    ResponseImport,
)
from programs.tests.kpm_data import other_kabupaten_village

from .builders import ctx, references, response_file

OTHER_DISTRICT = "32.01.02.2001"


def _output(folder):
    def write_output(name, write):
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{name}.partial"
        write(partial)
        partial.replace(folder / name)
        return name
    return write_output


@pytest.fixture
def disbursed(build, officers, tmp_path):
    """disbursed(channel, village, n) -> (batch, folder): an approved Sembako cycle of n KPM
    with open accounts, its first batch of `channel` and the file written under folder."""

    def make(channel: str = "bri", village: str = "32.01.01.1001", n: int = 3):
        if village != "32.01.01.1001":
            ChannelRule.objects.get_or_create(program=None, region_prefix=village[:8],
                                              defaults={"channel_id": channel})
        households = build.households(n, village)
        for i, h in enumerate(households):
            KpmAccount.objects.create(household=h, channel_id=channel, village_code=village,
                                      status="open", account_number=f"7{h.pk:05d}{i}")
        run = build.frozen_run("sembako", "2026-11", households)
        finance = officers["keuangan"]
        cycle = cycles.approve(ctx(finance), cycles.prepare(ctx(officers["program"]), run))
        chan = PaymentChannel.objects.get(code=channel)
        cycles.record_sp2d(ctx(finance), cycle, chan, f"SP2D-{channel}", date(2026, 11, 3),
                           200_000 * n)
        batch = create_batch(ctx(finance), cycle, chan)
        folder = tmp_path / "out"
        write_files(batch, _output(folder), tmp_path / "work")
        batch.refresh_from_db()
        return batch, folder

    return make


def _nothing_written(batch) -> None:
    assert not ResponseImport.objects.filter(batch=batch).exists()
    assert set(PaymentAttempt.objects.filter(batch=batch).values_list("status", flat=True)) \
        == {"sent"}
    assert not PaymentEvent.objects.filter(source="file").exists()


@pytest.mark.parametrize(("channel", "village"), [
    ("bri", "32.01.01.1001"), ("bni", OTHER_DISTRICT), ("mandiri", "34.03")])
def test_each_layout_regenerates_the_same_bytes_with_header_and_trailer(
        disbursed, tmp_path, channel, village):
    """Issue 12, item 3: layouts "are data per channel (CSV, fixed width or XLSX ...) header and
    trailer with record count and total ... Regenerating a cycle's file gives the same bytes"."""
    if village == "34.03":
        village = other_kabupaten_village()
    batch, folder = disbursed(channel, village)
    path = folder / batch.file_name
    assert hashlib.sha256(path.read_bytes()).hexdigest() == batch.sha256
    again = tmp_path / "again"
    render(batch, again, tmp_path / "work2")
    assert again.read_bytes() == path.read_bytes()
    refs = references(batch)
    if batch.layout.spec["format"] == "fixed":
        lines = path.read_text().splitlines()
        width = sum(f["width"] for f in batch.layout.spec["fields"])
        assert all(len(line) == width for line in lines[1:-1])
        assert lines[-1] == "T" + "3".rjust(10, "0") + "600000".rjust(18, "0")
        assert [line[1:25].strip() for line in lines[1:-1]] == refs
    elif batch.layout.spec["format"] == "xlsx":
        assert zipfile.is_zipfile(path)
        rows = list(load_workbook(path, read_only=True).active.values)
        assert rows[0][0] == "H" and rows[-1][:3] == ("T", "3", "600000")
        assert [r[1] for r in rows[1:-1]] == refs
    else:
        lines = path.read_text().splitlines()
        assert lines[-1] == "T;3;600000"


def test_each_payment_reference_is_unique_and_the_manifest_holds_the_checksum(disbursed):
    import json

    batch, folder = disbursed()
    manifest = json.loads(next(folder.glob("*.manifest.json")).read_text())
    assert manifest["sha256"] == batch.sha256 and manifest["records"] == 3
    assert len(set(references(batch))) == 3


def _refs(batch):
    return references(batch)


REFUSALS = {
    "bad checksum": ("sha256", lambda b, r: (response_file(b, {x: ("C", "") for x in r}),
                                             "0" * 64)),
    "truncated (no trailer)": ("record", lambda b, r: (response_file(
        b, {x: ("C", "") for x in r}, trailer=False), "")),
    "re-ordered (header not first)": ("record", lambda b, r: (b"\n".join(
        reversed(response_file(b, {x: ("C", "") for x in r}).splitlines())) + b"\n", "")),
    "record count": ("count", lambda b, r: (response_file(b, {x: ("C", "") for x in r},
                                                          count=5), "")),
    "total": ("total", lambda b, r: (response_file(b, {x: ("C", "") for x in r}, total=1), "")),
    "another batch": ("batch", lambda b, r: (response_file(
        b, {x: ("C", "") for x in r}, header={"batch": "C999999-BRI-001"}), "")),
    "another bank": ("channel", lambda b, r: (response_file(
        b, {x: ("C", "") for x in r}, header={"channel": "BNI"}), "")),
    "unknown reference": ("reference", lambda b, r: (response_file(
        b, {**{x: ("C", "") for x in r}, "KS99999999999999999999": ("C", "")}), "")),
    "amount differs": ("amount", lambda b, r: (response_file(
        b, {x: ("C", "") for x in r}, amounts={r[0]: 199_999}), "")),
    "duplicated line": ("reference", lambda b, r: (response_file(
        b, {x: ("C", "") for x in r}, extra_lines=[f"D|{r[0]}|200000|C||20261203"],
        total=800_000), "")),
    "failure without reason": ("reason_code", lambda b, r: (response_file(
        b, {x: ("F", "") for x in r}), "")),
    "status of another file kind": ("status", lambda b, r: (response_file(
        b, {x: ("T", "") for x in r}), "")),
}


@pytest.mark.parametrize("kind", list(REFUSALS))
def test_each_bad_response_file_is_refused_naming_line_and_field_and_nothing_is_written(
        disbursed, officers, kind):
    """Issue 12, "Bad input and faults": "A tampered, truncated or re-ordered bank file
    (checksum, record count, totals), a file for another cycle or another bank, a line with an
    unknown reference, an amount that differs, a duplicated line: each refused with a clear
    error naming the line and field, nothing written"."""
    batch, _ = disbursed()
    field, make = REFUSALS[kind]
    data, sha = make(batch, _refs(batch))
    with pytest.raises(PaymentError) as refused:
        reconciliation.import_response(ctx(officers["keuangan"]), batch, data, "bri.txt",
                                       declared_sha256=sha)
    problems = refused.value.problems
    assert field in {p.field for p in problems}, [p.en for p in problems]
    assert all(p.id and p.en for p in problems)
    assert "Tidak ada yang disimpan" in refused.value.id and "Nothing was saved" in \
        refused.value.en
    _nothing_written(batch)


def test_an_mt940_statement_is_reconciled_by_the_reference_in_the_narrative(disbursed,
                                                                            officers):
    """Issue 12, item 4: "bank statements in MT940 ... can be reconciled by the payment
    reference in the narrative"."""
    batch, _ = disbursed()
    refs = _refs(batch)
    lines = [":20:STMT-0001", ":25:1234567890", ":28C:1/1", ":60F:C261203IDR600000,00"]
    for i, ref in enumerate(refs[:2]):
        lines += [f":61:2612031203D200000,00NTRF{i:04d}//B{i:04d}",
                  f":86:BANSOS SEMBAKO {ref} SALUR"]
    lines += [":61:2612031203D5000,00NTRFNOREF//X", ":86:BIAYA ADMIN", ":62F:C261203IDR195000,00"]
    data = ("\r\n".join(lines) + "\r\n").encode()
    result = reconciliation.import_response(ctx(officers["keuangan"]), batch, data,
                                            "statement.sta", ResponseImport.Kind.MT940)
    assert result.counts == {"credited": 2}
    assert Payment.objects.filter(status="credited").count() == 2

    wrong = data.replace(b"D200000,00NTRF0000", b"D199000,00NTRF0000")
    with pytest.raises(PaymentError) as refused:
        reconciliation.import_response(ctx(officers["keuangan"]), batch, wrong,
                                       "statement2.sta", ResponseImport.Kind.MT940)
    assert {p.field for p in refused.value.problems} == {"amount"}
