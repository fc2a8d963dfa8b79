"""Name normalisation shared by search, bulk loads and (later) matching."""

import re
import unicodedata

_NON_LETTERS = re.compile(r"[^A-Z ]+")
_SPACES = re.compile(r"\s+")


def name_key(name: str) -> str:
    """Upper-case ASCII letters and single spaces: 'Siti  Nur'aini' -> 'SITI NURAINI'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    cleaned = _NON_LETTERS.sub("", ascii_name.upper().replace("-", " "))
    return _SPACES.sub(" ", cleaned).strip()
