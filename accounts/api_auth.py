"""Bearer-token authentication for the REST API.

A request carries `Authorization: Bearer <raw key>`; the key's hash names a live token, and the
token's user becomes the request's user, so every endpoint is scoped by the same access policy
as the web pages.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer

from . import policy
from .models import User
from .services import token_for_key


class ApiTokenAuth(HttpBearer):
    """Looks the key up by its sha256 hash; revoked tokens and inactive users get 401, a user
    whose role may not use the API gets 403."""

    def __call__(self, request: HttpRequest) -> User | None:
        # Parsed here rather than by HttpBearer, which logs the whole header (the key) in DEBUG.
        scheme, _, key = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None
        return self.authenticate(request, key.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = token_for_key(token)
        if api_token is None:
            return None
        user = api_token.user
        if not policy.can(user, policy.USE_API):
            raise AuthorizationError(message=_("This account may not use the API."))
        request.user = user
        request.api_token = api_token
        return user
