"""`kesos serve`: Kesos as in production: migrations checked, static files collected, the job
worker(s) and gunicorn started together, and stopped together (SIGTERM/SIGINT).

    DEBUG=false SECRET_KEY=... ALLOWED_HOSTS=kesos.example.go.id \\
    DATABASE_URL=postgres://kesos@db/kesos kesos serve --bind 127.0.0.1:8000 --job-workers 2
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

CONFIG = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


class Command(BaseCommand):
    help = "Serve Kesos with gunicorn and the job worker (production)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bind", default=os.environ.get("KESOS_BIND", "127.0.0.1:8000"))
        parser.add_argument("--web-workers", type=int, default=None,
                            help="gunicorn workers (default: 2 x cores + 1, or WEB_CONCURRENCY)")
        parser.add_argument("--job-workers", type=int, default=1,
                            help="background job workers beside the web server")
        parser.add_argument("--job-nice", type=int, default=10,
                            help="CPU priority of the job workers below the web server's "
                                 "(nice increment; 0 for the same)")
        parser.add_argument("--no-migrate", action="store_true",
                            help="refuse to start with migrations pending instead of applying them")

    def handle(self, *args, bind: str, web_workers: int | None, job_workers: int,
               job_nice: int, no_migrate: bool, **options) -> None:
        if settings.DEBUG:
            raise CommandError("kesos serve runs with DEBUG=false (and SECRET_KEY, "
                               "ALLOWED_HOSTS set); use `make run` for the demo")
        if no_migrate:
            call_command("migrate", check=True, verbosity=0)
        else:
            call_command("migrate", interactive=False, verbosity=0)
        # Right-to-left and ES-module variants and htmx extensions are never loaded by the pages.
        call_command("collectstatic", interactive=False, verbosity=0,
                     ignore_patterns=["*.rtl.*", "*.esm.*", "ext"])
        gunicorn = [sys.executable, "-m", "gunicorn", "kesos.wsgi:application",
                    "--config", str(CONFIG), "--bind", bind]
        if web_workers:
            gunicorn += ["--workers", str(web_workers)]
        manage = [sys.executable, "-m", "kesos.cli", "worker"]
        # Long runs use every core (DuckDB); pages are served first when both want the CPU.
        children = [subprocess.Popen(manage, preexec_fn=lambda: os.nice(job_nice))  # noqa: S603, PLW1509
                    for _ in range(job_workers)]
        children.append(subprocess.Popen(gunicorn))  # noqa: S603
        self._supervise(children)

    def _supervise(self, children: list[subprocess.Popen]) -> None:
        stopping = False

        def stop(signum, frame) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    child.kill()
        if not stopping:
            raise CommandError("a child process stopped; Kesos stopped with it")
