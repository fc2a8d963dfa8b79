import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from synth.generate import default_households, default_out_dir, generate
from synth.load import LoadError, load_registry


class Command(BaseCommand):
    help = (
        "Generate a synthetic population (civil registry, DTKS registry with labelled errors, "
        "exclusion lists, true consumption) as Parquet files; --load puts the registry into the "
        "database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scope", default="",
                            help="region code prefix: '34' province, '34.03' kabupaten, "
                                 "'' national (default)")
        parser.add_argument("--households", type=int, default=None,
                            help="households in the whole scope (default: 50 per village)")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--out", type=Path, default=None,
                            help="output directory (default: KESOS_SYNTH_DIR/<scope>-seed<seed>)")
        parser.add_argument("--registry-share", type=float, default=0.4,
                            help="share of households, mostly the poorest, drawn into the registry")
        parser.add_argument("--load", action="store_true",
                            help="bulk-load the registry into the database after generating")

    def handle(self, *args, scope, households, seed, out, registry_share, load, **options):
        if not 0 <= registry_share <= 1:
            raise CommandError("--registry-share must lie between 0 and 1")
        try:
            households = default_households(scope) if households is None else households
        except ValueError as e:
            raise CommandError(str(e)) from None
        if households < 1:
            raise CommandError("--households must be at least 1")
        out = out or default_out_dir(scope, seed)
        result = generate(scope, households, seed, out, registry_share)
        rate = result.people / result.seconds * 60 if result.seconds else 0
        self.stdout.write(
            f"synth: {result.people:,} people in {result.households:,} households "
            f"({result.registry_households:,} households / {result.registry_members:,} members "
            f"in the registry, {result.errors:,} labelled errors, {result.exclusions:,} "
            f"exclusion-list entries) in {result.seconds:.1f} s ({rate:,.0f} people/min) "
            f"-> {out}"
        )
        if load:
            started = time.perf_counter()
            try:
                loaded = load_registry(out)
            except LoadError as e:
                raise CommandError(str(e)) from None
            self.stdout.write(
                f"synth: loaded {loaded.households:,} households, {loaded.families:,} families, "
                f"{loaded.members:,} members in {time.perf_counter() - started:.1f} s "
                f"({loaded.rows_per_second:,.0f} rows/s)"
            )
