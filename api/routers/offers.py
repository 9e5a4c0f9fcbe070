from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from api.pagination import PageNumber, paginate
from api.schemas import Day, Id
from common.exceptions import NotFound
from inventory import policies, selectors, services
from inventory.enums import LineItemStatus, OfferKind
from inventory.models import LineItem, Offer
from sites.selectors import site_or_default

router = Router(tags=["connectivity"])


class OfferIn(Schema):
    operator: str = Field(min_length=1, max_length=60)
    name: str = Field(min_length=1, max_length=120)
    kind: OfferKind
    data_gb: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=1)
    validity_days: int = Field(ge=1, le=3650)
    unlimited_calls: bool = False
    price: Decimal = Field(ge=0, max_digits=7, decimal_places=2)
    instructions: str = Field("", max_length=600, description="How to use a voucher or SIM, printed on the receipt.")


class OfferOut(Schema):
    id: int
    operator: str
    name: str
    kind: OfferKind
    data_gb: Decimal | None
    validity_days: int
    unlimited_calls: bool
    price: Decimal
    instructions: str = ""
    is_active: bool
    available: int = 0
    expiring_30_days: int = 0


class ItemIn(Schema):
    iccid: str | None = None
    voucher_code: str | None = None
    msisdn: str = Field("", max_length=16)
    expires_on: Day


class DeliveryIn(Schema):
    site: str | None = Field(None, description="Site code; defaults to your own site.")
    items: list[ItemIn] = Field(min_length=1, max_length=10_000)


class ItemOut(Schema):
    id: int
    offer: int = Field(alias="offer_id")
    iccid: str | None
    voucher_code: str | None = Field(alias="masked_voucher_code", description="Masked: ••••1234")
    msisdn: str
    expires_on: date
    status: LineItemStatus
    site: str = Field(alias="site.code")


def get_offer(offer_id: Id) -> Offer:
    offer = Offer.objects.filter(pk=offer_id).first()
    if offer is None:
        raise NotFound(f"No offer #{offer_id}.")
    return offer


@router.get("/offers", response=list[OfferOut])
def offer_list(request: HttpRequest):
    """The connectivity catalogue, with how many units are available and how many expire within 30 days."""
    policies.require(request.auth, "stock.read")
    return selectors.offer_list()


@router.post("/offers", response={201: OfferOut})
def offer_create(request: HttpRequest, payload: OfferIn):
    user = policies.require(request.auth, "connectivity.manage")
    offer = services.offer_create(user=user, **payload.model_dump())
    return Status(201, selectors.offer_list().get(pk=offer.pk))


@router.get("/offers/{offer_id}", response=OfferOut)
def offer_read(request: HttpRequest, offer_id: Id):
    policies.require(request.auth, "stock.read")
    offer = selectors.offer_list().filter(pk=offer_id).first()
    if offer is None:
        raise NotFound(f"No offer #{offer_id}.")
    return offer


@router.get("/offers/{offer_id}/items", response=list[ItemOut])
@paginate(PageNumber)
def item_list(request: HttpRequest, offer_id: Id, status: str | None = None, site: str | None = None):
    """SIM cards or vouchers of an offer, the first to expire first."""
    policies.require(request.auth, "stock.read")
    return selectors.line_item_list(offer=get_offer(offer_id), status=status, site=site)


@router.post("/offers/{offer_id}/items", response={201: list[ItemOut]})
def item_delivery(request: HttpRequest, offer_id: Id, payload: DeliveryIn):
    """Add a whole delivery of SIM cards or vouchers at once, or nothing if one line is wrong."""
    user = policies.require(request.auth, "stock.write")
    offer = get_offer(offer_id)
    items = services.line_items_add(
        user=user,
        offer=offer,
        site=site_or_default(payload.site, default=user.site),
        items=[item.model_dump() for item in payload.items],
    )
    return Status(201, LineItem.objects.filter(pk__in=[i.pk for i in items]).select_related("site"))


@router.get("/offers/{offer_id}/items/{item_id}", response=ItemOut)
def item_read(request: HttpRequest, offer_id: Id, item_id: Id):
    policies.require(request.auth, "stock.read")
    item = LineItem.objects.select_related("site").filter(offer_id=offer_id, pk=item_id).first()
    if item is None:
        raise NotFound(f"No item #{item_id} in offer #{offer_id}.")
    return item
