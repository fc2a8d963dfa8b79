"""The REST API (django-ninja): one NinjaAPI, each app adds its router.

Every operation needs a bearer token (accounts.api_auth); the token's user is the request's
user, so the API sees and does exactly what that user may in the web pages. The OpenAPI
document is at /api/openapi.json and the docs page at /api/docs.

Every answer under /api/ is JSON, errors included, in the one shape of base.api_contract:
unknown paths and methods too, which Django and ninja would otherwise answer with HTML or text.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from accounts.api_auth import ApiTokenAuth
from base.api_contract import field_errors, invalid
from ewarong.api import router as ewarong_router
from grievance.api import router as grievance_router
from payments.status_api import router as payments_router
from programs.api import router as programs_router
from registry.api import identity_router
from registry.api import router as registry_router
from wilayah.api import router as wilayah_router


class KesosApi(NinjaAPI):
    @property
    def urls(self) -> tuple[list[URLPattern | URLResolver], str, str]:
        """ninja's URL patterns, each answering JSON for methods it does not take, then a last
        pattern answering JSON 404 for any other path under the API's prefix."""
        patterns, app_name, namespace = super().urls
        patterns = [
            URLPattern(p.pattern, _json_refusals(p.callback), p.default_args, p.name)
            if isinstance(p, URLPattern) else p
            for p in patterns
        ]
        return [*patterns, re_path(r"^", unknown_path, name="unknown")], app_name, namespace


api = KesosApi(
    title="Kesos API",
    version="1",
    description=(
        "Kesos social-welfare registry. Send `Authorization: Bearer <key>` (a key from "
        "`kesos create_api_token`). Records outside the token user's region scope answer 404. "
        "Every error answers JSON `{\"detail\": \"...\"}`; a 400 or 422 adds `errors`, one "
        "`{\"loc\", \"msg\", \"type\"}` per field. Messages follow `Accept-Language` (`en` "
        "English, otherwise Indonesian)."
    ),
    urls_namespace="api",
    auth=ApiTokenAuth(),
)
api.add_router("/", wilayah_router)
api.add_router("/", identity_router)
api.add_router("/", registry_router)
api.add_router("/", programs_router)
api.add_router("/", ewarong_router)
api.add_router("/", payments_router)
api.add_router("/", grievance_router)


def _error(request: HttpRequest, status: int, detail: str, **extra: object) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


def unknown_path(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    return _error(request, 404, _("There is no API operation at %(path)s; the operations are "
                                  "listed at /api/docs.") % {"path": request.path})


def _json_refusals(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`view`, answering JSON where ninja answers text: a method the path does not take (405,
    keeping its Allow header) and a 404 raised outside an operation (the API's root)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return unknown_path(request)
        if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
            allowed = response["Allow"]
            response = _error(request, 405, _("The method %(method)s is not allowed here; "
                                              "allowed: %(allowed)s.")
                              % {"method": request.method, "allowed": allowed})
            response["Allow"] = allowed
        return response

    return wrapper


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(request, 401, _("Missing, invalid or revoked API token."))
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own refusals; the only 400 it raises is a request body it cannot parse."""
    if exc.status_code == 400:
        message = _("The request body is not valid JSON.")
        return _error(request, 400, message,
                      errors=[{"loc": ["body"], "msg": message, "type": "json_invalid"}])
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(ValidationError)
def unprocessable(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, invalid(field_errors(exc.errors)), status=422)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, str(exc) or _("Not found."))


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, _("Not allowed."))
