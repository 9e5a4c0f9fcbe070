"""Receipts: the original PDF as issued or a stamped duplicate, and checking that a file is an original."""

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile

from api.routers.kits import OPERATION
from common.exceptions import NotFound, ValidationFailed
from distribution import policies, selectors, services
from distribution.models import Receipt

router = Router(tags=["distribution"])

RECEIPT_MAX_BYTES = 2_000_000


class VerifyOut(Schema):
    valid: bool
    number: str | None

    @staticmethod
    def resolve_valid(receipt: Receipt | None) -> bool:
        return receipt is not None

    @staticmethod
    def resolve_number(receipt: Receipt | None) -> str | None:
        return receipt.number if receipt else None


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@router.get("/receipts/{number}.pdf", response={200: None}, operation_id=f"{OPERATION}receipt_pdf")
def receipt_pdf(
    request: HttpRequest,
    number: str,
    which: str = Query("original", alias="copy", pattern="^(original|duplicate)$"),
):
    """The receipt: the original bytes as issued, or a copy stamped DUPLICATA (`?copy=duplicate`).

    It names the person: each read is written to the access log."""
    policies.require(request.auth, "receipt.read")
    receipt = selectors.receipt_by_number(policies.receipts_for(request.auth), number)
    if receipt is None:
        raise NotFound(f"No receipt {number}.")
    if which == "duplicate":
        return pdf_response(services.receipt_duplicate(receipt, user=request.auth), f"{receipt.number}-duplicata.pdf")
    return pdf_response(services.receipt_original(receipt, user=request.auth), f"{receipt.number}.pdf")


@router.post("/receipts/verify", response=VerifyOut, operation_id=f"{OPERATION}receipt_verify")
def receipt_verify(request: HttpRequest, file: File[UploadedFile]):
    """Is this PDF an original receipt of ours, and which? (A duplicate or an altered file is not.)"""
    policies.require(request.auth, "receipt.verify")
    if file.size > RECEIPT_MAX_BYTES:
        raise ValidationFailed("A receipt is a few tens of kilobytes; this file is too large.", "too_large")
    return services.receipt_verify(file.read())
