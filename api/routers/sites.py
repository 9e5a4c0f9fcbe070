from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from sites import selectors

router = Router(tags=["sites"])


class SiteOut(Schema):
    code: str
    name: str
    address: str
    postal_code: str
    city: str
    is_warehouse: bool
    is_reception_point: bool
    latitude: Decimal | None
    longitude: Decimal | None


@router.get("/sites", response=list[SiteOut])
def site_list(request: HttpRequest):
    """The charity's sites: warehouses and reception points."""
    return selectors.site_list()
