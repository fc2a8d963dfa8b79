from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from linkage.snapshots import SnapshotError, snapshot_from_synth, take_snapshot, verify


class Command(BaseCommand):
    help = (
        "Export the registry (households, families, members, status, instrument answers) to an "
        "immutable Parquet snapshot under VAR_DIR/snapshots/<name>/, partitioned by province; "
        "--from-synth writes the same layout from a `kesos synth` output directory; --verify "
        "checks an existing snapshot against its checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", default=None, help="snapshot name (default: UTC time)")
        parser.add_argument("--from-synth", type=Path, default=None, metavar="DIR",
                            help="a synth output directory instead of the database")
        parser.add_argument("--verify", metavar="NAME", default=None,
                            help="verify the snapshot NAME instead of taking one")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, name, from_synth, verify: str | None, no_progress, **options):
        if verify:
            return self._verify(verify)
        try:
            snap = (snapshot_from_synth(from_synth, name) if from_synth
                    else take_snapshot(progress=not no_progress, name=name))
        except SnapshotError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(
            f"snapshot {snap.name}: {snap.households:,} households, {snap.families:,} "
            f"families, {snap.members:,} members in {snap.seconds:.1f} s, "
            f"checksum {snap.checksum[:16]}")

    def _verify(self, name: str) -> None:
        from linkage.models import Snapshot

        snap = Snapshot.objects.filter(name=name).first() or name
        try:
            problems = verify(snap)
        except SnapshotError as e:
            raise CommandError(str(e)) from None
        if problems:
            raise CommandError(f"snapshot {name} was changed: " + "; ".join(problems))
        self.stdout.write(f"snapshot {name}: intact")
