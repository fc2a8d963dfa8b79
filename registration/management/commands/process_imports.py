"""Process uploaded imports that wait in the queue (BNBA lists, ODK exports, work packages).

manage.py process_imports           # keep polling, one batch after another
manage.py process_imports --once    # process what waits now, then exit
"""

import time

from django.core.management.base import BaseCommand

from registration.services.imports import process_pending


class Command(BaseCommand):
    help = "Process waiting import batches (run it as a long-lived worker)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Process what waits, then exit.")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between polls.")

    def handle(self, *args, once: bool = False, interval: float = 2.0, **options) -> None:
        while True:
            done = process_pending()
            if done:
                self.stdout.write(f"processed {done} import(s)")
            if once:
                return
            if not done:
                time.sleep(interval)
