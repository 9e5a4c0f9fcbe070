"""Returns: a device back from its beneficiary, under warranty (a swap or a repair) or not."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from api.routers.kits import OPERATION
from distribution import selectors, services
from distribution.enums import ReturnOutcome, ReturnReason

router = Router(tags=["distribution"])


class ReturnIn(Schema):
    reason: ReturnReason
    outcome: ReturnOutcome
    note: str = Field("", max_length=500)
    replacement: str | None = Field(None, max_length=32, description="Asset tag of the swap's new device.")


class ReturnOut(Schema):
    id: int
    device: str = Field(alias="device.asset_tag")
    handover: int = Field(alias="handover_id")
    reason: ReturnReason
    outcome: ReturnOutcome
    under_warranty: bool
    warranty_until: dt.date | None = Field(alias="handover.warranty_until")
    at: dt.datetime


@router.post("/devices/{asset_tag}/return", response={201: ReturnOut}, operation_id=f"{OPERATION}device_return")
def device_return(request: HttpRequest, asset_tag: str, payload: ReturnIn):
    """A device back from its beneficiary: a swap or a repair under warranty, or a plain return."""
    returned = services.device_return(user=request.auth, device=asset_tag, **payload.model_dump())
    return Status(201, selectors.return_get(returned.pk))
