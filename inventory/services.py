"""Every write on stock. Each runs in one transaction, locks what it changes and writes its history."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from stdnum.fr import siret as stdnum_siret

from accounts.models import User
from inventory import workflows
from inventory.enums import (
    FINAL_STATES,
    TYPE_CODES,
    DeviceEventKind,
    DeviceKind,
    DeviceStatus,
    DonorKind,
    ErasureMethod,
    ErasureResult,
    Grade,
    LineItemStatus,
    OfferKind,
    StorageType,
)
from inventory.exceptions import (
    Conflict,
    DuplicateDevice,
    DuplicateLineItem,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from inventory.identifiers import clean_iccid, clean_imei
from inventory.imports import read_device_csv
from inventory.models import (
    AssetTagSequence,
    Batch,
    Device,
    DeviceEvent,
    Donor,
    Erasure,
    LineItem,
    LineItemEvent,
    Offer,
    Site,
)

# Fields a person may set on a device, at registration or later.
DEVICE_FIELDS = (
    "kind",
    "brand",
    "model",
    "serial_number",
    "imei",
    "imei2",
    "ram_gb",
    "storage_gb",
    "storage_type",
    "cpu",
    "cpu_mark",
    "os",
    "battery_health_pct",
    "grade",
    "location",
    "notes",
)
TEXT_LIMITS = {"brand": 60, "model": 120, "serial_number": 64, "cpu": 120, "os": 60, "location": 40}
INT_LIMITS = {"ram_gb": 4096, "storage_gb": 1_000_000, "cpu_mark": 1_000_000, "battery_health_pct": 100}
# SQLite refuses statements with more than a few thousand parameters; PostgreSQL just slows down.
IN_CHUNK = 900


# --- device fields -----------------------------------------------------------------------------


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _integer(value: Any, name: str) -> int | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, bool):
        raise ValueError(_("A whole number."))
    text = _text(value).replace(",", ".")
    try:
        number = Decimal(text)
    except ArithmeticError:
        raise ValueError(_("A whole number, not “%(text)s”.") % {"text": text}) from None
    if number != number.to_integral_value() or number < 0:
        raise ValueError(_("A whole number, not “%(text)s”.") % {"text": text})
    if number > INT_LIMITS[name]:
        raise ValueError(_("At most %(limit)s.") % {"limit": INT_LIMITS[name]})
    return int(number)


def device_field_errors(
    values: Mapping[str, Any], *, partial: bool = False
) -> tuple[dict, dict[str, ValidationFailed]]:
    """Normalise device fields; return the clean values and, per field, what is wrong.

    With `partial`, only the fields present are checked (an update).
    """
    clean: dict[str, Any] = {}
    errors: dict[str, ValidationFailed] = {}
    for name in DEVICE_FIELDS:
        if partial and name not in values:
            continue
        raw = values.get(name)
        try:
            if name == "kind":
                kind = _text(raw).lower()
                if kind not in DeviceKind.values:
                    raise ValueError(_("One of: %(values)s.") % {"values": ", ".join(DeviceKind.values)})
                clean[name] = kind
            elif name == "brand":
                if not _text(raw):
                    raise ValueError(_("The brand is required."))
                clean[name] = _text(raw)
            elif name in ("imei", "imei2"):
                clean[name] = clean_imei(_text(raw), name) if _text(raw) else None
            elif name == "serial_number":
                clean[name] = _text(raw) or None
            elif name in INT_LIMITS:
                clean[name] = _integer(raw, name)
            elif name == "storage_type":
                storage_type = _text(raw).lower()
                if storage_type and storage_type not in StorageType.values:
                    raise ValueError(_("One of: %(values)s.") % {"values": ", ".join(StorageType.values)})
                clean[name] = storage_type
            elif name == "grade":
                grade = _text(raw).upper()
                if grade and grade not in Grade.values:
                    raise ValueError(_("One of: %(values)s.") % {"values": ", ".join(Grade.values)})
                clean[name] = grade
            else:
                clean[name] = _text(raw)
            limit = TEXT_LIMITS.get(name)
            if limit and clean[name] and len(clean[name]) > limit:
                raise ValueError(_("At most %(limit)s characters.") % {"limit": limit})
        except ValidationFailed as exc:
            errors[name] = exc
        except ValueError as exc:
            errors[name] = ValidationFailed(str(exc), f"invalid_{name}")
    if clean.get("imei") and clean.get("imei") == clean.get("imei2"):
        errors["imei2"] = ValidationFailed(_("The second IMEI repeats the first."), "invalid_imei2")
    return clean, errors


def clean_device_fields(values: Mapping[str, Any], *, partial: bool = False) -> dict:
    """Normalise device fields, or refuse them naming the first wrong field (and listing all)."""
    clean, errors = device_field_errors(values, partial=partial)
    if errors:
        name, first = next(iter(errors.items()))
        raise ValidationFailed(first.message, first.code, field=name, errors={k: e.message for k, e in errors.items()})
    return clean


def find_existing_devices(rows: list[Mapping[str, Any]]) -> list[Device | None]:
    """For each row, the registered device with the same IMEI or the same brand and serial number.

    A constant number of queries however many rows: what an import of thousands needs.
    """
    imeis = {value for row in rows for value in (row.get("imei"), row.get("imei2")) if value}
    serials = {row["serial_number"] for row in rows if row.get("serial_number")}
    by_imei: dict[str, Device] = {}
    by_serial: dict[tuple[str, str], Device] = {}
    imei_list = sorted(imeis)
    for start in range(0, len(imei_list), IN_CHUNK):
        chunk = imei_list[start : start + IN_CHUNK]
        for device in Device.objects.filter(Q(imei__in=chunk) | Q(imei2__in=chunk)).only(
            "id", "asset_tag", "imei", "imei2", "batch_id"
        ):
            for value in (device.imei, device.imei2):
                if value:
                    by_imei[value] = device
    serial_list = sorted(serials)
    for start in range(0, len(serial_list), IN_CHUNK):
        chunk = serial_list[start : start + IN_CHUNK]
        for device in Device.objects.filter(serial_number__in=chunk).only(
            "id", "asset_tag", "brand", "serial_number", "batch_id"
        ):
            by_serial[(device.brand.lower(), device.serial_number)] = device
    found = []
    for row in rows:
        match = next((by_imei[v] for v in (row.get("imei"), row.get("imei2")) if v and v in by_imei), None)
        if match is None and row.get("serial_number"):
            match = by_serial.get((row.get("brand", "").lower(), row["serial_number"]))
        found.append(match)
    return found


def _raise_if_duplicate(clean: Mapping[str, Any], exclude_id: int | None = None) -> None:
    existing = find_existing_devices([clean])[0]
    if existing is not None and existing.id != exclude_id:
        raise DuplicateDevice(
            _("This device is registered already as %(tag)s.") % {"tag": existing.asset_tag},
            existing_asset_tag=existing.asset_tag,
        )


def _status(device: Device) -> str:
    return str(DeviceStatus(device.status).label)


# --- asset tags --------------------------------------------------------------------------------


def format_asset_tag(site_code: str, type_code: str, year: int, sequence: int) -> str:
    return settings.BAGAGE_ASSET_TAG_FORMAT.format(
        site=site_code, type=type_code, yy=f"{year % 100:02d}", year=year, seq=sequence
    )


def asset_tags_allocate(*, site: Site, kind: str, count: int = 1) -> list[str]:
    """Take the next `count` asset tags for a site and device type this year (row-locked)."""
    type_code = TYPE_CODES[kind]
    year = timezone.localdate().year
    with transaction.atomic():
        sequence, _created = AssetTagSequence.objects.select_for_update().get_or_create(
            site=site, type_code=type_code, year=year % 100
        )
        first = sequence.last + 1
        sequence.last += count
        sequence.save(update_fields=["last"])
    return [format_asset_tag(site.code, type_code, year, n) for n in range(first, first + count)]


# --- donors and batches ------------------------------------------------------------------------


@transaction.atomic
def donor_create(
    *,
    user: User,
    name: str,
    kind: str,
    siret: str = "",
    contact_name: str = "",
    contact_email: str = "",
    notes: str = "",
) -> Donor:
    if not name.strip():
        raise ValidationFailed(_("The name is required."), field="name")
    if kind not in DonorKind.values:
        raise ValidationFailed(_("One of: %(values)s.") % {"values": ", ".join(DonorKind.values)}, field="kind")
    if siret:
        if not stdnum_siret.is_valid(siret):
            raise ValidationFailed(
                _("%(value)s is not a valid SIRET.") % {"value": siret}, "invalid_siret", field="siret"
            )
        siret = stdnum_siret.compact(siret)
    return Donor.objects.create(
        name=name.strip(),
        kind=kind,
        siret=siret,
        contact_name=contact_name,
        contact_email=contact_email,
        notes=notes,
        created_by=user,
    )


@transaction.atomic
def batch_create(
    *,
    user: User,
    donor: Donor,
    site: Site,
    received_on: dt.date,
    donor_reference: str = "",
    expected_count: int | None = None,
    notes: str = "",
) -> Batch:
    if received_on > timezone.localdate():
        raise ValidationFailed(_("The date cannot be in the future."), field="received_on")
    return Batch.objects.create(
        donor=donor,
        site=site,
        received_on=received_on,
        donor_reference=donor_reference.strip(),
        expected_count=expected_count,
        notes=notes,
        created_by=user,
    )


# --- devices -----------------------------------------------------------------------------------


def _event(device: Device, user: User, kind: str, *, from_status: str = "", note: str = "", data=None) -> DeviceEvent:
    return DeviceEvent(
        device=device,
        by=user,
        kind=kind,
        from_status=from_status,
        to_status=device.status,
        site_id=device.site_id,
        note=note,
        data=data or {},
        at=timezone.now(),
    )


@transaction.atomic
def device_register(*, user: User, site: Site, batch: Batch | None = None, **fields: Any) -> Device:
    """Register a donated device at a site and give it the next asset tag."""
    unknown = set(fields) - set(DEVICE_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    clean = clean_device_fields(fields)
    _raise_if_duplicate(clean)
    if batch is not None and batch.site_id != site.id:
        raise ValidationFailed(_("The batch was received at another site."), "batch_site_mismatch", field="batch")
    (asset_tag,) = asset_tags_allocate(site=site, kind=clean["kind"])
    device = Device.objects.create(asset_tag=asset_tag, site=site, batch=batch, created_by=user, **clean)
    _event(device, user, DeviceEventKind.REGISTERED, note=f"batch #{batch.pk}" if batch else "").save()
    return device


def _lock_device(device: Device | str) -> Device:
    asset_tag = device if isinstance(device, str) else device.asset_tag
    locked = Device.objects.select_for_update().filter(asset_tag=asset_tag).first()
    if locked is None:
        raise NotFound(_("No device %(tag)s.") % {"tag": asset_tag})
    return locked


@transaction.atomic
def device_update(*, user: User, device: Device | str, changes: Mapping[str, Any], note: str = "") -> Device:
    """Change a device's specs, grade, bin or site; the history keeps the before and after."""
    device = _lock_device(device)
    if device.status in FINAL_STATES:
        raise Conflict(
            _("%(tag)s is %(status)s: it can no longer change.") % {"tag": device.asset_tag, "status": _status(device)},
            "device_final",
        )
    site = changes.get("site")
    spec_changes = {k: v for k, v in changes.items() if k != "site"}
    if "kind" in spec_changes and spec_changes["kind"] != device.kind:
        raise ValidationFailed(_("The kind cannot change: it is part of the asset tag."), "kind_locked", field="kind")
    clean = clean_device_fields(spec_changes, partial=True)
    if {"imei", "imei2", "serial_number", "brand"} & clean.keys():
        merged = {k: clean.get(k, getattr(device, k)) for k in ("brand", "serial_number", "imei", "imei2")}
        _raise_if_duplicate(merged, exclude_id=device.id)
    diff = {k: [getattr(device, k), v] for k, v in clean.items() if getattr(device, k) != v}
    for name, (_old, new) in diff.items():
        setattr(device, name, new)
    events = []
    if diff:
        events.append(_event(device, user, DeviceEventKind.UPDATED, from_status=device.status, note=note, data=diff))
    if site is not None and site.id != device.site_id:
        if device.status in (DeviceStatus.RESERVED, DeviceStatus.HANDED_OVER):
            raise Conflict(
                _("%(tag)s is %(status)s: it cannot move.") % {"tag": device.asset_tag, "status": _status(device)},
                "device_not_movable",
            )
        old_code = device.site.code
        device.site = site
        events.append(
            _event(
                device,
                user,
                DeviceEventKind.MOVED,
                from_status=device.status,
                note=note,
                data={"site": [old_code, site.code]},
            )
        )
    if events:
        device.save()
        DeviceEvent.objects.bulk_create(events)
    return device


