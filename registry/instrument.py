"""The socio-economic instrument as data: questions, types and code lists of a version, the
validation of a household's answers against it, and the answers copied to indexed columns."""

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

SHIPPED = Path(__file__).resolve().parent / "instruments"
CURRENT = ("dtks", 1)


@lru_cache(maxsize=8)
def shipped_definition(code: str = CURRENT[0], version: int = CURRENT[1]) -> dict:
    return json.loads((SHIPPED / f"{code}_v{version}.json").read_text(encoding="utf-8"))


def questions(definition: dict) -> dict[str, dict]:
    return {q["key"]: q for block in definition["blocks"] for q in block["questions"]}


def indexed_keys(definition: dict) -> list[str]:
    return [k for k, q in questions(definition).items() if q.get("indexed")]


def indexed_values(definition: dict, answers: dict) -> dict[str, Any]:
    """The values of the indexed questions, for the Household columns of the same name."""
    return {k: answers.get(k) for k in indexed_keys(definition)}


@dataclass(frozen=True)
class AnswerError:
    key: str
    message_id: str
    message_en: str

    def message(self, lang: str = "id") -> str:
        return self.message_en if lang == "en" else self.message_id


def validate_answers(definition: dict, answers: dict) -> list[AnswerError]:
    """Every problem with `answers`: unknown questions, missing required ones, wrong types,
    values outside the range or the code list."""
    qs = questions(definition)
    errors = [
        AnswerError(
            k,
            f"Pertanyaan '{k}' tidak ada di instrumen.",
            f"Question '{k}' is not in the instrument.",
        )
        for k in answers
        if k not in qs
    ]
    for key, q in qs.items():
        value = answers.get(key)
        if value is None:
            if q.get("required"):
                errors.append(
                    AnswerError(
                        key, f"{q['label']['id']} wajib diisi.", f"{q['label']['en']} is required."
                    )
                )
            continue
        problem = _check(definition, q, value)
        if problem:
            errors.append(
                AnswerError(
                    key, f"{q['label']['id']}: {problem[0]}", f"{q['label']['en']}: {problem[1]}"
                )
            )
    return errors


def _check(definition: dict, q: dict, value: Any) -> tuple[str, str] | None:
    if q["type"] == "boolean":
        return None if isinstance(value, bool) else ("harus ya/tidak.", "must be yes/no.")
    if not isinstance(value, int) or isinstance(value, bool):
        return ("harus bilangan bulat.", "must be a whole number.")
    if q["type"] == "code":
        options = definition["code_lists"][q["code_list"]]
        if str(value) not in options:
            return (f"kode {value} tidak ada dalam daftar.", f"code {value} is not in the list.")
        return None
    lo, hi = q.get("min"), q.get("max")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        return (f"nilai {value} di luar rentang {lo}–{hi}.", f"value {value} is outside {lo}–{hi}.")
    return None


def code_label(definition: dict, code_list: str, value: Any, lang: str = "id") -> str:
    entry = definition["code_lists"].get(code_list, {}).get(str(value))
    return entry[lang] if entry else ("" if value is None else str(value))


def answer_label(definition: dict, key: str, value: Any, lang: str = "id") -> str:
    """The answer as a person reads it: code labels, Ya/Tidak, numbers as they are."""
    q = questions(definition).get(key)
    if q is None or value is None:
        return "" if value is None else str(value)
    if q["type"] == "code":
        return code_label(definition, q["code_list"], value, lang)
    if q["type"] == "boolean":
        yes_no = {"id": ("Ya", "Tidak"), "en": ("Yes", "No")}[lang if lang == "en" else "id"]
        return yes_no[0] if value else yes_no[1]
    return str(value)


def member_label(definition: dict, field: str, value: Any, lang: str = "id") -> str:
    code_list = definition["member_fields"].get(field)
    return code_label(definition, code_list, value, lang) if code_list else str(value)
