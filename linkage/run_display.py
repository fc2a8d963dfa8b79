"""How a run's steps read on its page: translated step names and the counts each step
recorded as labelled, humanised figures. Model internals (blocking rules, thresholds,
parameters) go to a technical block; server paths are never shown. The dedup bands (where
each starts, expected precision and recall) read as a table on the page and as lines in the
commands' output."""

from datetime import date

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .bands import BANDS

STEP_LABELS = {
    "snapshot": _("Snapshot"),
    "matching": _("Civil-registry matching"),
    "dedup": _("Deduplication"),
    "cleansing": _("Cleansing"),
    "ranking": _("Ranking"),
    "write_back": _("Writing results"),
}
FIGURE_LABELS = {
    "households": _("Households"), "families": _("Families"), "members": _("Members"),
    "engine": _("Engine"), "statuses": _("Civil-registry status"),
    "padan": _("Padan"), "nik_not_found": _("NIK not found"),
    "data_differs": _("Data differs"), "nik_shared": _("NIK shared"), "no_nik": _("No NIK"),
    "deceased": _("Deceased"), "moved": _("Moved"), "searched": _("Searched without NIK"),
    "candidates": _("Candidates"), "candidate_members": _("Members with candidates"),
    "comparisons": _("Comparisons"), "total": _("Total"), "possible": _("Possible"),
    "estimated": _("Estimated"), "records": _("Records"), "model_trained": _("Model trained"),
    "pairs": _("Pairs"), "match": _("Match"), "review": _("To review"),
    "non_match": _("Non-match"), "decided": _("Decided by reviewers"),
    "clusters": _("Clusters"), "clustered_members": _("Members in clusters"),
    "proposals": _("Proposals"), "household_deceased": _("Households: deceased"),
    "household_no_valid_nik": _("Households: no valid NIK"),
    "member_deceased": _("Members: deceased"), "member_duplicate": _("Members: duplicate"),
    "member_moved": _("Members: moved"), "member_no_valid_nik": _("Members: no valid NIK"),
    "provinces": _("Provinces"), "score_min": _("Lowest score"),
    "score_max": _("Highest score"), "variants_used": _("Model variants used"),
    "national": _("National"), "as_of": _("As of"), "matching": _("Matching"),
    "dedup": _("Review pairs"), "cleansing": _("Cleansing proposals"),
    "ranking": _("Household scores"), "skipped": _("Skipped"), "seconds": _("Seconds"),
    "by_rule": _("By blocking rule"), "thresholds": _("Thresholds"), "model": _("Model"),
}
TECHNICAL = {"by_rule", "model", "thresholds", "status_seconds", "candidate_training_seconds",
             "candidate_predict_seconds", "parameters"}
HIDDEN = {"file", "output_dir", "path", "dir"}


def step_label(name: str) -> str:
    return str(STEP_LABELS.get(name, capfirst(name.replace("_", " "))))


def _label(key: str) -> str:
    if key in FIGURE_LABELS:
        return str(FIGURE_LABELS[key])
    # Expressions such as blocking rules are shown as they are.
    return capfirst(key.replace("_", " ")) if key.isidentifier() else key


def humanise(value) -> str:
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, int):
        return intcomma(value)
    if isinstance(value, float):
        return floatformat(value, "3g") if abs(value) >= 1e-3 or value == 0 else f"{value:.3g}"
    if isinstance(value, list | tuple):
        return ", ".join(humanise(v) for v in value)
    if isinstance(value, str) and len(value) == 10:
        try:  # ISO dates read like the rest of the pages
            return date_format(date.fromisoformat(value), "j M Y")
        except ValueError:
            pass
    return str(value)


def _is_path(value) -> bool:
    return isinstance(value, str) and (value.startswith("/") or "\\" in value)