@transaction.atomic
def device_transition(*, user: User, device: Device | str, to: str, note: str = "", via: str = "manual") -> Device:
    """Move a device along its life cycle, if the table allows it and its guards pass."""
    device = _lock_device(device)
    if to not in DeviceStatus.values:
        raise ValidationFailed(_("One of: %(values)s.") % {"values": ", ".join(DeviceStatus.values)}, field="to")
    transition = workflows.find_transition(device.status, to, via)
    if transition is None:
        other = next((t for t in workflows.TRANSITIONS if t.target == to and device.status in t.sources), None)
        if other is not None:
            detail = _("A device becomes “%(status)s” only through %(path)s.") % {
                "status": DeviceStatus(to).label,
                "path": _("a reservation") if other.via == "allocation" else _("a handover"),
            }
        else:
            allowed = workflows.allowed_targets(device.status, via)
            detail = _("%(tag)s is %(status)s; it can become: %(allowed)s.") % {
                "tag": device.asset_tag,
                "status": _status(device),
                "allowed": ", ".join(str(DeviceStatus(s).label) for s in allowed) or _("nothing else"),
            }
        raise InvalidTransition(detail, from_status=device.status, to_status=to)
    problems = [problem for guard in transition.guards if (problem := guard(device))]
    if problems:
        raise InvalidTransition(
            _("%(tag)s cannot become %(status)s: %(problems)s.")
            % {"tag": device.asset_tag, "status": DeviceStatus(to).label, "problems": "; ".join(problems)},
            from_status=device.status,
            to_status=to,
            missing=problems,
        )
    from_status = device.status
    device.status = to
    device.save(update_fields=["status", "updated_at"])
    _event(
        device,
        user,
        DeviceEventKind.TRANSITION,
        from_status=from_status,
        note=note,
        data={"transition": transition.name},
    ).save()
    return device


