"""File layouts as data: how a line, a header and a trailer are written and read.

A layout spec: {"format": "csv" | "fixed" | "xlsx", "delimiter": ";",
"fields": [{"name", "value"?, "width"?, "align": "left"|"right", "pad": " "|"0"}],
"header": [...], "trailer": [...]}. Header and trailer items carry a "value" template with
{batch}, {channel}, {program}, {period}, {stage}, {date}, {count}, {total}. The same spec writes a
disbursement line (as DuckDB SQL, for the bulk path) and reads a response line (Python)."""

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from base.sql import literal

DATA = Path(__file__).parent / "data" / "layouts.json"


def shipped() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def install(channel_model, rule_model, layout_model) -> None:
    """The shipped channels, channel rules and layouts (idempotent; used by the migration)."""
    data = shipped()
    for c in data["channels"]:
        channel_model.objects.update_or_create(code=c["code"], defaults={
            "name": c["name"], "kind": c["kind"]})
    for r in data["rules"]:
        rule_model.objects.get_or_create(program=None, region_prefix=r["region_prefix"],
                                         defaults={"channel_id": r["channel"]})
    for code, purposes in data["assignments"].items():
        for purpose, name in purposes.items():
            layout_model.objects.update_or_create(channel_id=code, purpose=purpose, version=1,
                                                  defaults={"spec": data["layouts"][name]})
    for code in _banks(data):  # every bank takes burekol files in the shipped layouts
        for purpose in ("burekol_request", "burekol_answer"):
            layout_model.objects.update_or_create(channel_id=code, purpose=purpose, version=1,
                                                  defaults={"spec": data["layouts"][purpose]})


def _banks(data: dict) -> list[str]:
    return [c["code"] for c in data["channels"] if c["kind"] == "bank"]


# --- writing -------------------------------------------------------------------------------


def fill(template: str, values: dict) -> str:
    return template.format(**values)


def _fixed(text: str, item: dict) -> str:
    width = int(item["width"])
    pad = item.get("pad", " ")
    text = text[:width]
    return text.rjust(width, pad) if item.get("align") == "right" else text.ljust(width, pad)


def _csv(values: list[str], delimiter: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="", quoting=csv.QUOTE_MINIMAL
               ).writerow(values)
    return out.getvalue()


def record_line(spec: dict, items: list[dict], values: dict) -> str:
    """A header or trailer line (or a response line in tests) in the layout's format."""
    texts = [fill(str(i.get("value", "{" + i.get("name", "") + "}")), values) for i in items]
    if spec["format"] == "fixed":
        return "".join(_fixed(t, i) for t, i in zip(texts, items, strict=True))
    return _csv(texts, spec.get("delimiter", ";"))


def record_cells(items: list[dict], values: dict) -> list[str]:
    return [fill(str(i.get("value", "{" + i.get("name", "") + "}")), values) for i in items]


def _clean(expr: str) -> str:
    return f"regexp_replace(CAST({expr} AS VARCHAR), '[\\r\\n\\t]', ' ', 'g')"


def _csv_sql(expr: str, delimiter: str) -> str:
    d = literal(delimiter, "duckdb")
    return (f"(CASE WHEN contains({expr}, {d}) OR contains({expr}, '\"') "
            f"THEN '\"' || replace({expr}, '\"', '\"\"') || '\"' ELSE {expr} END)")


def line_sql(spec: dict) -> str:
    """A DuckDB expression over a relation with the fields' columns: the text of one line."""
    parts = []
    for f in spec["fields"]:
        expr = literal(str(f["value"]), "duckdb") if "value" in f else _clean(
            f"COALESCE(CAST({f['name']} AS VARCHAR), '')")
        if spec["format"] == "fixed":
            width, pad = int(f["width"]), literal(f.get("pad", " "), "duckdb")
            cut = f"substr({expr}, 1, {width})"
            parts.append(f"lpad({cut}, {width}, {pad})" if f.get("align") == "right"
                         else f"rpad({cut}, {width}, {pad})")
        else:
            parts.append(_csv_sql(expr, spec.get("delimiter", ";")))
    if spec["format"] == "fixed":
        return " || ".join(parts)
    return f" || {literal(spec.get('delimiter', ';'), 'duckdb')} || ".join(parts)


def width_problems(spec: dict, longest: dict[str, int]) -> list[str]:
    """Fields whose values would not fit a fixed-width layout (a cut amount would be wrong)."""
    if spec["format"] != "fixed":
        return []
    return [f["name"] for f in spec["fields"]
            if "value" not in f and longest.get(f["name"], 0) > int(f["width"])]


# --- reading -------------------------------------------------------------------------------


@dataclass
class Line:
    number: int  # 1-based line number in the file
    kind: str  # "header", "detail", "trailer"
    values: dict


def split(spec: dict, text: str, items: list[dict]) -> list[str]:
    if spec["format"] == "fixed":
        out, at = [], 0
        for i in items:
            w = int(i["width"])
            out.append(text[at:at + w].strip())
            at += w
        return out
    return next(csv.reader([text], delimiter=spec.get("delimiter", ";")))


def names(items: list[dict]) -> list[str]:
    return [i.get("name") or str(i.get("value", "")).strip("{}") for i in items]


def read_lines(spec: dict, data: bytes) -> list[Line]:
    """Every line of a text response file, told apart by its first character (H, D, T)."""
    text = data.decode("utf-8")
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        kind = {"H": "header", "T": "trailer"}.get(raw[:1], "detail")
        items = spec["header"] if kind == "header" else spec["trailer"] if kind == "trailer" \
            else spec["fields"]
        cells = split(spec, raw, items)
        out.append(Line(number, kind, dict(zip(names(items), cells, strict=False))))
    return out
