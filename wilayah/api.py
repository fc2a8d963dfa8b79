"""REST endpoints over the region tree: public reference data, served to token holders."""

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from base.api_contract import MAX_TEXT, PLAIN_TEXT, errors

from . import selectors
from .models import Region

router = Router(tags=["wilayah"])
# Kepmendagri codes: province PP, regency PP.KK, district PP.KK.DD, village PP.KK.DD.DDDD.
REGION_CODE = r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$"
REGION_CODE_OR_EMPTY = r"^([0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?)?$"


class RegionOut(Schema):
    code: str = Field(..., examples=["32.01.01.1001"])
    name: str
    level: int = Field(..., description="1 province, 2 regency/city, 3 district, 4 village")
    parent: str | None = Field(None, description="Code of the parent region")


class RegionDetail(RegionOut):
    time_zone: str = Field(..., description="IANA time zone, e.g. Asia/Jakarta")
    time_zone_label: str = Field(..., description="WIB, WITA or WIT")
    label: str = Field(..., description="Name path, most specific first")


class RegionSearch(Schema):
    q: str = Field(..., min_length=1, max_length=MAX_TEXT, pattern=PLAIN_TEXT,
                   description="Part of a name, or the start of a code")
    level: int | None = Field(None, ge=1, le=4)
    limit: int = Field(20, ge=1, le=100)


@router.get("/regions", response={200: list[RegionOut], **errors(401, 403, 404, 422)})
def list_regions(request: HttpRequest,
                 parent: str = Query("", pattern=REGION_CODE_OR_EMPTY,
                                     description="Region code; empty for the provinces")):
    """The direct children of `parent`; the provinces when it is empty."""
    if parent and selectors.get_region(parent) is None:
        raise Http404(_("Region not found."))
    return [_region(r) for r in selectors.children(parent).order_by("code")]


@router.get("/regions/search", response={200: list[RegionOut], **errors(401, 403, 422)})
def search_regions(request: HttpRequest, params: Query[RegionSearch]):
    """Regions whose name contains `q` or whose code starts with it, highest level first."""
    found = selectors.search(params.q.strip(), level=params.level, limit=params.limit)
    return [_region(r) for r in found]


@router.get("/regions/{code}", response={200: RegionDetail, **errors(401, 403, 404, 422)})
def get_region(request: HttpRequest,
               code: str = Path(..., pattern=REGION_CODE, example="32.01.01.1001")):
    region = selectors.get_region(code)
    if region is None:
        raise Http404(_("Region not found."))
    zone = selectors.time_zone(region.code)
    return _region(region) | {
        "time_zone": zone, "time_zone_label": selectors.TIME_ZONE_LABELS[zone],
        "label": selectors.label(region.code),
    }


def _region(region: Region) -> dict:
    return {"code": region.code, "name": region.name, "level": region.level,
            "parent": region.parent_id}
