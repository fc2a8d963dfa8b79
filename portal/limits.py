"""Rate limits of the public endpoints, per client address and per session, in fixed windows
counted in the cache (one add + one incr; no database), checked before any other work so a
flood from one address is refused cheaply and does not slow other users.

settings.PORTAL_RATE_LIMITS = {"address": (requests, seconds), "session": (requests, seconds)}
(defaults below); a deployment behind a proxy must set REMOTE_ADDR from the proxy's header in
the proxy layer, not here (a client-supplied header would let anyone pick their address)."""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

DEFAULT_LIMITS = {"address": (30, 60), "session": (15, 60)}


def _limits() -> dict[str, tuple[int, int]]:
    return DEFAULT_LIMITS | getattr(settings, "PORTAL_RATE_LIMITS", {})


def _over(key: str, allowed: int, seconds: int) -> bool:
    window = int(time.time() // seconds)
    full = f"portal:rl:{key}:{seconds}:{window}"
    if cache.add(full, 1, seconds + 1):
        return allowed < 1
    try:
        return cache.incr(full) > allowed
    except ValueError:  # expired between add and incr
        cache.add(full, 1, seconds + 1)
        return False


def refused(request: HttpRequest, endpoint: str) -> bool:
    """True when this request goes over the address or the session limit of `endpoint`."""
    limits = _limits()
    address = request.META.get("REMOTE_ADDR", "")
    allowed, seconds = limits["address"]
    if _over(f"{endpoint}:a:{address}", allowed, seconds):
        return True
    session_key = request.session.session_key if hasattr(request, "session") else None
    if session_key:
        allowed, seconds = limits["session"]
        return _over(f"{endpoint}:s:{session_key}", allowed, seconds)
    return False
