"""Refresh the summary tables now, in this process (the nightly cron line):

    python manage.py refresh_summaries            # reason "nightly"
    python manage.py refresh_summaries --reason manual
"""

from django.core.management.base import BaseCommand

from reports.models import SummaryRefresh
from reports.summaries import refresh


class Command(BaseCommand):
    help = "Recompute the summary tables (RegionFigure) of every region and period."

    def add_arguments(self, parser):
        parser.add_argument("--reason", default=SummaryRefresh.Reason.NIGHTLY,
                            choices=SummaryRefresh.Reason.values)

    def handle(self, *args, reason: str, **options):
        done = refresh(reason)
        self.stdout.write(f"{done.rows} figures written in {done.seconds} s ({reason}).")
