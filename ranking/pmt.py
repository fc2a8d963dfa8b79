"""The proxy-means-test (PMT) model as data, and its estimation.

A model is a JSON document:

    {"format": "kesos.pmt/1", "name": ..., "version": ..., "target": ...,
     "variables": [<variable>, ...],          # how a household's data become categories
     "variants": [{"key": "national", "province": null, "area": null,
                   "intercept": 13.9, "weights": {"floor_material:earth": -0.21, ...}}, ...]}

Each variable reads one column of the household variables table (see `ranking.sql`) and puts
every household in one category; the first category is the reference (weight 0), and so is any
value the variable does not know (NULL, an unlisted code). Kinds:

    codes  {"column": c, "categories": [[label, [code, ...]], ...]}
    bins   {"column": c, "per": p or null, "edges": [e1, ...], "labels": [...]}
           category k = how many edges e satisfy c >= e * p (p = 1 without `per`)
    flag   {"column": c}                       categories "no" (reference) and "yes" (c = 1)

The prediction is log per-capita monthly consumption: intercept + the weights of the
household's categories, using the most specific variant present (province and urban/rural,
then province, then national). Estimation is ordinary least squares (numpy lstsq) on the
dummy-coded design; regional variants are least squares shrunk toward the model above them
(ridge on the difference), so a province with few survey households stays near national.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

FORMAT = "kesos.pmt/1"
SHIPPED = Path(__file__).resolve().parent / "models" / "national.json"
NATIONAL = "national"
AREAS = ("urban", "rural")

# Codes grouped from worst to best (instrument dtks v1 code lists).
_HOUSING = [
    ("floor_material", [("earth", [9]), ("bamboo_wood", [7, 8, 10]), ("cement_brick", [6]),
                        ("tiles_wood", [4, 5]), ("ceramic_marble", [1, 2, 3])]),
    ("wall_material", [("bamboo_other", [4, 6, 7]), ("wood_logs", [3, 5]),
                       ("plastered_bamboo", [2]), ("masonry", [1])]),
    ("roof_material", [("thatch_bamboo", [8, 9, 10]), ("shingles_zinc", [6, 7]),
                       ("asbestos", [5]), ("clay_tiles", [4]), ("metal_tiles", [3]),
                       ("concrete_ceramic", [1, 2])]),
    ("drinking_water", [("surface_rain", [9, 10, 11, 12]), ("unprotected_well", [7]),
                        ("protected_well_spring", [6, 8]), ("borehole", [5]),
                        ("piped", [3, 4]), ("refilled", [2]), ("bottled", [1])]),
    ("lighting", [("not_electric", [3]), ("non_pln", [2]), ("pln", [1])]),
    ("cooking_fuel", [("firewood_charcoal", [6, 7, 8]), ("kerosene", [5]),
                      ("lpg_3kg", [3]), ("none_at_home", [9]), ("gas_electric", [1, 2, 4])]),
    ("toilet_facility", [("none", [4]), ("public", [3]), ("shared", [2]), ("own", [1])]),
]
_HEAD = [
    ("head_education", [("none", [0]), ("primary", [1]), ("junior", [2]), ("senior", [3]),
                        ("higher", [4, 5, 6])]),
    ("head_work_sector", [("not_working", [0]), ("agriculture", [1, 2, 3, 4, 5, 6, 7]),
                          ("industry", [8, 9, 10, 11]), ("trade_transport", [12, 13, 14]),
                          ("services", [15, 16, 17, 18, 19]), ("other", [20, 21])]),
    ("head_employment_status", [("not_working", [0]), ("own_account", [1]),
                                ("employer", [2, 3]), ("employee", [4]),
                                ("civil_servant", [5]), ("casual", [6, 7]),
                                ("unpaid", [8])]),
]
ASSETS = ["refrigerator", "gas_cylinder", "air_conditioner", "computer", "car", "motorbike",
          "smartphone", "television", "gold_savings", "land", "other_house",
          "household_business"]
# The columns of the household variables table that every model may read (ranking.sql).
VARIABLE_COLUMNS = [
    "household_size", "children", "elderly", "disabled", "floor_area_m2",
    *(name for name, _ in _HOUSING), "head_female", "head_age", *(name for name, _ in _HEAD),
    "urban", *ASSETS,
]


def default_variables(provinces: list[str] | None = None) -> list[dict]:
    """The variable set of the shipped model (province fixed effects for `provinces`)."""
    variables: list[dict] = [
        {"name": "household_size", "kind": "bins", "column": "household_size", "per": None,
         "edges": [2, 3, 4, 5, 6, 7], "labels": ["1", "2", "3", "4", "5", "6", "7+"]},
        {"name": "floor_area_per_capita", "kind": "bins", "column": "floor_area_m2",
         "per": "household_size", "edges": [8, 12, 16, 24, 40],
         "labels": ["<8", "8-12", "12-16", "16-24", "24-40", "40+"]},
        {"name": "share_children", "kind": "bins", "column": "children",
         "per": "household_size", "edges": [0.01, 0.25, 0.5],
         "labels": ["none", "<25%", "25-50%", "50%+"]},
        {"name": "share_elderly", "kind": "bins", "column": "elderly", "per": "household_size",
         "edges": [0.01, 0.5], "labels": ["none", "<50%", "50%+"]},
        {"name": "disabled_member", "kind": "flag", "column": "disabled"},
        {"name": "head_female", "kind": "flag", "column": "head_female"},
        {"name": "head_age", "kind": "bins", "column": "head_age", "per": None,
         "edges": [30, 45, 60], "labels": ["<30", "30-44", "45-59", "60+"]},
        {"name": "urban", "kind": "flag", "column": "urban"},
    ]
    for name, categories in _HOUSING + _HEAD:
        variables.append({"name": name, "kind": "codes", "column": name,
                          "categories": [[label, codes] for label, codes in categories]})
    variables += [{"name": a, "kind": "flag", "column": a} for a in ASSETS]
    if provinces:
        variables.append({"name": "province", "kind": "codes", "column": "province",
                          "categories": [[p, [p]] for p in sorted(provinces)]})
    return variables


def labels(variable: dict) -> list[str]:
    """The category labels of a variable, reference first."""
    if variable["kind"] == "codes":
        return [label for label, _ in variable["categories"]]
    if variable["kind"] == "bins":
        return list(variable["labels"])
    return ["no", "yes"]


def weight_keys(variables: list[dict]) -> list[str]:
    """'variable:category' for every non-reference category, in design-matrix order."""
    return [f"{v['name']}:{label}" for v in variables for label in labels(v)[1:]]


def columns_needed(variables: list[dict]) -> list[str]:
    needed = []
    for v in variables:
        needed += [v["column"]] + ([v["per"]] if v.get("per") else [])
    return list(dict.fromkeys(needed))


# --- categories and prediction (numpy) ----------------------------------------------------


def _numeric(frame: pd.DataFrame, column: str) -> np.ndarray:
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def category_index(variable: dict, frame: pd.DataFrame) -> np.ndarray:
    """Category number (0 = reference) of every row; unknown values fall to the reference."""
    kind = variable["kind"]
    if kind == "flag":
        return (_numeric(frame, variable["column"]) == 1).astype(np.int64)
    if kind == "bins":
        x = _numeric(frame, variable["column"])
        per = _numeric(frame, variable["per"]) if variable.get("per") else 1.0
        with np.errstate(invalid="ignore"):
            return sum((x >= e * per).astype(np.int64) for e in variable["edges"])
    result = np.zeros(len(frame), dtype=np.int64)
    codes_numeric = all(isinstance(c, int) for _, codes in variable["categories"] for c in codes)
    if codes_numeric:
        values = _numeric(frame, variable["column"])
    else:
        values = frame[variable["column"]].astype("string").fillna("").to_numpy(dtype=str)
    for k, (_, codes) in enumerate(variable["categories"]):
        result[np.isin(values, codes if codes_numeric else [str(c) for c in codes])] = k
    return result


def design(variables: list[dict], frame: pd.DataFrame) -> np.ndarray:
    """The dummy-coded design matrix: a column of ones, then one column per weight key."""
    blocks = [np.ones((len(frame), 1))]
    for v in variables:
        idx = category_index(v, frame)
        n = len(labels(v))
        blocks.append((idx[:, None] == np.arange(1, n)[None, :]).astype(float))
    return np.hstack(blocks)


def variant_keys(model: dict, frame: pd.DataFrame) -> np.ndarray:
    """The variant each row is scored with: province-area, else province, else national."""
    present = {v["key"] for v in model["variants"]}
    province = frame["province"].astype(str).to_numpy()
    area = np.where(_numeric(frame, "urban") == 1, "urban", "rural")
    specific = np.char.add(np.char.add(province.astype(str), "-"), area)
    return np.where(np.isin(specific, list(present)), specific,
                    np.where(np.isin(province, list(present)), province, NATIONAL))


def coefficient_vector(variant: dict, keys: list[str]) -> np.ndarray:
    return np.r_[variant["intercept"], [variant["weights"].get(k, 0.0) for k in keys]]


def predict(model: dict, frame: pd.DataFrame) -> np.ndarray:
    """Predicted log per-capita consumption of every row of a household variables table."""
    keys = weight_keys(model["variables"])
    x = design(model["variables"], frame)
    chosen = variant_keys(model, frame)
    out = np.empty(len(frame))
    for variant in model["variants"]:
        rows = chosen == variant["key"]
        if rows.any():
            out[rows] = x[rows] @ coefficient_vector(variant, keys)
    return out


# --- estimation ---------------------------------------------------------------------------


def least_squares(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """OLS coefficients; columns without variation in the data get weight 0."""
    beta = np.zeros(x.shape[1])
    used = np.r_[True, x[:, 1:].std(axis=0) > 0] if len(x) else np.zeros(x.shape[1], bool)
    beta[used] = np.linalg.lstsq(x[:, used], y, rcond=None)[0]
    return beta


def shrunk_least_squares(x: np.ndarray, y: np.ndarray, prior: np.ndarray,
                         strength: float) -> np.ndarray:
    """argmin |y - x b|^2 + strength |b - prior|^2 (least squares shrunk toward `prior`)."""
    # The normal equations (X'X + strength I) d = X'(y - x prior); well posed for strength > 0.
    gram = x.T @ x + strength * np.eye(x.shape[1])
    return prior + np.linalg.solve(gram, x.T @ (y - x @ prior))


def _variant(key: str, province: str | None, area: str | None, beta: np.ndarray,
             keys: list[str], n: int) -> dict:
    return {"key": key, "province": province, "area": area, "households": int(n),
            "intercept": float(beta[0]),
            "weights": {k: float(b) for k, b in zip(keys, beta[1:], strict=True)}}


def fit_variants(variables: list[dict], frame: pd.DataFrame, y: np.ndarray,
                 region_variants: bool, min_households: int, strength: float) -> list[dict]:
    """The national variant, then (with region_variants) one per province and per province and
    area with at least `min_households` rows, each shrunk toward the one above it."""
    keys = weight_keys(variables)
    x = design(variables, frame)
    national = least_squares(x, y)
    variants = [_variant(NATIONAL, None, None, national, keys, len(y))]
    if not region_variants:
        return variants
    province = frame["province"].astype(str).to_numpy()
    urban = _numeric(frame, "urban") == 1
    for p in sorted(set(province)):
        rows = province == p
        if rows.sum() < min_households:
            continue
        beta_p = shrunk_least_squares(x[rows], y[rows], national, strength)
        variants.append(_variant(p, p, None, beta_p, keys, rows.sum()))
        for area, mask in (("urban", urban), ("rural", ~urban)):
            sub = rows & mask
            if sub.sum() >= min_households:
                beta_a = shrunk_least_squares(x[sub], y[sub], beta_p, strength)
                variants.append(_variant(f"{p}-{area}", p, area, beta_a, keys, sub.sum()))
    return variants


# --- targeting metrics --------------------------------------------------------------------


@dataclass(frozen=True)
class Targeting:
    households: int
    inclusion_error: float  # share of the selected who are not truly in the bottom group
    exclusion_error: float  # share of the truly bottom group who are not selected
    spearman: float  # rank correlation of predicted and true consumption
    r2: float | None = None  # on log consumption, when the prediction is on that scale

    def as_dict(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v)
                for k, v in self.__dict__.items()}


def _ranks(values: np.ndarray) -> np.ndarray:
    return pd.Series(values).rank(method="average").to_numpy()


def targeting(predicted: np.ndarray, truth: np.ndarray, ids: np.ndarray,
              cutoff: float = 0.4) -> Targeting:
    """Inclusion and exclusion error at `cutoff` (the poorest share by the prediction is
    selected; the poorest share by true consumption is the target group; ties broken by id)
    and Spearman's rank correlation. `truth` is per-capita consumption (or its log)."""
    n = len(predicted)
    if n == 0:
        return Targeting(0, float("nan"), float("nan"), float("nan"))
    k = int(round(cutoff * n))
    selected = np.zeros(n, bool)
    selected[np.lexsort((ids, predicted))[:k]] = True
    poor = np.zeros(n, bool)
    poor[np.lexsort((ids, truth))[:k]] = True
    inclusion = float((selected & ~poor).sum() / max(selected.sum(), 1))
    exclusion = float((poor & ~selected).sum() / max(poor.sum(), 1))
    with np.errstate(invalid="ignore", divide="ignore"):  # constant input: no correlation
        spearman = float(np.corrcoef(_ranks(predicted), _ranks(truth))[0, 1])
    return Targeting(n, inclusion, exclusion, spearman)


def r_squared(y: np.ndarray, predicted: np.ndarray) -> float:
    total = float(((y - y.mean()) ** 2).sum())
    return 1.0 - float(((y - predicted) ** 2).sum()) / total if total else float("nan")


def shipped_model() -> dict:
    """The national model shipped with Kesos (fitted on a synthetic survey)."""
    return json.loads(SHIPPED.read_text(encoding="utf-8"))
