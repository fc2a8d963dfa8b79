"""Where civil-registry records come from when matching: an imported extract, or a
NIK-verification service asked in batches. `SimulatedService` stands in for the real service in
the demo and tests: it answers from an extract, one batch at a time, with a delay per call and
a batch-size limit, as a remote service would."""

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from base.sql import literal

# What a verification returns per NIK found (unknown NIKs are simply absent).
RECORD_SCHEMA = pa.schema([
    ("nik", pa.string()), ("kk_number", pa.string()), ("name", pa.string()),
    ("name_key", pa.string()), ("birth_date", pa.date32()), ("sex", pa.string()),
    ("village_code", pa.string()), ("death_date", pa.date32()),
])
RECORD_COLUMNS = tuple(RECORD_SCHEMA.names)


@runtime_checkable
class NikVerifier(Protocol):
    """A NIK-verification source: `verify` answers at most `batch_size` NIKs per call."""

    batch_size: int

    def verify(self, niks: Sequence[str]) -> pa.Table:
        """The civil records (RECORD_COLUMNS) of the NIKs found."""
        ...


class ExtractAdapter:
    """Verification against an imported extract (civil.services.extract_path)."""

    batch_size = 1_000_000

    def __init__(self, path: Path):
        self.path = Path(path)
        self._con = duckdb.connect()

    def verify(self, niks: Sequence[str]) -> pa.Table:
        asked = pa.table({"nik": pa.array(list(niks), pa.string())})
        self._con.register("asked", asked)
        columns = ", ".join(f"c.{c}" for c in RECORD_COLUMNS)
        query = f"SELECT {columns} FROM read_parquet({literal(self.path)}) c "  # noqa: S608
        return self._con.sql(query + "SEMI JOIN asked USING (nik)").to_arrow_table()


class BatchTooLarge(ValueError):
    pass


class SimulatedService:
    """An in-process stand-in for Dukcapil's NIK-verification service."""

    def __init__(self, path: Path, latency_s: float = 0.05, batch_size: int = 1000):
        self.batch_size = batch_size
        self.latency_s = latency_s
        self.calls = 0
        self._extract = ExtractAdapter(path)

    def verify(self, niks: Sequence[str]) -> pa.Table:
        if len(niks) > self.batch_size:
            raise BatchTooLarge(f"at most {self.batch_size} NIKs per request, got {len(niks)}")
        self.calls += 1
        time.sleep(self.latency_s)
        return self._extract.verify(niks)


def fetch_records(verifier: NikVerifier, niks: Sequence[str], target: Path) -> int:
    """Ask `verifier` about every NIK, batch by batch, and write the records found to the
    Parquet file `target`; returns the number found."""
    found = 0
    with pq.ParquetWriter(target, RECORD_SCHEMA) as writer:
        for start in range(0, len(niks), verifier.batch_size):
            batch = verifier.verify(niks[start:start + verifier.batch_size])
            writer.write_table(batch.select(list(RECORD_COLUMNS)).cast(writer.schema))
            found += batch.num_rows
    return found

