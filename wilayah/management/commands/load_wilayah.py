import time

from django.core.management.base import BaseCommand

from wilayah.services import load_regions


class Command(BaseCommand):
    help = "Load the official region codes (38 provinces ... 83,762 villages); idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--prefix", default=None, help="only this region's branch, e.g. 32.01")

    def handle(self, *args, prefix=None, **options):
        started = time.perf_counter()
        added = load_regions(prefix=prefix)
        self.stdout.write(
            f"wilayah: {added} regions added in {time.perf_counter() - started:.1f} s"
        )