@transaction.atomic
def erasure_record(
    *,
    user: User,
    device: Device | str,
    method: str,
    tool: str,
    result: str,
    finished_at: dt.datetime,
    started_at: dt.datetime | None = None,
    drive_serial: str = "",
    certificate_ref: str = "",
) -> Erasure:
    """Record a wipe of the device's data; a passed one lets it become wiped, then ready."""
    device = _lock_device(device)
    if device.status in (*FINAL_STATES, DeviceStatus.RESERVED, DeviceStatus.HANDED_OVER):
        raise Conflict(
            _("%(tag)s is %(status)s: no erasure can be recorded now.")
            % {"tag": device.asset_tag, "status": _status(device)},
            "erasure_not_allowed",
        )
    if method not in ErasureMethod.values:
        raise ValidationFailed(_("One of: %(values)s.") % {"values": ", ".join(ErasureMethod.values)}, field="method")
    if result not in ErasureResult.values:
        raise ValidationFailed(_("passed or failed"), field="result")
    if not tool.strip():
        raise ValidationFailed(_("The tool is required."), field="tool")
    now = timezone.now()
    if finished_at > now + dt.timedelta(minutes=5):
        raise ValidationFailed(_("The end of the erasure is in the future."), field="finished_at")
    if started_at and started_at > finished_at:
        raise ValidationFailed(_("The erasure starts after it ends."), field="started_at")
    erasure = Erasure.objects.create(
        device=device,
        method=method,
        tool=tool.strip(),
        operator=user,
        drive_serial=drive_serial.strip(),
        started_at=started_at,
        finished_at=finished_at,
        result=result,
        certificate_ref=certificate_ref.strip(),
        recorded_at=now,
    )
    note = f"{method} with {erasure.tool}: {result}" + (
        f" ({erasure.certificate_ref})" if erasure.certificate_ref else ""
    )
    _event(
        device, user, DeviceEventKind.ERASURE, from_status=device.status, note=note, data={"erasure": erasure.pk}
    ).save()
    return erasure


