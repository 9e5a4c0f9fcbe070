"""Matching: ranked kits for one referral, and network-wide allocation plans to confirm."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from api.routers.kits import OPERATION, item_label
from api.schemas import Id
from common.exceptions import NotFound
from distribution import policies, selectors, services
from distribution.models import Proposal, ProposalLine
from inventory.models import LineItem
from sites.selectors import site_by_code

router = Router(tags=["distribution"])


class SuggestedDeviceOut(Schema):
    asset_tag: str
    kind: str
    brand: str
    model: str
    grade: str
    site: str = Field(alias="site.code")


class SuggestedItemOut(Schema):
    id: int
    offer: str
    site: str = Field(alias="site.code")
    expires_on: dt.date
    label: str

    @staticmethod
    def resolve_offer(item: LineItem) -> str:
        return str(item.offer)

    @staticmethod
    def resolve_label(item: LineItem) -> str | None:
        return item_label(item)


class SuggestionOut(Schema):
    rank: int
    device: SuggestedDeviceOut | None
    line_item: SuggestedItemOut | None
    transfer_from: str | None
    why: list[str] = Field(alias="reasons")

    @staticmethod
    def resolve_transfer_from(suggestion: selectors.Suggestion) -> str | None:
        return suggestion.transfer_from.code if suggestion.transfer_from else None


class ProposalIn(Schema):
    site: str | None = Field(None, description="Site code; the whole network (what you may decide on) when omitted.")


class ProposalLineOut(Schema):
    id: int
    referral: int = Field(alias="referral_id")
    device: str | None = Field(description="Asset tag.")
    line_item: int | None = Field(alias="line_item_id")
    transfer_from: str | None
    why: str = Field(alias="text")
    reasons: dict = Field(alias="why")

    @staticmethod
    def resolve_device(line: ProposalLine) -> str | None:
        return line.device.asset_tag if line.device_id else None

    @staticmethod
    def resolve_transfer_from(line: ProposalLine) -> str | None:
        return line.transfer_from or None


class UnservedOut(Schema):
    referral: int
    code: str
    why: str = Field(alias="text")


class ProposalOut(Schema):
    id: int
    site: str | None
    created_at: dt.datetime
    expires_at: dt.datetime
    solver: str
    served_priority: int
    device_moves: int
    lines: list[ProposalLineOut]
    unserved: list[UnservedOut]

    @staticmethod
    def resolve_site(proposal: Proposal) -> str | None:
        return proposal.site.code if proposal.site_id else None

    @staticmethod
    def resolve_lines(proposal: Proposal) -> list[ProposalLine]:
        return list(selectors.proposal_lines(proposal))


class ConfirmIn(Schema):
    lines: list[Id] | None = Field(None, max_length=20_000, description="Line ids; every line when omitted.")


class ReservedLineOut(Schema):
    line: int
    allocation: int


class RefusedLineOut(Schema):
    line: int
    code: str


class ConfirmOut(Schema):
    reserved: list[ReservedLineOut]
    refused: list[RefusedLineOut]


@router.get(
    "/referrals/{referral_id}/suggestions",
    response=list[SuggestionOut],
    operation_id=f"{OPERATION}referral_suggestions",
)
def referral_suggestions(request: HttpRequest, referral_id: Id):
    """Ranked kits for one referral: a fitting device at its site first, then elsewhere; better grade first;
    the SIM card or voucher that expires first. Each says why."""
    policies.require(request.auth, "kit.reserve")
    referral = selectors.decidable_referral(request.auth, referral_id)
    if referral is None:
        raise NotFound(f"No referral #{referral_id}.")
    return selectors.suggestions(referral)


@router.post("/matching/proposals", response={201: ProposalOut}, operation_id=f"{OPERATION}proposal_create")
def proposal_create(request: HttpRequest, payload: ProposalIn):
    """An optimal plan for every accepted referral without a kit: the most priority served, then the fewest
    devices moved, then the SIM cards that expire first and the better grades for the longest waiting."""
    site = site_by_code(payload.site) if payload.site else None
    proposal = services.proposal_create(user=request.auth, site=site)
    return Status(201, proposal)


@router.get("/matching/proposals/{proposal_id}", response=ProposalOut, operation_id=f"{OPERATION}proposal_read")
def proposal_read(request: HttpRequest, proposal_id: Id):
    policies.require(request.auth, "kit.reserve")
    proposal = selectors.proposal_for(request.auth, proposal_id)
    if proposal is None:
        raise NotFound(f"No allocation plan #{proposal_id}.")
    return proposal


@router.post(
    "/matching/proposals/{proposal_id}/confirm", response=ConfirmOut, operation_id=f"{OPERATION}proposal_confirm"
)
def proposal_confirm(request: HttpRequest, proposal_id: Id, payload: ConfirmIn):
    """Reserve the chosen lines (all by default) through the same service as a reservation by hand:
    per line, the kit reserved or why not (409 codes such as already_reserved when stock moved on)."""
    return services.proposal_confirm(user=request.auth, proposal=proposal_id, lines=payload.lines)
