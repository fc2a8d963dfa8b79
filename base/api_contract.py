"""What every API operation shares in its contract: the one JSON shape of an error answer, the
error answers an operation documents, the input constraints that keep a schema-valid request
answerable, and validation messages in the client's language.

An error answer is `{"detail": "<what went wrong, in words>"}`; a 400 or 422 adds `errors`,
one entry per field (`loc` as django-ninja names it, e.g. ["query", "limit"]).
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema

# Ids are 64-bit (BigAutoField): anything larger can never name a record, and the databases
# refuse to compare with it.
MAX_ID = 2**63 - 1
# Page offsets stay far below the 64-bit limit that offset + limit must not pass.
MAX_OFFSET = 2**53
# PostgreSQL text cannot hold NUL; a search text with one is refused, as Django's forms do.
PLAIN_TEXT = r"^[^\x00]*$"
MAX_TEXT = 100


class FieldError(Schema):
    loc: list[str | int] = Field(..., description="Where: source then field, e.g. query, limit")
    msg: str = Field(..., description="What is wrong, in the client's language")
    type: str = Field(..., description="Stable code of the problem, e.g. missing, int_parsing")


class ApiError(Schema):
    """The body of every error answer."""

    detail: str = Field(..., description="What went wrong, in the client's language")
    errors: list[FieldError] = Field(
        default_factory=list, description="The problems, one per field (400 and 422 answers)"
    )


def errors(*codes: int) -> dict[int, type[Schema]]:
    """The error answers of an operation, for its `response=` mapping (the OpenAPI document):
    401 no or bad token, 403 a role without API use, 404 no such record in the caller's scope,
    400 a body that is not JSON, 422 values that do not validate."""
    return dict.fromkeys(codes, ApiError)


# Messages for pydantic's error types, formatted with the error's context.
_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "int_parsing": gettext_lazy("Must be a whole number."),
    "int_type": gettext_lazy("Must be a whole number."),
    "int_from_float": gettext_lazy("Must be a whole number."),
    "bool_parsing": gettext_lazy("Must be true or false."),
    "bool_type": gettext_lazy("Must be true or false."),
    "string_type": gettext_lazy("Must be text."),
    "string_too_short": gettext_lazy("Must have at least %(min_length)s characters."),
    "string_too_long": gettext_lazy("Must have at most %(max_length)s characters."),
    "string_pattern_mismatch": gettext_lazy(
        "Does not have the expected form (pattern %(pattern)s)."),
    "greater_than_equal": gettext_lazy("Must be at least %(ge)s."),
    "greater_than": gettext_lazy("Must be greater than %(gt)s."),
    "less_than_equal": gettext_lazy("Must be at most %(le)s."),
    "less_than": gettext_lazy("Must be less than %(lt)s."),
    "literal_error": gettext_lazy("Must be one of: %(expected)s."),
    "enum": gettext_lazy("Must be one of: %(expected)s."),
    "model_attributes_type": gettext_lazy("Must be a JSON object."),
    "model_type": gettext_lazy("Must be a JSON object."),
    "dict_type": gettext_lazy("Must be a JSON object."),
    "json_invalid": gettext_lazy("The request body is not valid JSON."),
}


def field_message(error: dict[str, Any]) -> str:
    """A pydantic error in the active language; types without a message of ours get a general
    one (the `type` still tells a program which rule failed)."""
    template = _MESSAGES.get(error.get("type", ""))
    if template is None:
        return _("Invalid value.")
    ctx = dict(error.get("ctx", {}))
    if "expected" in ctx:  # pydantic joins the choices in English: "'a', 'b' or 'c'"
        ctx["expected"] = str(ctx["expected"]).replace("' or '", "', '")
    try:
        return str(template) % ctx
    except (KeyError, TypeError, ValueError):
        return _("Invalid value.")


def field_errors(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """django-ninja's validation errors as FieldError dicts (never echoing the input)."""
    return [
        {"loc": [str(part) if not isinstance(part, int) else part for part in e.get("loc", ())],
         "msg": field_message(e), "type": e.get("type", "value_error")}
        for e in raw
    ]


def invalid(items: list[dict[str, Any]]) -> dict[str, Any]:
    """The 422 body for field errors: a summary naming the fields, and the errors themselves."""
    fields = ", ".join(dict.fromkeys(".".join(str(p) for p in e["loc"]) for e in items))
    return {"detail": _("Invalid value in %(fields)s.") % {"fields": fields}, "errors": items}