def device_labels_printed(*, user: User, devices: Iterable[Device], stock: str) -> None:
    """Note in each device's history that its label was printed, on which stock."""
    DeviceEvent.objects.bulk_create(
        [
            _event(d, user, DeviceEventKind.LABEL_PRINTED, from_status=d.status, note=stock, data={"stock": stock})
            for d in devices
        ]
    )


# --- CSV import --------------------------------------------------------------------------------


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


@transaction.atomic
def batch_import_devices(*, user: User, batch: Batch, content: bytes, dry_run: bool = False) -> ImportReport:
    """Register every device of a CSV file in a batch, or none if one row is wrong.

    A row naming a device already in this batch (same IMEI, or brand and serial number) is
    reported as already imported and skipped, so that importing a file twice is harmless.
    """
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
        [_event(device, user, DeviceEventKind.REGISTERED, note=note) for device in devices], batch_size=500
    )
    return report


# --- connectivity ------------------------------------------------------------------------------


@transaction.atomic
def offer_create(
    *,
    user: User,
    operator: str,
    name: str,
    kind: str,
    validity_days: int,
    price: Decimal,
    data_gb: Decimal | None = None,
    unlimited_calls: bool = False,
) -> Offer:
    if kind not in OfferKind.values:
        raise ValidationFailed(_("One of: %(values)s.") % {"values": ", ".join(OfferKind.values)}, field="kind")
    if not operator.strip() or not name.strip():
        raise ValidationFailed(_("The operator and the name are required."))
    if validity_days < 1:
        raise ValidationFailed(_("At least one day."), field="validity_days")
    if price < 0 or (data_gb is not None and data_gb < 0):
        raise ValidationFailed(_("The price and the data allowance cannot be negative."))
    return Offer.objects.create(
        operator=operator.strip(),
        name=name.strip(),
        kind=kind,
        validity_days=validity_days,
        price=price,
        data_gb=data_gb,
        unlimited_calls=unlimited_calls,
        created_by=user,
    )


