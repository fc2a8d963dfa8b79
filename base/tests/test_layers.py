"""The layering contracts of pyproject.toml ([tool.importlinter]) hold: no package imports one
above it (kesos at the top, base at the bottom), and the three former import circles stay
broken. Run by hand: `.venv/bin/lint-imports`."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_contracts_are_kept():
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(  # noqa: S603 -- the venv's own tool, no user input
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
