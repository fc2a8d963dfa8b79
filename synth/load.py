"""Bulk load of a generated registry (households, families, members Parquet) into the database:
COPY on PostgreSQL, executemany on SQLite, all in one transaction, with one audit event for
the whole load. Ids from the Parquet are kept, shifted past the ids already in the tables, so
a second load never collides with the first."""

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from audit.models import Source
from audit.services import Context, record_bulk
from base.bulk import load_model
from registry.models import Family, Household, InstrumentVersion, Member, Status
from wilayah.models import Level, Region

logger = logging.getLogger(__name__)
BATCH_ROWS = 100_000
ACTION = "registry.bulk_load"


class LoadError(Exception):
    """The output cannot be loaded into this database (say which step is missing)."""


@dataclass
class LoadResult:
    run: str
    households: int
    families: int
    members: int
    offsets: dict[str, int]  # added to the Parquet ids: household, family, member
    seconds: float

    @property
    def rows(self) -> int:
        return self.households + self.families + self.members

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def load_registry(out_dir: Path, ctx: Context | None = None) -> LoadResult:
    """Insert the registry of a `generate` output directory into the default database.

    The regions of its villages must be loaded (`manage.py load_wilayah`) and the instrument
    version it names must exist (a migration adds dtks v1)."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    run = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
    instrument = _instrument(run)
    _check_villages(out_dir, run.get("scope", ""))
    ctx = ctx or Context(source=Source.BATCH, source_ref=out_dir.name[:100],
                         reason="synthetic population load")
    with transaction.atomic():
        _lock()
        offsets = {
            "household": _max_id(Household), "family": _max_id(Family), "member": _max_id(Member),
        }
        stamp = timezone.now()
        counts = {
            "households": load_model(Household, _household_batches(out_dir, offsets, instrument,
                                                              stamp)),
            "families": load_model(Family, _family_batches(out_dir, offsets)),
            "members": load_model(Member, _member_batches(out_dir, offsets, stamp)),
        }
        for sql in connection.ops.sequence_reset_sql(no_style(), [Household, Family, Member]):
            with connection.cursor() as cursor:
                cursor.execute(sql)
        record_bulk(ctx, ACTION, "synth.run",
                    [(out_dir.name[:64], run.get("scope", ""), counts | {"offsets": offsets})])
    _refresh_statistics()
    seconds = time.perf_counter() - started
    logger.info("synth load %s: %s rows in %.1f s", out_dir.name, sum(counts.values()), seconds)
    return LoadResult(out_dir.name, counts["households"], counts["families"], counts["members"],
                      offsets, round(seconds, 3))


def _refresh_statistics() -> None:
    """After a bulk load PostgreSQL needs fresh statistics to plan searches, and a vacuumed
    visibility map to count from indexes alone; VACUUM cannot run inside a transaction."""
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    tables = [m._meta.db_table for m in (Household, Family, Member)]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{command} {table}")


def _instrument(run: dict) -> InstrumentVersion:
    spec = run.get("instrument", {"code": "dtks", "version": 1})
    try:
        return InstrumentVersion.objects.get(code=spec["code"], version=spec["version"])
    except InstrumentVersion.DoesNotExist:
        raise LoadError(f"instrument {spec['code']} v{spec['version']} is not in the database; "
                        "run `manage.py migrate`") from None


def _check_villages(out_dir: Path, scope: str) -> None:
    codes = pq.read_table(out_dir / "households.parquet", columns=["village_code"])
    needed = set(pc.unique(codes["village_code"]).to_pylist())
    known = Region.objects.filter(level=Level.VILLAGE)
    if scope:
        known = known.filter(code__startswith=scope + ".") if len(scope) < 13 else \
            known.filter(code=scope)
    missing = needed - set(known.values_list("code", flat=True))
    if missing:
        raise LoadError(f"{len(missing)} villages of this population are not in the database; "
                        "run `manage.py load_wilayah` first")


def _lock() -> None:
    """Keep other writers out while ids are taken past the current maximum."""
    if connection.vendor == "postgresql":
        tables = ", ".join(m._meta.db_table for m in (Household, Family, Member))
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")


def _max_id(model: type[models.Model]) -> int:
    return model.objects.aggregate(m=Max("id"))["m"] or 0


def _batches(path: Path) -> Iterator[pa.Table]:
    for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS):
        yield pa.Table.from_batches([batch])


def _const(value: object, n: int, type_: pa.DataType) -> pa.Array:
    return pa.array([value] * n, type_) if n else pa.array([], type_)


def _stamp(stamp, n: int) -> pa.Array:
    return _const(connection.ops.adapt_datetimefield_value(stamp), n, pa.string()) \
        if connection.vendor == "sqlite" else _const(stamp.isoformat(), n, pa.string())


def _household_batches(out_dir: Path, offsets: dict[str, int], instrument: InstrumentVersion,
                       stamp) -> Iterator[dict[str, pa.Array]]:
    for t in _batches(out_dir / "households.parquet"):
        n = t.num_rows
        yield {
            "id": pc.add(t["household_id"], offsets["household"]),
            "village_id": t["village_code"], "address": t["address"], "rt": t["rt"], "rw": t["rw"],
            "latitude": t["latitude"], "longitude": t["longitude"],
            "status": _const(Status.ACTIVE.value, n, pa.string()),
            "inactive_reason": _const("", n, pa.string()),
            "instrument_id": _const(instrument.pk, n, pa.int64()), "answers": t["answers"],
            **{c: t[c] for c in ("floor_area_m2", "floor_material", "wall_material",
                                 "roof_material", "drinking_water", "lighting", "cooking_fuel",
                                 "toilet_facility")},
            "revision": _const(1, n, pa.int64()),
            "created_at": _stamp(stamp, n), "updated_at": _stamp(stamp, n),
        }


def _family_batches(out_dir: Path, offsets: dict[str, int]) -> Iterator[dict[str, pa.Array]]:
    for t in _batches(out_dir / "families.parquet"):
        yield {
            "id": pc.add(t["family_id"], offsets["family"]),
            "household_id": pc.add(t["household_id"], offsets["household"]),
            "kk_number": t["kk_number"],
        }


def _member_batches(out_dir: Path, offsets: dict[str, int], stamp
                    ) -> Iterator[dict[str, pa.Array]]:
    copied = ("nik", "name", "name_key", "birth_place", "birth_date", "sex",
              "relation_to_household_head", "relation_to_family_head", "family_order",
              "marital_status", "pregnant", "disability", "chronic_illness",
              "school_participation", "education", "work_sector", "employment_status")
    for t in _batches(out_dir / "members.parquet"):
        n = t.num_rows
        yield {
            "id": pc.add(t["member_id"], offsets["member"]),
            "household_id": pc.add(t["household_id"], offsets["household"]),
            "family_id": pc.add(t["family_id"], offsets["family"]),
            "village_id": t["village_code"],
            **{c: t[c] for c in copied},
            "status": _const(Status.ACTIVE.value, n, pa.string()),
            "inactive_reason": _const("", n, pa.string()),
            "revision": _const(1, n, pa.int64()),
            "created_at": _stamp(stamp, n), "updated_at": _stamp(stamp, n),
        }
