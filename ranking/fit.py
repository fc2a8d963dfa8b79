"""Estimating a PMT model from a survey: least squares on log per-capita consumption over a
training part, targeting metrics on the held-out rest (inclusion and exclusion error at the
40% cut-off, Spearman rank correlation, R²)."""

from datetime import UTC, datetime

import numpy as np
import pandas as pd

from . import pmt
from .survey import TARGET, check_survey

MIN_VARIANT_HOUSEHOLDS = 300
SHRINKAGE = 100.0  # ridge strength toward the model above a regional variant (in households)


def split(frame: pd.DataFrame, holdout: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks (train, test): a seeded random `holdout` share held out."""
    test = np.random.default_rng(seed).random(len(frame)) < holdout
    return ~test, test


def evaluate(model: dict, frame: pd.DataFrame, cutoff: float = 0.4) -> dict:
    """R² on log consumption and the targeting metrics of `model` on `frame`."""
    predicted = pmt.predict(model, frame)
    log_c = np.log(frame[TARGET].to_numpy(dtype=float))
    metrics = pmt.targeting(predicted, log_c, frame["household_id"].to_numpy(), cutoff)
    return metrics.as_dict() | {"r2": round(pmt.r_squared(log_c, predicted), 4),
                                "cutoff": cutoff}


def fit_model(frame: pd.DataFrame, name: str, *, region_variants: bool = False,
              holdout: float = 0.2, seed: int = 0, fitted_from: str = "",
              min_households: int = MIN_VARIANT_HOUSEHOLDS, strength: float = SHRINKAGE
              ) -> dict:
    """A model document fitted on the training part of a checked survey, with `metrics`:
    training R², and on the held-out part R², inclusion/exclusion error and Spearman (plus the
    national variant alone, when regional variants were fitted)."""
    if not 0 < holdout < 1:
        raise ValueError("holdout must lie between 0 and 1")
    frame = check_survey(frame)
    provinces = sorted(frame["province"].unique())
    variables = pmt.default_variables(provinces if len(provinces) > 1 else None)
    train, test = split(frame, holdout, seed)
    if train.sum() < len(pmt.weight_keys(variables)) + 1 or test.sum() < 10:
        raise ValueError(f"survey too small to fit and check a model: {len(frame)} households")
    y = np.log(frame[TARGET].to_numpy(dtype=float))
    variants = pmt.fit_variants(variables, frame[train], y[train], region_variants,
                                min_households, strength)
    model = {
        "format": pmt.FORMAT, "name": name,
        "target": "log of monthly per-capita consumption (rupiah)",
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "fitted_from": fitted_from, "variables": variables, "variants": variants,
    }
    metrics = {
        "households": len(frame), "train": int(train.sum()), "test": int(test.sum()),
        "seed": seed, "region_variants": region_variants, "variants": len(variants),
        "r2_train": round(pmt.r_squared(y[train], pmt.predict(model, frame[train])), 4),
        "test_metrics": evaluate(model, frame[test]),
    }
    if len(variants) > 1:
        national = model | {"variants": variants[:1]}
        metrics["test_metrics_national_only"] = evaluate(national, frame[test])
    model["metrics"] = metrics
    return model


def summary(model: dict, top: int = 12) -> str:
    """Lines for a terminal: the national coefficients with the largest effects, the metrics."""
    national = next(v for v in model["variants"] if v["key"] == pmt.NATIONAL)
    weights = sorted(national["weights"].items(), key=lambda kv: -abs(kv[1]))
    m = model["metrics"]
    t = m["test_metrics"]
    lines = [
        f"PMT model {model['name']}: {len(national['weights'])} weights, "
        f"{m['variants']} variant(s), fitted on {m['train']:,} of {m['households']:,} households",
        f"  intercept {national['intercept']:.4f} (log rupiah per person per month)",
        f"  largest national weights (of {len(weights)}):",
        *(f"    {k:<45} {w:+.4f}" for k, w in weights[:top]),
        f"  R² train {m['r2_train']:.3f}, held-out {t['r2']:.3f} ({m['test']:,} households)",
        f"  held-out at the {t['cutoff']:.0%} cut-off: inclusion error {t['inclusion_error']:.3f},"
        f" exclusion error {t['exclusion_error']:.3f}, Spearman {t['spearman']:.3f}",
    ]
    if "test_metrics_national_only" in m:
        n = m["test_metrics_national_only"]
        lines.append(f"  national variant alone: R² {n['r2']:.3f}, inclusion error "
                     f"{n['inclusion_error']:.3f}, exclusion error {n['exclusion_error']:.3f}, "
                     f"Spearman {n['spearman']:.3f}")
    return "\n".join(lines)