@transaction.atomic
def line_items_add(*, user: User, offer: Offer, site: Site, items: list[Mapping[str, Any]]) -> list[LineItem]:
    """Add a whole delivery of SIM cards or vouchers, or nothing if one line is wrong."""
    if not items:
        raise ValidationFailed(_("The delivery is empty."), field="items")
    today = timezone.localdate()
    wants_iccid = offer.kind in (OfferKind.SIM, OfferKind.HOTSPOT)
    errors: list[dict] = []
    new: list[LineItem] = []
    seen: dict[str, int] = {}
    for line, item in enumerate(items, start=1):
        iccid, voucher = _text(item.get("iccid")), _text(item.get("voucher_code"))
        expires_on = item.get("expires_on")
        try:
            if wants_iccid:
                if voucher or not iccid:
                    raise ValidationFailed(_("This offer takes SIM cards: give an ICCID."), field="iccid")
                iccid = clean_iccid(iccid)
                key = iccid
            else:
                if iccid or not voucher:
                    raise ValidationFailed(
                        _("A top-up offer takes vouchers: give a voucher code."), field="voucher_code"
                    )
                if len(voucher) > 40:
                    raise ValidationFailed(_("At most %(limit)s characters.") % {"limit": 40}, field="voucher_code")
                key = voucher
            if not isinstance(expires_on, dt.date):
                raise ValidationFailed(_("A date."), field="expires_on")
            if expires_on < today:
                raise ValidationFailed(_("The expiry date is in the past."), field="expires_on")
            if key in seen:
                raise ValidationFailed(_("Same as line %(line)s.") % {"line": seen[key]}, "duplicate_line_item")
            seen[key] = line
        except ValidationFailed as exc:
            errors.append({"line": line, "detail": exc.message})
            continue
        new.append(
            LineItem(
                offer=offer,
                site=site,
                iccid=iccid or None,
                voucher_code=voucher or None,
                msisdn=_text(item.get("msisdn")),
                expires_on=expires_on,
                created_by=user,
            )
        )
    if errors:
        raise ValidationFailed(
            ngettext(
                "%(bad)s of %(total)s lines is wrong; nothing was added.",
                "%(bad)s of %(total)s lines are wrong; nothing was added.",
                len(errors),
            )
            % {"bad": len(errors), "total": len(items)},
            errors=errors,
        )
    iccids = [item.iccid for item in new if item.iccid]
    vouchers = [item.voucher_code for item in new if item.voucher_code]
    taken = set(LineItem.objects.filter(iccid__in=iccids).values_list("iccid", flat=True)) if iccids else set()
    if vouchers:
        taken |= set(
            LineItem.objects.filter(offer=offer, voucher_code__in=vouchers).values_list("voucher_code", flat=True)
        )
    if taken:
        lines = [
            {"line": n, "detail": _("Already in stock.")}
            for n, item in enumerate(new, start=1)
            if (item.iccid or item.voucher_code) in taken
        ]
        raise DuplicateLineItem(
            _("%(count)s lines are in stock already; nothing was added.") % {"count": len(taken)}, errors=lines
        )
    created = LineItem.objects.bulk_create(new)
    LineItemEvent.objects.bulk_create(
        [LineItemEvent(item=item, by=user, to_status=item.status, note="delivery") for item in created]
    )
    return created


@transaction.atomic
def line_items_expire(*, today: dt.date | None = None) -> int:
    """Mark available SIM cards and vouchers past their date as expired; return how many."""
    today = today or timezone.localdate()
    expired = list(LineItem.objects.select_for_update().filter(status=LineItemStatus.AVAILABLE, expires_on__lt=today))
    for item in expired:
        item.status = LineItemStatus.EXPIRED
    LineItem.objects.bulk_update(expired, ["status"])
    LineItemEvent.objects.bulk_create(
        [
            LineItemEvent(
                item=item,
                by=None,
                from_status=LineItemStatus.AVAILABLE,
                to_status=item.status,
                note=f"past its date ({item.expires_on})",
            )
            for item in expired
        ]
    )
    return len(expired)
