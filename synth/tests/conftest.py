"""A small synthetic population generated once per test session (no database needed):
Kabupaten Bogor, which has both desa and kelurahan and many districts, cut into several
chunks so that numbering across chunks is exercised too."""

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from synth import plan
from synth.generate import generate

SCOPE = "32.01"
HOUSEHOLDS = 1200
SEED = 7


class Output:
    """Read access to a generated directory: `out.rows('members')` -> list of dicts."""

    def __init__(self, path: Path, result):
        self.path = path
        self.result = result
        self._cache: dict[str, list[dict]] = {}

    def table(self, name: str):
        return pq.read_table(self.path / f"{name}.parquet")

    def rows(self, name: str) -> list[dict]:
        if name not in self._cache:
            self._cache[name] = self.table(name).to_pylist()
        return self._cache[name]


@pytest.fixture(scope="session")
def population(tmp_path_factory) -> Output:
    path = tmp_path_factory.mktemp("synth") / "bogor"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(plan, "CHUNK_HOUSEHOLDS", 400)
        result = generate(SCOPE, HOUSEHOLDS, SEED, path)
    return Output(path, result)