def figures(counts: dict, prefix: str = "") -> tuple[list[dict], list[dict]]:
    """(figures, technical) rows of {'label', 'value'} from a step's counts; nested dicts
    flatten to 'Parent: child' labels."""
    shown: list[dict] = []
    technical: list[dict] = []
    for key, value in (counts or {}).items():
        if key in HIDDEN or _is_path(value):
            continue
        label = f"{prefix}{_label(key)}"
        target = technical if key in TECHNICAL else shown
        if isinstance(value, dict):
            inner_shown, inner_technical = figures(value, f"{label}: ")
            if key in TECHNICAL:
                technical += inner_shown + inner_technical
            else:
                shown += inner_shown
                technical += inner_technical
            continue
        target.append({"label": label, "value": humanise(value)})
    return shown, technical


def steps_for_display(steps) -> list[dict]:
    rows = []
    for step in steps:
        metrics = dict(step.metrics or {})
        bands = metrics.pop("bands", None)
        shown, technical = figures(step.counts)
        metrics_shown, metric_technical = figures(metrics)
        rows.append({"step": step, "label": step_label(step.name), "figures": shown,
                     "technical": technical + metrics_shown + metric_technical,
                     "bands": band_rows(bands) if bands else [],
                     "bands_basis": bands_basis(bands) if bands else ""})
    return rows


# --- dedup bands (linkage.bands.report) -------------------------------------------------------

BAND_LABELS = {"match": _("Match"), "review": _("To review"), "non_match": _("Non-match")}


def _share(value: float | None) -> str:
    return "—" if value is None else floatformat(value, 4)


def _start(band: dict | None) -> str:
    if band is None:
        return str(_("below the review band"))
    if band["from_weight"] is None:
        return str(_("none: the model merges no pair"))
    p = band["from_probability"]
    return str(_("from weight %(weight)s (probability %(probability)s)") % {
        "weight": floatformat(band["from_weight"], 2),
        "probability": floatformat(p, 4) if p < 0.99995 else f"> {floatformat(0.9999, 4)}"})


def band_rows(bands: dict) -> list[dict]:
    """One row per band: where it starts, pairs, expected true pairs, expected precision and
    expected recall."""
    return [{"band": name, "label": str(BAND_LABELS[name]),
             "start": _start(bands[name] if name != "non_match" else None),
             "pairs": intcomma(bands[name]["pairs"]),
             "expected_true_pairs": floatformat(bands[name]["expected_true_pairs"], 1),
             "expected_precision": _share(bands[name]["expected_precision"]),
             "expected_recall": _share(bands[name]["expected_recall"])} for name in BANDS]


def bands_basis(bands: dict) -> str:
    """How the bands were set: derived for the targets (and whether the model expects them
    met), or fixed thresholds."""
    if not bands["derived"]:
        return str(_("Fixed thresholds given for this run."))
    targets = bands["targets"]
    recall = sum(bands[b]["expected_recall"] or 0 for b in ("match", "review"))
    text = str(_("Derived from the model: expected precision of the match band at least "
                 "%(precision)s, expected recall of the match and review bands together at "
                 "least %(recall)s (expected: %(expected)s).") % {
        "precision": floatformat(targets["match_precision"], 4),
        "recall": floatformat(targets["review_recall"], 4),
        "expected": floatformat(recall, 4)})
    if recall < targets["review_recall"] - 1e-9:
        text += " " + str(_("The recall target is not met: the model expects true pairs "
                            "among pairs it finds more likely different than the same."))
    return text


def band_lines(bands: dict) -> list[str]:
    """The bands as lines of text for the commands."""
    lines = [str(_("Bands: %(basis)s") % {"basis": bands_basis(bands)})]
    for name, row in zip(BANDS, band_rows(bands), strict=True):
        lines.append(ngettext(
            "  %(band)s %(start)s: %(pairs)s pair, expected true pairs %(true)s, expected "
            "precision %(precision)s, expected recall %(recall)s",
            "  %(band)s %(start)s: %(pairs)s pairs, expected true pairs %(true)s, expected "
            "precision %(precision)s, expected recall %(recall)s", bands[name]["pairs"]) % {
            "band": row["label"], "start": row["start"], "pairs": row["pairs"],
            "true": row["expected_true_pairs"], "precision": row["expected_precision"],
            "recall": row["expected_recall"]})
    return lines
