"""Account actions: issuing, revoking and checking the bearer tokens of the REST API.

Only a token's sha256 hash is stored; the raw key is returned once, when it is issued.
"""

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from audit import services as audit
from audit.models import Source

from .models import ApiToken, User, hash_token

# last_used_at is advisory; writing it on every call would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)
PREFIX_LENGTH = 8


def issue_api_token(
    user: User, name: str, ctx: audit.Context | None = None
) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns it with the raw key, which is never stored."""
    raw = ApiToken.new_raw_key()
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=hash_token(raw), prefix=raw[:PREFIX_LENGTH]
    )
    audit.record(ctx or audit.Context(source=Source.SYSTEM), "accounts.api_token.issue", token,
                 {"user": [None, user.pk], "name": [None, name]})
    return token, raw


def revoke_api_token(token: ApiToken, ctx: audit.Context | None = None) -> ApiToken:
    """Refuse the token from now on (idempotent: a revoked token keeps its first revocation)."""
    now = timezone.now()
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    token.refresh_from_db()
    if changed:
        audit.record(ctx or audit.Context(source=Source.SYSTEM), "accounts.api_token.revoke",
                     token, {"revoked_at": [None, now.isoformat()]})
    return token


def token_for_key(raw: str) -> ApiToken | None:
    """The live token whose key is `raw` (not revoked, user active), with its user; else None.
    Marks the token as used."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__region")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is not None:
        touch_api_token(token)
    return token


def touch_api_token(token: ApiToken, now: datetime | None = None) -> bool:
    """Set last_used_at unless it was set less than a minute ago; True when written."""
    now = now or timezone.now()
    threshold = now - LAST_USED_RESOLUTION
    if token.last_used_at is not None and token.last_used_at > threshold:
        return False
    # The filter repeats the check so that concurrent requests write at most once.
    written = ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=threshold), pk=token.pk
    ).update(last_used_at=now)
    token.last_used_at = now
    return bool(written)
