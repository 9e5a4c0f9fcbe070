"""Receiving donations: donors, batches, and a batch's devices imported from CSV."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.integrity import atomic
from common.validators import clean_siret, clean_text
from inventory import policies
from inventory.enums import TYPE_CODES, DeviceEventKind, DonorKind
from inventory.exceptions import ValidationFailed
from inventory.imports import read_device_csv
from inventory.models import Batch, Device, DeviceEvent, Donor
from inventory.services.devices import device_event, find_existing_devices
from inventory.services.tags import asset_tags_allocate
from inventory.validators import device_field_errors
from sites.models import Site


@atomic
def donor_create(
    *,
    user,
    name: str,
    kind: str,
    siret: str = "",
    contact_name: str = "",
    contact_email: str = "",
    notes: str = "",
) -> Donor:
    policies.require(user, "stock.write")
    if not name.strip():
        raise ValidationFailed(_("The name is required."), field="name")
    if kind not in DonorKind.values:
        raise ValidationFailed(_("One of: %(values)s.") % {"values": ", ".join(DonorKind.values)}, field="kind")
    notes = clean_text(notes, Donor, "notes")
    return Donor.objects.create(
        name=name.strip(),
        kind=kind,
        siret=clean_siret(siret) if siret else "",
        contact_name=contact_name,
        contact_email=contact_email,
        notes=notes,
        created_by=user,
    )


@atomic
def batch_create(
    *,
    user,
    donor: Donor | None = None,
    new_donor: str = "",
    new_donor_kind: str = DonorKind.COMPANY,
    site: Site,
    received_on: dt.date,
    donor_reference: str = "",
    expected_count: int | None = None,
    notes: str = "",
) -> Batch:
    """Record a donation received at a site, from a known donor or one named here for the first time."""
    policies.require(user, "stock.write")
    if received_on > timezone.localdate():
        raise ValidationFailed(_("The date cannot be in the future."), field="received_on")
    notes = clean_text(notes, Batch, "notes")
    if donor is None:
        if not new_donor.strip():
            raise ValidationFailed(_("Choose a donor or name a new one."), "donor_required", field="donor")
        donor = donor_create(user=user, name=new_donor, kind=new_donor_kind or DonorKind.COMPANY)
    return Batch.objects.create(
        donor=donor,
        site=site,
        received_on=received_on,
        donor_reference=donor_reference.strip(),
        expected_count=expected_count,
        notes=notes,
        created_by=user,
    )


@dataclass
class ImportRow:
    line: int
    status: str  # created, valid (dry run), already_imported, error
    asset_tag: str | None = None
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportReport:
    dry_run: bool
    rows: list[ImportRow]

    @property
    def counts(self) -> dict[str, int]:
        counts = {"total": len(self.rows), "created": 0, "valid": 0, "already_imported": 0, "error": 0}
        for row in self.rows:
            counts[row.status] += 1
        return counts

    @property
    def ok(self) -> bool:
        return not any(row.status == "error" for row in self.rows)

    def as_dict(self) -> dict:
        return {"dry_run": self.dry_run, "counts": self.counts, "rows": [vars(row) for row in self.rows]}


class ImportRejected(ValidationFailed):
    code = "import_rejected"


@atomic
def batch_import_devices(*, user, batch: Batch, content: bytes, dry_run: bool = False) -> ImportReport:
    """Register every device of a CSV file in a batch, or none if one row is wrong.

    A row naming a device already in this batch (same IMEI, or brand and serial number) is
    reported as already imported and skipped, so that importing a file twice is harmless.
    """
    policies.require(user, "stock.write")
    parsed = read_device_csv(content)
    rows: list[ImportRow] = []
    cleaned: list[dict] = []
    for line, values in parsed:
        clean, errors = device_field_errors(values)
        messages = {name: error.message for name, error in errors.items()}
        rows.append(ImportRow(line=line, status="error" if errors else "valid", errors=messages))
        cleaned.append(clean)

    # Same device twice in the file.
    seen: dict[str, int] = {}
    for row, clean in zip(rows, cleaned, strict=True):
        if row.status == "error":
            continue
        keys = [f"imei:{v}" for v in (clean.get("imei"), clean.get("imei2")) if v]
        if clean.get("serial_number"):
            keys.append(f"serial:{clean['brand'].lower()}:{clean['serial_number']}")
        for key in keys:
            if key in seen:
                row.status = "error"
                row.errors["duplicate"] = _("Same device as line %(line)s.") % {"line": seen[key]}
                break
            seen[key] = row.line

    candidates = [i for i, row in enumerate(rows) if row.status == "valid"]
    existing = find_existing_devices([cleaned[i] for i in candidates])
    for i, match in zip(candidates, existing, strict=True):
        if match is None:
            continue
        rows[i].asset_tag = match.asset_tag
        if match.batch_id == batch.id:
            rows[i].status = "already_imported"
        else:
            rows[i].status = "error"
            rows[i].errors["duplicate"] = _("Registered already as %(tag)s in another batch.") % {
                "tag": match.asset_tag
            }

    report = ImportReport(dry_run=dry_run, rows=rows)
    if not rows:
        raise ImportRejected(_("The file has no device rows."), report=report.as_dict())
    if not report.ok:
        bad = report.counts["error"]
        raise ImportRejected(
            ngettext(
                "%(bad)s of %(total)s rows is wrong; nothing was imported.",
                "%(bad)s of %(total)s rows are wrong; nothing was imported.",
                bad,
            )
            % {"bad": bad, "total": len(rows)},
            report=report.as_dict(),
        )
    to_create = [i for i, row in enumerate(rows) if row.status == "valid"]
    if dry_run or not to_create:
        return report

    by_type: dict[str, list[int]] = {}
    for i in to_create:
        by_type.setdefault(TYPE_CODES[cleaned[i]["kind"]], []).append(i)
    devices = []
    for indexes in by_type.values():
        tags = asset_tags_allocate(site=batch.site, kind=cleaned[indexes[0]]["kind"], count=len(indexes))
        for i, tag in zip(indexes, tags, strict=True):
            rows[i].asset_tag = tag
            rows[i].status = "created"
            devices.append(Device(asset_tag=tag, site=batch.site, batch=batch, created_by=user, **cleaned[i]))
    Device.objects.bulk_create(devices, batch_size=500)
    note = f"CSV import into batch #{batch.pk}"
    DeviceEvent.objects.bulk_create(
        [device_event(device, user, DeviceEventKind.REGISTERED, note=note) for device in devices], batch_size=500
    )
    return report
