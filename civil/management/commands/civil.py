"""`kesos civil import FILE [--name NAME]`: import a Dukcapil extract (Parquet or CSV).
`kesos civil match --extract NAME --synth DIR --out DIR [--engine spark] [--load RUN]`: match
a synthetic population (or, with --load, load a run's results into the database)."""

import json
import os
from pathlib import Path

import duckdb
from django.core.management.base import BaseCommand, CommandError

from base.i18n import content_language
from base.sql import literal
from civil import services
from civil.extracts import ExtractError
from civil.matching import match_members
from civil.models import CivilExtract


class Command(BaseCommand):
    help = "Civil-registry (Dukcapil) extracts and matching (pemadanan)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import an extract file (.parquet or .csv)")
        imp.add_argument("file", type=Path)
        imp.add_argument("--name", default="")
        match = sub.add_parser("match", help="match a synth population against an extract")
        match.add_argument("--extract", required=True, help="name of an imported extract")
        match.add_argument("--synth", type=Path, required=True, help="a synth output directory")
        match.add_argument("--out", type=Path, required=True)
        match.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
        load = sub.add_parser("load", help="load a run's results into the database")
        load.add_argument("out", type=Path)
        load.add_argument("--run", required=True, help="the run's reference")

    def handle(self, *args, action: str, **options):
        getattr(self, f"_{action}")(**options)

    def _import(self, file: Path, name: str, **_):
        if not file.exists():
            raise CommandError(f"{file}: no such file")
        try:
            result = services.import_extract(file, name)
        except ExtractError as error:
            raise CommandError(error.summary(content_language())) from None
        extract = result.extract
        state = "imported" if result.created else "already imported, nothing changed"
        self.stdout.write(f"{extract.name}: {extract.rows} rows, sha256 {extract.checksum} "
                          f"({state})\n{services.extract_path(extract)}")

    def _match(self, extract: str, synth: Path, out: Path, engine: str, **_):
        found = CivilExtract.objects.filter(name=extract).first()
        if found is None:
            raise CommandError(f"no extract named {extract!r}; import it first")
        con = synth_views(synth)
        spark = _spark_session() if engine == "spark" else None
        result = match_members(con, out, services.extract_path(found), engine=engine,
                               spark=spark)
        self.stdout.write(json.dumps(result, indent=2))

    def _load(self, out: Path, run: str, **_):
        self.stdout.write(json.dumps(services.load_results(run, out)))


def synth_views(synth_dir: Path) -> duckdb.DuckDBPyConnection:
    """Snapshot-shaped views over a synth output (every record active)."""
    con = duckdb.connect()
    for name in ("households", "families", "members"):
        extra = "" if name == "families" else ", 'active' AS status, '' AS inactive_reason"
        path = literal(synth_dir / f"{name}.parquet")
        con.execute(f"CREATE VIEW {name} AS SELECT *{extra} FROM read_parquet({path})")  # noqa: S608
    return con


def _spark_session():
    """Local mode unless SPARK_MASTER names a cluster (spark://host:7077, yarn, k8s://...)."""
    from pyspark.sql import SparkSession

    master = os.environ.get("SPARK_MASTER", "local[*]")
    return (SparkSession.builder.master(master).appName("kesos-civil")
            .config("spark.ui.enabled", "false").getOrCreate())
