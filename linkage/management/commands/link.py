from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from linkage.dedup import DEFAULT_THRESHOLDS, link_tables
from linkage.mapping import ROLES, ColumnMapping, MappingError


class Command(BaseCommand):
    help = (
        "Deduplicate one table, or link two, through a column mapping (Parquet or CSV files), "
        "e.g. an exclusion list without NIK against a registry extract. Writes "
        "dedup_model.json, dedup_pairs.parquet (band match/review/non_match) and "
        "clusters.parquet into --out. Roles: " + ", ".join(ROLES) + "."
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
        parser.add_argument("--thresholds", default=None, metavar="LO,HI",
                            help="match probability: review from LO, match from HI")
        parser.add_argument("--out", type=Path, default=None,
                            help="output folder (default VAR_DIR/links/<UTC time>)")

    def handle(self, *args, left, right, map, right_map, date_format, thresholds, out,
               **options):
        import duckdb

        try:
            mapping = ColumnMapping.parse(map, date_format)
            other = ColumnMapping.parse(right_map, date_format) if right_map else None
            bounds = tuple(float(t) for t in thresholds.split(",")) if thresholds \
                else DEFAULT_THRESHOLDS
        except (MappingError, ValueError) as e:
            raise CommandError(str(e)) from None
        for path in filter(None, (left, right)):
            if not Path(path).exists():
                raise CommandError(f"file not found: {path}")
        out = out or Path(settings.VAR_DIR) / "links" / timezone.now().strftime("%Y%m%dT%H%M%S")
        try:
            result = link_tables(duckdb.connect(), out, left, mapping, right, other,
                                 thresholds=bounds)
        except (duckdb.Error, ValueError) as e:
            raise CommandError(str(e)) from None
        self.stdout.write(
            f"{result['records']:,} records, {result['comparisons']['total']:,} comparisons: "
            f"{result['match']:,} match, {result['review']:,} review, {result['clusters']:,} "
            f"clusters -> {out}")
