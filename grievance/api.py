"""REST endpoints for complaints: other systems (a call centre, a bank's helpdesk) file
complaints, list those in the token user's region and resolve them. Scoped by the token user's
role and region (accounts.policy); every read of a complaint is audited (source 'api'); a
complaint outside the scope answers 404. Invalid fields are a 422 naming each field."""

from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from accounts import policy
from audit import services as audit
from base.api_contract import errors, invalid
from registry.api import audit_context
from wilayah.models import Level, Region

from . import selectors, services
from .models import COMPLAINT_CATEGORIES, Channel, Kind, Resolution, Submission

router = Router(tags=["complaints"])


CategoryCode = Literal[tuple(COMPLAINT_CATEGORIES)]  # type: ignore[valid-type]


class ComplaintIn(Schema):
    category: CategoryCode  # type: ignore[valid-type]
    village_code: str = Field(..., pattern=r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$",
                              description="Kepmendagri code of the desa/kelurahan")
    description: str = Field(..., min_length=1, max_length=2000, pattern=r"\S")
    submitter_name: str = Field("", max_length=100)
    submitter_phone: str = Field("", pattern=r"^[0-9 +-]{0,20}$")
    subject_name: str = Field("", max_length=100)
    subject_nik: str = Field("", pattern=r"^([0-9]{16})?$")
    program_code: str = Field("", max_length=20)
    merchant_code: str = Field("", pattern=r"^([0-9]{1,12})?$")


class ComplaintOut(Schema):
    tracking_number: str
    kind: str
    category: str
    status: str
    village_code: str
    unit: str
    unit_region_code: str
    due_at: datetime
    created_at: datetime
    resolution: str


class ResolveIn(Schema):
    resolution: Literal[tuple(Resolution.values)]  # type: ignore[valid-type]
    message: str = Field(..., min_length=1, max_length=500, pattern=r"\S")


def _out(sub: Submission) -> dict:
    return {"tracking_number": sub.tracking_number, "kind": sub.kind, "category": sub.category,
            "status": sub.status, "village_code": sub.region_id, "unit": sub.unit,
            "unit_region_code": sub.unit_region_code, "due_at": sub.due_at,
            "created_at": sub.created_at, "resolution": sub.resolution}


def _invalid(error: ValidationError, status: int = 422) -> Status:
    found = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    items = [{"loc": ["body", field] if field else ["body"], "msg": msgs[0],
              "type": "value_error"} for field, msgs in found.items()]
    return Status(status, invalid(items))


def _get(request: HttpRequest, tracking_number: str) -> Submission:
    number = services.normalize_tracking(tracking_number)
    sub = selectors.visible(request.user).filter(tracking_number=number).first()
    if sub is None:
        raise Http404
    return sub


@router.post("/complaints", response={201: ComplaintOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="File a complaint",
             description="404: no such village; 403: the village lies outside the token "
                         "user's region; 409: values that fit the schema but not the data "
                         "(a NIK that cannot exist, an unknown e-warong), naming each field.")
def create_complaint(request: HttpRequest, body: ComplaintIn):
    if not Region.objects.filter(code=body.village_code, level=Level.VILLAGE).exists():
        raise Http404
    policy.require(request.user, policy.RECORD_COMPLAINT, body.village_code)
    try:
        sub = services.record_complaint(audit_context(request), Kind.COMPLAINT, body.dict(),
                                        Channel.API)
    except ValidationError as error:
        return _invalid(error, 409)
    return Status(201, _out(sub))


@router.get("/complaints", response={200: list[ComplaintOut], **errors(401, 403, 422)},
            summary="Open complaints in the token user's region, most urgent first")
def list_complaints(request: HttpRequest, category: str = "",
                    limit: int = Query(100, ge=1, le=500)):
    policy.require(request.user, policy.VIEW_COMPLAINTS)
    qs = selectors.queue(request.user, mine=False, category=category)[:limit]
    return [_out(s) for s in qs]


@router.get("/complaints/{tracking_number}",
            response={200: ComplaintOut, **errors(401, 403, 404, 422)},
            summary="One complaint by its tracking number")
def get_complaint(request: HttpRequest, tracking_number: str):
    sub = _get(request, tracking_number)
    audit.record_read(audit_context(request), sub, region_code=sub.region_id)
    return _out(sub)


@router.post("/complaints/{tracking_number}/resolve",
             response={200: ComplaintOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Resolve with a reason and a message for the citizen")
def resolve_complaint(request: HttpRequest, tracking_number: str, body: ResolveIn):
    sub = _get(request, tracking_number)
    try:
        services.resolve(audit_context(request), sub, body.resolution, body.message)
    except ValidationError as error:  # already closed
        return _invalid(error, 409)
    return _out(sub)
