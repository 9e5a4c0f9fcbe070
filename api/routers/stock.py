from datetime import date, datetime

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from api.schemas import Day, Id, one_of
from common.exceptions import NotFound, ValidationFailed
from inventory import imports, policies, selectors, services
from inventory.enums import DonorKind
from inventory.models import NOTES_MAX_LENGTH, Batch, Donor
from sites.selectors import site_or_default

router = Router(tags=["donations"])


class DonorIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    kind: DonorKind
    siret: str = ""
    contact_name: str = Field("", max_length=200)
    contact_email: str = Field("", max_length=254)
    notes: str = Field("", max_length=NOTES_MAX_LENGTH)


class DonorOut(Schema):
    id: int
    name: str
    kind: DonorKind
    siret: str
    contact_name: str
    contact_email: str
    notes: str
    batch_count: int = 0


class BatchIn(Schema):
    donor: Id
    site: str | None = Field(None, description="Site code; defaults to your own site.")
    received_on: Day
    donor_reference: str = Field("", max_length=100)
    expected_count: int | None = Field(None, ge=0, le=100_000)
    notes: str = Field("", max_length=NOTES_MAX_LENGTH)


class BatchOut(Schema):
    id: int
    donor: int = Field(alias="donor_id")
    donor_name: str = Field(alias="donor.name")
    site: str = Field(alias="site.code")
    received_on: date
    donor_reference: str
    expected_count: int | None
    device_count: int = 0
    notes: str
    created_at: datetime


class ImportRowOut(Schema):
    line: int
    status: one_of("created", "valid", "already_imported", "error") = Field(description="valid: a dry run's row.")
    asset_tag: str | None
    errors: dict[str, str]


class ImportReportOut(Schema):
    dry_run: bool
    counts: dict[str, int]
    rows: list[ImportRowOut]


@router.get("/donors", response=list[DonorOut])
def donor_list(request: HttpRequest, q: str = ""):
    policies.require(request.auth, "stock.read")
    return selectors.donor_list(q=q)


@router.post("/donors", response={201: DonorOut})
def donor_create(request: HttpRequest, payload: DonorIn):
    user = policies.require(request.auth, "stock.write")
    return Status(201, services.donor_create(user=user, **payload.model_dump()))


@router.get("/donors/{donor_id}", response=DonorOut)
def donor_read(request: HttpRequest, donor_id: Id):
    policies.require(request.auth, "stock.read")
    donor = selectors.donor_list().filter(pk=donor_id).first()
    if donor is None:
        raise NotFound(f"No donor #{donor_id}.")
    return donor


@router.get("/batches", response=list[BatchOut])
def batch_list(request: HttpRequest, site: str | None = None, donor: Id | None = None):
    policies.require(request.auth, "stock.read")
    return selectors.batch_list(site=site, donor=donor)


def get_batch(batch_id: Id) -> Batch:
    batch = selectors.batch_list().filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(f"No batch #{batch_id}.")
    return batch


@router.post("/batches", response={201: BatchOut})
def batch_create(request: HttpRequest, payload: BatchIn):
    """Record a donation received at a site."""
    user = policies.require(request.auth, "stock.write")
    donor = Donor.objects.filter(pk=payload.donor).first()
    if donor is None:
        raise ValidationFailed(f"No donor #{payload.donor}.", "unknown_donor", field="donor")
    batch = services.batch_create(
        user=user,
        donor=donor,
        site=site_or_default(payload.site, default=user.site),
        **payload.model_dump(exclude={"donor", "site"}),
    )
    return Status(201, get_batch(batch.pk))


@router.get("/batches/{batch_id}", response=BatchOut)
def batch_read(request: HttpRequest, batch_id: Id):
    policies.require(request.auth, "stock.read")
    return get_batch(batch_id)


@router.post("/batches/{batch_id}/devices/import", response=ImportReportOut)
def batch_import(request: HttpRequest, batch_id: Id, file: File[UploadedFile], dry_run: Form[bool] = False):
    """Import a batch's devices from CSV (see the README for the columns).

    UTF-8 with commas, or Excel's French export (semicolons, Windows-1252). With `dry_run`
    nothing is written. If any row is wrong nothing is imported and the answer is 422 with
    the per-row report; a device already in this batch is skipped, so a second import is harmless.
    """
    user = policies.require(request.auth, "stock.write")
    imports.check_size(file.size)
    report = services.batch_import_devices(user=user, batch=get_batch(batch_id), content=file.read(), dry_run=dry_run)
    return report.as_dict()
