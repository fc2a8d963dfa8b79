"""`kesos link`: deduplicate one table, or link two, through a column mapping. Every refusal
(a mapping that does not fit the file, an empty file, repeated ids, birth dates that do not
fit the format, a file that is not UTF-8) names the file, the column and rows, in the user's
language; nothing is written for a refused table."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from base.i18n import content_language
from linkage.dedup import link_tables
from linkage.mapping import ROLES, ColumnMapping, MappingError
from linkage.run_display import band_lines
from linkage.sources import MIN_DATES, LinkInputError


class Command(BaseCommand):
    help = (
        "Deduplicate one table, or link two, through a column mapping (Parquet or CSV files), "
        "e.g. an exclusion list without NIK against a registry extract. Writes "
        "dedup_model.json, dedup_pairs.parquet (band match/review/non_match) and "
        "clusters.parquet into --out, in the files' own ids (a link: left_id and right_id; "
        "clusters with side and id). Roles: " + ", ".join(ROLES) + "."
    )

    def add_arguments(self, parser):
        parser.add_argument("--left", required=True, help="Parquet or CSV file")
        parser.add_argument("--right", default=None, help="second file, to link to --left")
        parser.add_argument("--map", required=True, metavar="COL=ROLE,...",
                            help="mapping of --left, e.g. id=unique_id,nama=full_name,"
                                 "tgl_lahir=birth_date (join columns with +: no+jalan=street)")
        parser.add_argument("--right-map", default=None, help="mapping of --right "
                            "(default: --map)")
        parser.add_argument("--date-format", default=None,
                            help="strptime format of text birth dates, e.g. %%d/%%m/%%Y")
        parser.add_argument("--right-date-format", default=None,
                            help="the same for --right (default: --date-format)")
        parser.add_argument("--min-dates", type=float, default=MIN_DATES, metavar="SHARE",
                            help="refuse a table when fewer of its birth dates fit the format "
                                 f"(default {MIN_DATES}); the rest are left empty")
        parser.add_argument("--encoding", default="utf-8",
                            help="encoding of a CSV --left, e.g. cp1252 or latin-1 "
                                 "(default utf-8)")
        parser.add_argument("--right-encoding", default=None,
                            help="encoding of a CSV --right (default: --encoding)")
        parser.add_argument("--model", type=Path, default=None, metavar="JSON",
                            help="a trained model (dedup_model.json of an earlier link with "
                                 "the same roles) instead of training one")
        parser.add_argument("--thresholds", default=None, metavar="LO,HI",
                            help="match probability: review from LO, match from HI")
        parser.add_argument("--out", type=Path, default=None,
                            help="output folder (default VAR_DIR/links/<UTC time>)")

    def handle(self, *args, left, right, map, right_map, date_format, right_date_format,
               min_dates, encoding, right_encoding, model, thresholds, out, **options):
        import duckdb

        lang = content_language()
        try:
            mapping = ColumnMapping.parse(map, date_format)
            other = ColumnMapping.parse(right_map or map, right_date_format or date_format)
        except MappingError as e:
            raise CommandError(e.message(lang)) from None
        bounds = _thresholds(thresholds, lang)
        if not 0 <= min_dates <= 1:
            raise CommandError("--min-dates harus antara 0 dan 1." if lang == "id"
                               else "--min-dates must be between 0 and 1.")
        trained = _model(model, lang) if model else None
        out = out or Path(settings.VAR_DIR) / "links" / timezone.now().strftime("%Y%m%dT%H%M%S")
        try:
            result = link_tables(duckdb.connect(), out, left, mapping, right,
                                 other if right else None, thresholds=bounds,
                                 encoding=encoding, right_encoding=right_encoding,
                                 min_dates=min_dates, settings=trained)
        except LinkInputError as e:
            raise CommandError(e.message(lang)) from None
        except ValueError as e:
            if not trained:
                raise
            raise CommandError(
                f"--model {model}: model ini tidak cocok dengan pemetaan ({e})." if lang == "id"
                else f"--model {model}: the model does not fit the mapping ({e}).") from None
        for note in result["notes"]:
            self.stderr.write(note[lang])
        counts = {key: number_format(value, force_grouping=True) for key, value in (
            ("records", result["records"]), ("comparisons", result["comparisons"]["total"]),
            ("match", result["match"]), ("review", result["review"]),
            ("clusters", result["clusters"]))}
        self.stdout.write(_("%(records)s records, %(comparisons)s comparisons: %(match)s "
                            "match, %(review)s review, %(clusters)s clusters -> %(out)s")
                          % {**counts, "out": out})
        for line in band_lines(result["metrics"]["bands"]):
            self.stdout.write(line)


def _model(path: Path, lang: str) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise CommandError(f"--model {path}: bukan berkas model JSON yang dapat dibaca."
                           if lang == "id" else
                           f"--model {path}: not a readable model JSON file.") from None


def _thresholds(text: str | None, lang: str) -> tuple[float, float] | None:
    if not text:
        return None
    try:
        lo, hi = (float(t) for t in text.split(","))
    except ValueError:
        raise CommandError(
            f"--thresholds {text!r}: tulis dua peluang, misalnya 0.5,0.9999." if lang == "id"
            else f"--thresholds {text!r}: give two probabilities, e.g. 0.5,0.9999.") from None
    if not 0 < lo <= hi <= 1:
        raise CommandError(
            f"--thresholds {text!r}: perlu 0 < LO <= HI <= 1." if lang == "id"
            else f"--thresholds {text!r}: needs 0 < LO <= HI <= 1.")
    return lo, hi
