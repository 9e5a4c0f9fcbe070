from typing import Annotated

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import Field, WithJsonSchema

from api.routers.stock import get_batch
from api.schemas import Id
from common.exceptions import NotFound, ValidationFailed
from inventory import certificates, services
from inventory import policies as stock_policies
from inventory.labelling import (
    BIN_LOCATION,
    MAX_LABELS_PER_PRINT,
    check_label_count,
    device_label,
    devices_for_labels,
    label_sheet_pdf,
    label_stock,
    shelf_label,
    sim_label,
)
from inventory.models import Device, LineItem
from labels.layout import LabelError
from labels.stocks import STOCKS, Stock
from labels.zpl import render_zpl
from sites.selectors import site_or_default

router = Router(tags=["labels"])

# What a request body may list at all (read cheaply); a print holds at most MAX_LABELS_PER_PRINT labels.
MAX_LABELS = 5000
# A label stock's name. The schema lists them; get_stock() checks the name, so that an unknown one
# still answers 422 with its own code, unknown_stock, and the list of stocks.
StockName = Annotated[str, WithJsonSchema({"type": "string", "enum": list(STOCKS)})]


class LabelsIn(Schema):
    asset_tags: list[str] = Field(
        min_length=1,
        max_length=MAX_LABELS,
        description=f"At most {MAX_LABELS_PER_PRINT} labels, repeats included: a repeated tag prints repeated labels.",
    )
    stock: StockName | None = Field(None, description="Defaults to your site's.")
    start: int = Field(1, ge=1, description="First free position on a part-used sheet, 1-based.")


class SimLabelsIn(Schema):
    items: list[Id] = Field(min_length=1, max_length=MAX_LABELS)
    stock: StockName | None = None
    start: int = Field(1, ge=1)


class ShelfLabelsIn(Schema):
    locations: list[str] = Field(min_length=1, max_length=MAX_LABELS)
    site: str | None = None
    stock: StockName | None = None
    start: int = Field(1, ge=1)


get_stock = label_stock


def pdf(labels, stock: Stock, start: int, filename: str) -> HttpResponse:
    response = HttpResponse(label_sheet_pdf(labels, stock, start), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def print_devices(request, asset_tags: list[str], stock_name: str | None, start: int, filename: str | None, site=None):
    user = request.auth
    devices, missing = devices_for_labels(asset_tags)
    if missing:
        raise ValidationFailed(f"Unknown asset tags: {', '.join(missing[:20])}.", "unknown_asset_tags", missing=missing)
    stock = get_stock(stock_name, site or (devices[0].site if devices else user.site))
    # A file name is built from what is stored, never from what was typed (a newline would break the header).
    response = pdf([device_label(d) for d in devices], stock, start, filename or f"{devices[0].asset_tag}.pdf")
    services.device_labels_printed(user=user, devices=devices, stock=stock.name)
    return response


@router.get("/devices/{asset_tag}/label.pdf", response={200: None})
def device_label_pdf(request: HttpRequest, asset_tag: str, stock: StockName | None = None):
    """One device's label as PDF, on `stock` (default: the device's site's). Printing is kept in its history."""
    stock_policies.require(request.auth, "stock.read")
    return print_devices(request, [asset_tag], stock, 1, None)


@router.get("/devices/{asset_tag}/label.zpl", response={200: None})
def device_label_zpl(request: HttpRequest, asset_tag: str, stock: StockName = "zebra_4x2"):
    """One device's label as ZPL for a Zebra roll printer."""
    user = stock_policies.require(request.auth, "stock.read")
    devices, _ = devices_for_labels([asset_tag])
    if not devices:
        raise NotFound(f"No device {asset_tag}.")
    chosen = get_stock(stock, devices[0].site)
    try:
        content = render_zpl([device_label(devices[0])], chosen)
    except LabelError as exc:
        raise ValidationFailed(str(exc), "label_does_not_fit") from exc
    except ValueError as exc:
        raise ValidationFailed(str(exc), "zpl_needs_a_roll", field="stock") from exc
    services.device_labels_printed(user=user, devices=devices, stock=f"{chosen.name} (ZPL)")
    response = HttpResponse(content, content_type="application/x-zpl; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{devices[0].asset_tag}.zpl"'
    return response


@router.post("/labels", response={200: None})
def labels_pdf(request: HttpRequest, payload: LabelsIn):
    """Many device labels in one PDF, in the order given; `start` skips used positions of a sheet."""
    stock_policies.require(request.auth, "stock.read")
    check_label_count(len(payload.asset_tags), field="asset_tags")
    return print_devices(request, payload.asset_tags, payload.stock, payload.start, "labels.pdf")


@router.get("/batches/{batch_id}/labels.pdf", response={200: None})
def batch_labels_pdf(request: HttpRequest, batch_id: Id, stock: StockName | None = None, start: Id = 1):
    """Every device of a batch, in registration order, in one PDF."""
    stock_policies.require(request.auth, "stock.read")
    batch = get_batch(batch_id)
    check_label_count(Device.objects.filter(batch=batch).count())
    tags = list(Device.objects.filter(batch=batch).order_by("id").values_list("asset_tag", flat=True))
    if not tags:
        raise ValidationFailed(f"Batch #{batch_id} has no devices yet.", "empty_batch")
    return print_devices(request, tags, stock, start, f"batch-{batch_id}.pdf", site=batch.site)


@router.get("/batches/{batch_id}/certificate.pdf", response={200: None})
def batch_certificate_pdf(request: HttpRequest, batch_id: Id):
    """The donor's certificate: each device of the batch, its data erasure and what became of it."""
    stock_policies.require(request.auth, "stock.certify")
    content = certificates.certificate_pdf(batch_id)
    if content is None:
        raise NotFound(f"No batch #{batch_id}.")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-batch-{batch_id}.pdf"'
    return response


@router.post("/labels/sims", response={200: None})
def sim_labels_pdf(request: HttpRequest, payload: SimLabelsIn):
    """Labels for SIM card packs: offer, operator and the ICCID as a barcode."""
    user = stock_policies.require(request.auth, "stock.read")
    check_label_count(len(payload.items), field="items")
    items = {item.pk: item for item in LineItem.objects.select_related("offer", "site").filter(pk__in=payload.items)}
    missing = [pk for pk in payload.items if pk not in items or not items[pk].iccid]
    if missing:
        raise ValidationFailed(f"Not SIM cards in stock: {missing[:20]}.", "unknown_items", missing=missing)
    ordered = [items[pk] for pk in payload.items]
    stock = get_stock(payload.stock, ordered[0].site if ordered else user.site)
    return pdf([sim_label(item) for item in ordered], stock, payload.start, "sims.pdf")


@router.post("/labels/shelves", response={200: None})
def shelf_labels_pdf(request: HttpRequest, payload: ShelfLabelsIn):
    """Bin labels for shelf locations (A-01, B-07…)."""
    user = stock_policies.require(request.auth, "stock.read")
    check_label_count(len(payload.locations), field="locations")
    site = site_or_default(payload.site, default=user.site)
    if any(not BIN_LOCATION.fullmatch(location.strip()) for location in payload.locations):
        raise ValidationFailed(
            "A location has 1 to 40 letters (A-Z, no accents), digits, spaces or . _ / -",
            "invalid_location",
            field="locations",
        )
    labels = [shelf_label(location, site) for location in payload.locations]
    return pdf(labels, get_stock(payload.stock, site), payload.start, "shelves.pdf")
