"""Kesos's own signed work package for the offline visits of one village.

A package is one ZIP file:

    manifest.json          format, format_version, package_id, kind ('prelist' or 'results'),
                           village_code, created_at, created_by, instrument {code, version},
                           files [{path, sha256, size}], counts {households, members, results}
    signature              hex HMAC-SHA256 of the manifest bytes exactly as stored
    data/households.json   the prelist households to visit, with their members
    codelists.json         the instrument definition (questions and code lists)
    data/results.json      only in a package returned from the field: one visit result per
                           household {household_ref, result, answers, members, visited_at,
                           officer, latitude, longitude}

The signature covers the manifest and the manifest covers every file by its SHA-256, so a
package is accepted only as it was signed: a tampered, truncated or incomplete package, or one
of an unknown format version, is refused with the reason, never partly read.
"""

import hashlib
import hmac
import io
import json
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

FORMAT = "kesos-package"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "signature"
HOUSEHOLDS = "data/households.json"
RESULTS = "data/results.json"
CODELISTS = "codelists.json"
MAX_UNPACKED_BYTES = 512 * 1024 * 1024  # refuse zip bombs before reading


class PackageRefused(Exception):
    """The package cannot be trusted; `reason` is a stable code, the messages say why."""

    def __init__(self, reason: str, message_id: str, message_en: str) -> None:
        super().__init__(message_en)
        self.reason, self.message_id, self.message_en = reason, message_id, message_en

    def message(self, lang: str = "id") -> str:
        return self.message_en if lang == "en" else self.message_id


@dataclass(frozen=True)
class Package:
    manifest: dict
    households: list[dict]
    definition: dict
    results: list[dict] | None  # None in a prelist package

    @property
    def package_id(self) -> str:
        return self.manifest["package_id"]

    @property
    def village_code(self) -> str:
        return self.manifest["village_code"]


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, default=_json_default).encode()


def _json_default(value: Any) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def package_key(secret_key: str) -> bytes:
    """The signing key for packages, derived from the server's SECRET_KEY so that it is never
    the secret itself and rotating SECRET_KEY invalidates packages in the field."""
    return hmac.new(secret_key.encode(), b"kesos.registration.offline.package", "sha256").digest()


def sign(manifest_bytes: bytes, key: bytes) -> str:
    return hmac.new(key, manifest_bytes, hashlib.sha256).hexdigest()


def build_package(
    village_code: str,
    households: list[dict],
    definition: dict,
    created_by: str,
    key: bytes,
    *,
    results: list[dict] | None = None,
    package_id: str | None = None,
    created_at: datetime | None = None,
) -> bytes:
    """The signed ZIP. Without `results` it is a prelist package for the field; with them, the
    package as returned from the field (same package_id as the one sent out)."""
    files = {HOUSEHOLDS: _json_bytes(households), CODELISTS: _json_bytes(definition)}
    if results is not None:
        files[RESULTS] = _json_bytes(results)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "package_id": package_id or str(uuid.uuid4()),
        "kind": "prelist" if results is None else "results",
        "village_code": village_code,
        "created_at": (created_at or datetime.now(UTC)).isoformat(),
        "created_by": created_by,
        "instrument": {"code": definition["code"], "version": definition["version"]},
        "files": [
            {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for path, data in files.items()
        ],
        "counts": {
            "households": len(households),
            "members": sum(
                len(f.get("members", [])) for h in households for f in h.get("families", [])
            ),
            "results": len(results or []),
        },
    }
    manifest_bytes = _json_bytes(manifest)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, manifest_bytes)
        zf.writestr(SIGNATURE, sign(manifest_bytes, key))
        for path, data in files.items():
            zf.writestr(path, data)
    return out.getvalue()


def read_package(data: bytes, key: bytes) -> Package:
    """Verify and read a package; raise PackageRefused if it cannot be trusted in full."""
    contents = _unzip(data)
    for name in (MANIFEST, SIGNATURE):
        if name not in contents:
            raise _missing(name)
    manifest_bytes = contents[MANIFEST]
    given = contents[SIGNATURE].decode("ascii", "replace").strip()
    if not hmac.compare_digest(given, sign(manifest_bytes, key)):
        raise PackageRefused(
            "bad_signature",
            "Tanda tangan paket tidak cocok: paket diubah atau bukan dari server ini.",
            "The package signature does not verify: it was altered or not made by this server.",
        )
    manifest = _manifest(manifest_bytes)
    _check_files(manifest, contents)
    return Package(
        manifest=manifest,
        households=_load(contents, HOUSEHOLDS),
        definition=_load(contents, CODELISTS),
        results=_load(contents, RESULTS) if RESULTS in contents else None,
    )


def _unzip(data: bytes) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
                raise PackageRefused(
                    "too_large", "Isi paket terlalu besar.", "The package content is too large."
                )
            return {i.filename: zf.read(i) for i in infos}
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        ValueError,
        OSError,
        NotImplementedError,
    ) as exc:
        raise PackageRefused(
            "damaged",
            "Berkas bukan paket ZIP yang utuh (rusak, terpotong, atau bukan paket Kesos).",
            "The file is not an intact ZIP package (damaged, truncated or not a Kesos package).",
        ) from exc


def _missing(name: str) -> PackageRefused:
    return PackageRefused(
        "missing_file",
        f"Paket tidak lengkap: berkas {name} tidak ada.",
        f"The package is incomplete: {name} is missing.",
    )


def _manifest(manifest_bytes: bytes) -> dict:
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise PackageRefused(
            "bad_manifest",
            "Manifes paket tidak dapat dibaca.",
            "The package manifest cannot be read.",
        )
    if manifest.get("format_version") != FORMAT_VERSION:
        version = manifest.get("format_version")
        raise PackageRefused(
            "unknown_format",
            f"Versi format paket {version} tidak dikenal (yang didukung: {FORMAT_VERSION}).",
            f"Unknown package format version {version} (supported: {FORMAT_VERSION}).",
        )
    return manifest


def _check_files(manifest: dict, contents: dict[str, bytes]) -> None:
    listed = {f["path"]: f for f in manifest.get("files", [])}
    for path in (HOUSEHOLDS, CODELISTS):
        if path not in listed:
            raise _missing(path)
    unlisted = set(contents) - set(listed) - {MANIFEST, SIGNATURE}
    if unlisted:
        raise PackageRefused(
            "unlisted_file",
            f"Paket berisi berkas yang tidak tercantum di manifes: {', '.join(sorted(unlisted))}.",
            f"The package holds files not listed in the manifest: {', '.join(sorted(unlisted))}.",
        )
    for path, entry in listed.items():
        if path not in contents:
            raise _missing(path)
        if not hmac.compare_digest(hashlib.sha256(contents[path]).hexdigest(), entry["sha256"]):
            raise PackageRefused(
                "hash_mismatch",
                f"Isi berkas {path} tidak sesuai dengan manifes (diubah atau rusak).",
                f"The content of {path} does not match the manifest (altered or damaged).",
            )


def _load(contents: dict[str, bytes], path: str) -> Any:
    try:
        return json.loads(contents[path])
    except ValueError as exc:
        raise PackageRefused(
            "bad_content", f"Berkas {path} tidak dapat dibaca.", f"{path} cannot be read."
        ) from exc
