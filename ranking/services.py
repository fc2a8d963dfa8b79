"""Actions of the ranking app: keep PMT models (versioned), and load a scoring run's scores
into the database in bulk (COPY on PostgreSQL, executemany on SQLite), replacing the previous
run's, with one audit event naming the run."""

from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from audit.models import Source
from audit.services import Context, record_bulk
from base.bulk import load_model
from registry.models import Household

from .models import HouseholdScore, PmtModel
from .pmt import shipped_model
from .scoring import SCORES

BATCH_ROWS = 200_000
LOAD_ACTION = "ranking.scores.load"


class LoadError(Exception):
    """Scores cannot be loaded (the message says why)."""


def save_model(document: dict, fitted_from: str = "") -> PmtModel:
    """Store a model document as the next version of its name."""
    name = document["name"]
    with transaction.atomic():
        latest = PmtModel.objects.select_for_update().filter(name=name).aggregate(
            v=Max("version"))["v"] or 0
        body = {k: v for k, v in document.items() if k not in ("name", "version", "metrics")}
        return PmtModel.objects.create(
            name=name, version=latest + 1, coefficients=body,
            fitted_from=(fitted_from or document.get("fitted_from", ""))[:300],
            metrics=document.get("metrics", {}))


def current_model() -> PmtModel:
    """The most recently stored model; the shipped one is stored first if there is none."""
    model = PmtModel.objects.first()
    if model is None:
        shipped = shipped_model()
        model = save_model(shipped, shipped.get("fitted_from", "shipped"))
    return model


def _batches(path: Path, model: PmtModel, run_ref: str, stamp: str):
    for batch in pq.ParquetFile(path).iter_batches(
            batch_size=BATCH_ROWS, columns=["household_id", "province", "score",
                                            "desil_national", "desil_province"]):
        n = batch.num_rows
        yield {
            "household_id": batch.column("household_id"),
            "model_id": pa.array([model.pk] * n, pa.int64()),
            "run_ref": pa.array([run_ref] * n, pa.string()),
            "province": batch.column("province"),
            "score": batch.column("score"),
            "desil_national": pc.cast(batch.column("desil_national"), pa.int16()),
            "desil_province": pc.cast(batch.column("desil_province"), pa.int16()),
            "scored_at": pa.array([stamp] * n, pa.string()),
        }


def load_scores(run_ref: str, out_dir: Path, model: PmtModel | dict,
                ctx: Context | None = None) -> int:
    """Replace every stored household score with the scores.parquet of `out_dir`, in one
    transaction; returns the rows loaded. `model` is the PmtModel (or the model document,
    stored as a new version) the run scored with."""
    if isinstance(model, dict):
        model = _stored(model)
    path = Path(out_dir) / SCORES
    if not path.exists():
        raise LoadError(f"no {SCORES} in {out_dir}")
    table = connection.ops.quote_name(HouseholdScore._meta.db_table)
    stamp = timezone.now()
    stamp_text = (connection.ops.adapt_datetimefield_value(stamp)
                  if connection.vendor == "sqlite" else stamp.isoformat())
    ctx = replace(ctx or Context(reason="welfare ranking"), source=Source.BATCH,
                  source_ref=run_ref[:100])
    outer_transaction = connection.in_atomic_block
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # TRUNCATE is fast but refuses a table with pending (deferred) checks, as inside
            # a caller's transaction that wrote scores before.
            if connection.vendor == "postgresql" and not outer_transaction:
                cursor.execute(f"TRUNCATE {table}")
            else:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608
            total = load_model(HouseholdScore, _batches(path, model, run_ref[:100], stamp_text))
            _check_households(cursor, table)
            record_bulk(ctx, LOAD_ACTION, "ranking.run",
                        [(run_ref[:64], "", {"households": total, "model": str(model)})])
    except IntegrityError as e:
        raise LoadError(f"the scores could not be stored: {str(e).splitlines()[0]}") from None
    return total


def _check_households(cursor, table: str) -> None:
    """Foreign keys are checked only at commit; say plainly which household is unknown."""
    households = connection.ops.quote_name(Household._meta.db_table)
    cursor.execute(f"SELECT COUNT(*), MIN(s.household_id) FROM {table} s "  # noqa: S608
                   f"LEFT JOIN {households} h ON h.id = s.household_id WHERE h.id IS NULL")
    missing, first = cursor.fetchone()
    if missing:
        raise LoadError(f"{missing} scored households are not in this database (the first: "
                        f"household {first}); was the snapshot taken from it?")


def _stored(document: dict) -> PmtModel:
    found = PmtModel.objects.filter(name=document.get("name"),
                                    version=document.get("version") or 0).first()
    return found or save_model(document)
