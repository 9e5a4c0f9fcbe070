from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import AliasChoices, AliasPath, BaseModel, ConfigDict, Field

from api.pagination import Deferred, PageNumber, paginate
from api.scan import api_url
from api.schemas import Id, Instant, blank_or, one_of
from common.exceptions import NotFound, ValidationFailed
from distribution.selectors import scan as scan_code
from inventory import policies, selectors, services
from inventory.enums import (
    DeviceEventKind,
    DeviceKind,
    DeviceStatus,
    ErasureMethod,
    ErasureResult,
    Grade,
    StorageType,
)
from inventory.grading import Specs, suggest_grade
from inventory.models import NOTES_MAX_LENGTH, Batch, Device
from sites.selectors import site_by_code, site_or_default

router = Router(tags=["devices"])

# What `GET /scan/{code}` may name (DESIGN, API contract).
ScanType = one_of("device", "line_item", "referral", "allocation", "receipt")


class DeviceIn(Schema):
    kind: DeviceKind
    brand: str = Field(min_length=1, max_length=60)
    model: str = Field("", max_length=120)
    serial_number: str | None = Field(None, max_length=64)
    imei: str | None = None
    imei2: str | None = None
    ram_gb: int | None = None
    storage_gb: int | None = None
    storage_type: StorageType | None = None
    cpu: str = ""
    cpu_mark: int | None = None
    os: str = ""
    battery_health_pct: int | None = None
    grade: Grade | None = None
    location: str = ""
    notes: str = Field("", max_length=NOTES_MAX_LENGTH)
    site: str | None = Field(None, description="Site code; defaults to your own site.")
    batch: Id | None = None


class DevicePatch(Schema):
    brand: str | None = None
    model: str | None = None
    serial_number: str | None = None
    imei: str | None = None
    imei2: str | None = None
    ram_gb: int | None = None
    storage_gb: int | None = None
    storage_type: StorageType | None = None
    cpu: str | None = None
    cpu_mark: int | None = None
    os: str | None = None
    battery_health_pct: int | None = None
    grade: Grade | None = None
    location: str | None = None
    notes: str | None = Field(None, max_length=NOTES_MAX_LENGTH)
    site: str | None = None


# A device, from a model instance (one device) or a row of inventory.selectors.device_rows (a list) alike: plain
# pydantic, read by attribute or by key, without ninja's per-attribute getter (it costs more than the query on a
# page of fifty). A comment, not a docstring: the docstring would become the schema's OpenAPI description.
class DeviceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    asset_tag: str
    kind: DeviceKind
    brand: str
    model: str
    serial_number: str | None
    imei: str | None
    imei2: str | None
    ram_gb: int | None
    storage_gb: int | None
    storage_type: blank_or(StorageType)
    cpu: str
    cpu_mark: int | None
    os: str
    battery_health_pct: int | None
    grade: blank_or(Grade)
    status: DeviceStatus
    site: str = Field(validation_alias=AliasChoices(AliasPath("site", "code"), "site_code"))
    location: str
    batch: int | None = Field(validation_alias="batch_id")
    notes: str
    created_at: datetime
    updated_at: datetime


class GradeSuggestionOut(Schema):
    grade: Grade | None
    points: int
    rules_version: str
    reasons: list[str]


class DeviceDetailOut(DeviceOut):
    allowed_transitions: list[DeviceStatus]
    suggested_grade: GradeSuggestionOut


class DeviceFilters(Schema):
    # Filters are strings, as they always were (several values, comma-separated; an unknown value finds
    # nothing): the descriptions list the values.
    status: str | None = Field(
        None, description=f"One status or several, comma-separated: {', '.join(DeviceStatus.values)}."
    )
    kind: str | None = Field(None, description=f"One kind or several, comma-separated: {', '.join(DeviceKind.values)}.")
    site: str | None = None
    grade: str | None = Field(None, description=f"One grade or several, comma-separated: {', '.join(Grade.values)}.")
    batch: Id | None = None
    q: str | None = Field(None, description="Asset tag, brand or model (part of), serial number or IMEI.")


class TransitionIn(Schema):
    to: DeviceStatus
    note: str = Field("", max_length=2000)


class ErasureIn(Schema):
    method: ErasureMethod
    tool: str = Field(min_length=1, max_length=100)
    result: ErasureResult
    finished_at: Instant
    started_at: Instant | None = None
    drive_serial: str = Field("", max_length=64)
    certificate_ref: str = Field("", max_length=100)


class ErasureOut(Schema):
    id: int
    method: ErasureMethod
    tool: str
    operator: str = Field(alias="operator.username")
    drive_serial: str
    started_at: datetime | None
    finished_at: datetime
    result: ErasureResult
    certificate_ref: str
    recorded_at: datetime


class HistoryOut(Schema):
    at: datetime
    by: str | None = Field(alias="by.username", description="Empty for what the system did on its own.")
    kind: DeviceEventKind
    from_status: blank_or(DeviceStatus) = Field(description='"" for the registration.')
    to_status: DeviceStatus
    site: str = Field(alias="site.code")
    note: str
    data: dict


def get_device(asset_tag: str) -> Device:
    device = selectors.device_get(asset_tag)
    if device is None:
        raise NotFound(f"No device {asset_tag}.")
    return device


