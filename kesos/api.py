"""The REST API (django-ninja): one NinjaAPI, each app adds its router.

Every operation needs a bearer token (accounts.api_auth); the token's user is the request's
user, so the API sees and does exactly what that user may in the web pages. The OpenAPI
document is at /api/openapi.json and the docs page at /api/docs.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from accounts.api_auth import ApiTokenAuth
from programs.api import router as programs_router
from registry.api import identity_router
from registry.api import router as registry_router
from wilayah.api import router as wilayah_router

api = NinjaAPI(
    title="Kesos API",
    version="1",
    description=(
        "Kesos social-welfare registry. Send `Authorization: Bearer <key>` (a key from "
        "`kesos create_api_token`). Records outside the token user's region scope answer 404. "
        "Messages follow `Accept-Language` (`en` English, otherwise Indonesian)."
    ),
    urls_namespace="api",
    auth=ApiTokenAuth(),
)
api.add_router("/", wilayah_router)
api.add_router("/", identity_router)
api.add_router("/", registry_router)
api.add_router("/", programs_router)


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request, {"detail": _("Missing, invalid or revoked API token.")}, status=401
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or _("Not found.")}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not allowed.")}, status=403)
