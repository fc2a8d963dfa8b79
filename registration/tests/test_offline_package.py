"""Kesos work packages for offline visits.

Rule: a package is accepted only as the server signed it. A tampered, truncated or incomplete
package, one signed with another key, or one of an unknown format version is refused with the
reason (in Indonesian and English), never partly read.
"""

import hashlib
import io
import json
import zipfile

import pytest

from registration.offline.package import (
    FORMAT_VERSION,
    PackageRefused,
    build_package,
    package_key,
    read_package,
    sign,
)
from registry.instrument import shipped_definition

KEY = package_key("test-secret-key")
VILLAGE = "32.01.01.1001"
HOUSEHOLDS = [
    {
        "household_ref": "H-1",
        "address": "Jl. Melati 5",
        "rt": "001",
        "rw": "002",
        "families": [
            {
                "kk_number": "3201010101200001",
                "members": [
                    {
                        "nik": "3201011708850001",
                        "name": "Budi Santoso",
                        "sex": "L",
                        "birth_date": "1985-08-17",
                    }
                ],
            }
        ],
    },
]
RESULTS = [
    {
        "household_ref": "H-1",
        "result": 1,
        "answers": {"tenure": 1, "floor_area_m2": 36},
        "members": HOUSEHOLDS[0]["families"][0]["members"],
        "visited_at": "2026-01-05T09:30:00+07:00",
        "officer": "enum-1",
        "latitude": -6.48,
        "longitude": 106.85,
    },
]


def returned_package(**changes) -> bytes:
    """A package as it comes back from the field: the prelist plus data/results.json."""
    return build_package(
        VILLAGE,
        HOUSEHOLDS,
        shipped_definition(),
        "operator-1",
        KEY,
        results=RESULTS,
        package_id="5f0c6f1e-0000-4000-8000-000000000001",
        **changes,
    )


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The same package with some members' bytes replaced (a re-zipped, altered package)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info)))
    return out.getvalue()


def refusal(data: bytes, key: bytes = KEY) -> PackageRefused:
    with pytest.raises(PackageRefused) as caught:
        read_package(data, key)
    return caught.value


def test_a_prelist_package_reads_back_with_its_manifest():
    package = read_package(build_package(VILLAGE, HOUSEHOLDS, shipped_definition(), "op", KEY), KEY)
    assert package.village_code == VILLAGE
    assert package.households == HOUSEHOLDS
    assert package.definition == shipped_definition()
    assert package.results is None
    manifest = package.manifest
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["created_by"] == "op"
    assert manifest["instrument"] == {"code": "dtks", "version": 1}
    assert manifest["counts"] == {"households": 1, "members": 1, "results": 0}
    assert {f["path"] for f in manifest["files"]} == {"data/households.json", "codelists.json"}


def test_a_returned_package_carries_the_signed_visit_results():
    package = read_package(returned_package(), KEY)
    assert package.results == RESULTS
    assert package.manifest["kind"] == "results"
    assert package.manifest["counts"]["results"] == 1
    listed = {f["path"]: f["sha256"] for f in package.manifest["files"]}
    with zipfile.ZipFile(io.BytesIO(returned_package())) as zf:
        assert (
            listed["data/results.json"] == hashlib.sha256(zf.read("data/results.json")).hexdigest()
        )


def test_one_changed_byte_in_results_is_refused():
    data = returned_package()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        results = bytearray(zf.read("data/results.json"))
    results[results.index(b'"result": 1') + 10] = ord("2")  # verified -> not found
    error = refusal(rezip(data, {"data/results.json": bytes(results)}))
    assert error.reason == "hash_mismatch"
    assert error.message("id") == (
        "Isi berkas data/results.json tidak sesuai dengan manifes (diubah atau rusak)."
    )
    assert "does not match the manifest" in error.message("en")


def test_a_changed_manifest_is_refused_by_its_signature():
    data = returned_package()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        manifest = zf.read("manifest.json").replace(VILLAGE.encode(), b"32.01.01.1002")
    error = refusal(rezip(data, {"manifest.json": manifest}))
    assert error.reason == "bad_signature"
    assert "tanda tangan" in error.message_id.lower()


def test_a_package_signed_with_another_key_is_refused():
    assert refusal(returned_package(), key=package_key("other-server")).reason == "bad_signature"


def test_a_truncated_package_is_refused():
    data = returned_package()
    for cut in (len(data) // 2, len(data) - 10, 3):
        error = refusal(data[:cut])
        assert error.reason == "damaged"
        assert "truncated" in error.message_en


def test_one_flipped_byte_anywhere_is_refused_unless_it_changes_nothing_that_is_read():
    """Bytes of the ZIP headers that hold no content (timestamps, attributes) may change
    without harm; any change that reaches the content is refused."""
    data = returned_package()
    original = read_package(data, KEY)
    refused = 0
    for position in range(len(data)):
        flipped = bytearray(data)
        flipped[position] ^= 0xFF
        try:
            package = read_package(bytes(flipped), KEY)
        except PackageRefused:
            refused += 1
            continue
        assert package == original
    assert refused > len(data) * 0.9


def test_a_missing_file_or_an_unlisted_extra_file_is_refused():
    data = returned_package()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != "codelists.json":
                dst.writestr(info.filename, src.read(info))
    assert refusal(out.getvalue()).reason == "missing_file"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr("data/extra.json", b"[]")
    assert refusal(out.getvalue()).reason == "unlisted_file"


def test_an_unknown_format_version_is_refused_even_when_signed():
    data = returned_package()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    manifest["format_version"] = 99
    manifest_bytes = json.dumps(manifest).encode()
    error = refusal(
        rezip(
            data, {"manifest.json": manifest_bytes, "signature": sign(manifest_bytes, KEY).encode()}
        )
    )
    assert error.reason == "unknown_format"
    assert error.message_en == "Unknown package format version 99 (supported: 1)."


def test_not_a_zip_at_all_is_refused():
    assert refusal(b"household_ref,result\nH-1,1\n").reason == "damaged"
