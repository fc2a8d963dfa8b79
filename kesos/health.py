"""GET /kesehatan/: is this Kesos able to serve, for load balancers and monitoring. No login;
it answers only states and counts, never data. 200 when every check passes, 503 otherwise."""

import os
import shutil
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jobs.services import last_worker_seen

WORKER_RECENT = timedelta(seconds=int(os.environ.get("KESOS_HEALTH_WORKER_SECONDS", "60")))
MIN_FREE_BYTES = int(os.environ.get("KESOS_HEALTH_MIN_FREE_MB", "1024")) * 1024 * 1024


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except DatabaseError as error:
        return {"ok": False, "error": type(error).__name__}


def _migrations() -> dict:
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        return {"ok": False, "error": type(error).__name__}
    return {"ok": not pending, "pending": len(pending)}


def _worker() -> dict:
    try:
        seen = last_worker_seen()
    except DatabaseError as error:
        return {"ok": False, "error": type(error).__name__}
    if seen is None:
        return {"ok": False, "last_seen": None}
    return {"ok": timezone.now() - seen <= WORKER_RECENT, "last_seen": seen.isoformat()}


def _disk() -> dict:
    free = shutil.disk_usage(settings.VAR_DIR).free
    return {"ok": free >= MIN_FREE_BYTES, "free_bytes": free}


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database()}
    if checks["database"]["ok"]:
        checks |= {"migrations": _migrations(), "worker": _worker()}
    checks["disk"] = _disk()
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": checks},
                        status=200 if healthy else 503)
