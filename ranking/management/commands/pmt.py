"""`kesos pmt survey|fit|score`: build a survey file, fit a PMT model, score households."""

import json
import time
from datetime import UTC, date, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ranking import services
from ranking.fit import fit_model, summary
from ranking.models import PmtModel
from ranking.scoring import score_households
from ranking.survey import SurveyError, generate_survey, read_survey, survey_from_synth


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of must be a date like 2025-07-01, got {text!r}") from None


class Command(BaseCommand):
    help = ("Proxy-means test: `survey` builds a survey file from a synthetic population, `fit` "
            "estimates a model from a survey file, `score` ranks the households of a snapshot.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        survey = sub.add_parser("survey", help="write a survey file (Parquet) from synth data")
        survey.add_argument("--out", type=Path, required=True)
        survey.add_argument("--synth", type=Path, default=None,
                            help="an existing `kesos synth` output (its registry households); "
                                 "default: generate a fresh population, everyone interviewed")
        survey.add_argument("--households", type=int, default=100_000)
        survey.add_argument("--seed", type=int, default=2024)
        survey.add_argument("--scope", default="")
        survey.add_argument("--as-of", default="2025-07-01", help="date ages are taken on")

        fit = sub.add_parser("fit", help="estimate a model from a survey file")
        fit.add_argument("--survey", type=Path, required=True, help="Parquet or CSV")
        fit.add_argument("--name", default="national")
        fit.add_argument("--region-variants", action="store_true",
                         help="also fit a variant per province and per province and area")
        fit.add_argument("--holdout", type=float, default=0.2)
        fit.add_argument("--seed", type=int, default=0)
        fit.add_argument("--output", type=Path, default=None, help="also write the JSON here")
        fit.add_argument("--no-save", action="store_true", help="do not store it in the database")

        score = sub.add_parser("score", help="score the households of a snapshot")
        source = score.add_mutually_exclusive_group(required=True)
        source.add_argument("--snapshot", help="snapshot name (VAR_DIR/snapshots/<name>)")
        source.add_argument("--synth", type=Path, help="a `kesos synth` output directory")
        score.add_argument("--model", default=None,
                           help="NAME or NAME:VERSION of a stored model, or a .json file "
                                "(default: the latest stored model, else the shipped one)")
        score.add_argument("--out", type=Path, default=None)
        score.add_argument("--as-of", default=None, help="date ages are taken on (default today)")
        score.add_argument("--load", action="store_true",
                           help="write the scores to the database (snapshots of it only)")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except (SurveyError, services.LoadError, ValueError) as e:
            raise CommandError(str(e)) from None

    def _survey(self, out, synth, households, seed, scope, as_of, **_):
        started = time.perf_counter()
        if synth:
            rows = survey_from_synth(synth, out, _date(as_of))
        else:
            rows = generate_survey(out, households, seed, scope)
        self.stdout.write(f"pmt survey: {rows:,} households -> {out} "
                          f"({time.perf_counter() - started:.1f} s)")

    def _fit(self, survey, name, region_variants, holdout, seed, output, no_save, **_):
        started = time.perf_counter()
        frame = read_survey(survey)
        model = fit_model(frame, name, region_variants=region_variants, holdout=holdout,
                          seed=seed, fitted_from=survey.name)
        seconds = time.perf_counter() - started
        model["metrics"]["fit_seconds"] = round(seconds, 2)
        if not no_save:
            stored = services.save_model(model, str(survey))
            model["version"] = stored.version
            self.stdout.write(f"pmt fit: stored as {stored}")
        if output:
            output.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        self.stdout.write(summary(model))
        self.stdout.write(f"pmt fit: {len(frame):,} households in {seconds:.1f} s")

    def _model(self, spec: str | None) -> PmtModel | dict:
        if spec is None:
            return services.current_model()
        if spec.endswith(".json"):
            return json.loads(Path(spec).read_text(encoding="utf-8"))
        name, _, version = spec.partition(":")
        models = PmtModel.objects.filter(name=name)
        found = models.filter(version=int(version)).first() if version else models.first()
        if found is None:
            raise CommandError(f"no stored PMT model {spec}")
        return found

    def _score(self, snapshot, synth, model, out, as_of, load, **_):
        from linkage.snapshots import SnapshotError, connect, duckdb_connection, require_intact
        from ranking.survey import synth_views

        stored = self._model(model)
        document = stored.document if isinstance(stored, PmtModel) else stored
        run_ref = f"pmt-{datetime.now(UTC):%Y%m%dT%H%M%S}"
        out = out or Path(settings.VAR_DIR) / "ranking" / run_ref
        if snapshot:
            try:
                manifest = require_intact(snapshot)
            except SnapshotError as e:
                raise CommandError(str(e)) from None
            # Ages as on the day the snapshot was taken, unless told otherwise.
            as_of = as_of or manifest["taken_at"][:10]
            con = connect(snapshot)
        else:
            con = duckdb_connection()
            synth_views(con, synth)
        result = score_households(con, out, document, _date(as_of) if as_of else None)
        self.stdout.write(f"pmt score: {result['households']:,} households in "
                          f"{result['seconds']:.1f} s with {document.get('name')} -> {out}")
        if "metrics" in result:
            m = result["metrics"]
            self.stdout.write(f"  against the truth at the {m['cutoff']:.0%} cut-off: inclusion "
                              f"error {m['inclusion_error']:.3f}, exclusion error "
                              f"{m['exclusion_error']:.3f}, Spearman {m['spearman']:.3f}")
        if load:
            if synth:
                raise CommandError("--load needs a snapshot of this database, not --synth")
            started = time.perf_counter()
            rows = services.load_scores(f"{run_ref} {snapshot}", out, stored)
            self.stdout.write(f"pmt score: loaded {rows:,} scores in "
                              f"{time.perf_counter() - started:.1f} s")