def detail(device: Device, user) -> Device:
    """The device with what the detail view adds: open transitions and the suggested grade."""
    device.allowed_transitions = policies.device_actions(user, device)["transitions"]
    device.suggested_grade = suggest_grade(Specs.of(device))
    return device


@router.post("/devices", response={201: DeviceOut})
def device_create(request: HttpRequest, payload: DeviceIn):
    """Register a device; it gets the next asset tag of its site and type, and status received."""
    user = policies.require(request.auth, "stock.write")
    batch = None
    if payload.batch is not None:
        batch = Batch.objects.select_related("site").filter(pk=payload.batch).first()
        if batch is None:
            raise ValidationFailed(f"No batch #{payload.batch}.", "unknown_batch", field="batch")
    site = site_or_default(payload.site, default=batch.site if batch else user.site)
    fields = payload.model_dump(exclude={"site", "batch"})
    device = services.device_register(user=user, site=site, batch=batch, **fields)
    return Status(201, selectors.device_get(device.asset_tag))


# Where each of DeviceOut's fields is in a row of selectors.device_rows, in DeviceOut's order: the list's items are
# those rows renamed, answered without being validated again (PageNumber's `shaped`).
DEVICE_OUT_COLUMNS = tuple(
    (name, {"site": "site_code", "batch": "batch_id"}.get(name, name)) for name in DeviceOut.model_fields
)


def device_out(row: dict, request=None) -> dict:
    """A row of selectors.device_rows as DeviceOut writes it."""
    return {name: row[column] for name, column in DEVICE_OUT_COLUMNS}


@router.get("/devices", response=list[DeviceOut])
@paginate(PageNumber, rows=lambda devices, request: selectors.device_rows(devices), transform=device_out, shaped=True)
def device_list(request: HttpRequest, filters: Query[DeviceFilters]):
    """Devices, newest first, filtered by status, kind, site, grade, batch or a search term."""
    policies.require(request.auth, "stock.read")
    return Deferred(lambda: selectors.device_list(**filters.model_dump()))


@router.get("/devices/{asset_tag}", response=DeviceDetailOut)
def device_read(request: HttpRequest, asset_tag: str):
    """One device, with the transitions open to it and its suggested grade."""
    policies.require(request.auth, "stock.read")
    return detail(get_device(asset_tag), request.auth)


@router.patch("/devices/{asset_tag}", response=DeviceDetailOut)
def device_patch(request: HttpRequest, asset_tag: str, payload: DevicePatch):
    """Change specs, grade, bin location or site; each change is kept in the history."""
    user = policies.require(request.auth, "stock.write")
    changes = payload.model_dump(exclude_unset=True)
    if "site" in changes:
        changes["site"] = site_by_code(changes["site"]) if changes["site"] is not None else None
    device = services.device_update(user=user, device=get_device(asset_tag), changes=changes)
    return detail(selectors.device_get(device.asset_tag), user)


@router.post("/devices/{asset_tag}/transitions", response=DeviceDetailOut)
def device_transition(request: HttpRequest, asset_tag: str, payload: TransitionIn):
    """Move a device along its life cycle; a move the life cycle forbids answers 409."""
    user = policies.require(request.auth, "stock.write")
    device = services.device_transition(user=user, device=get_device(asset_tag), to=payload.to, note=payload.note)
    return detail(selectors.device_get(device.asset_tag), user)


@router.post("/devices/{asset_tag}/erasures", response={201: ErasureOut})
def erasure_create(request: HttpRequest, asset_tag: str, payload: ErasureIn):
    """Record a data erasure (passed or failed) with its tool and certificate reference."""
    user = policies.require(request.auth, "stock.write")
    erasure = services.erasure_record(user=user, device=get_device(asset_tag), **payload.model_dump())
    return Status(201, erasure)


@router.get("/devices/{asset_tag}/erasures", response=list[ErasureOut])
def erasure_list(request: HttpRequest, asset_tag: str):
    policies.require(request.auth, "stock.read")
    return selectors.device_erasures(get_device(asset_tag))


@router.get("/devices/{asset_tag}/history", response=list[HistoryOut])
def device_history(request: HttpRequest, asset_tag: str):
    """Every registration, status change, erasure, update, move and label print, oldest first."""
    policies.require(request.auth, "stock.read")
    return selectors.device_history(get_device(asset_tag))


@router.get("/devices/{asset_tag}/grade-suggestion", response=GradeSuggestionOut)
def grade_suggestion(request: HttpRequest, asset_tag: str):
    """The grade the specs alone suggest (computers), with the rules that gave it."""
    policies.require(request.auth, "stock.read")
    return detail(get_device(asset_tag), request.auth).suggested_grade


class ScanOut(Schema):
    type: ScanType
    id: str
    label: str
    url: str


@router.get("/scan/{code}", response={200: ScanOut | list[ScanOut]})
def scan(request: HttpRequest, code: str):
    """Resolve a scanned code to what it names; a list when a serial number is ambiguous."""
    policies.require(request.auth, "stock.read")
    hits = [{"type": h.type, "id": h.id, "label": h.label, "url": api_url(h)} for h in scan_code(code, request.auth)]
    if not hits:
        raise NotFound(f"Nothing in Bagage matches {code!r}.")
    return hits[0] if len(hits) == 1 else hits
