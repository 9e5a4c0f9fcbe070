"""Every write on a device: registration, specs, site, its life cycle, erasures, label prints.

Each runs in one transaction, locks the device it changes and writes its history row.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.integrity import atomic
from common.workflows import Transition, advance
from inventory import policies
from inventory.enums import (
    COMMITTED_STATES,
    FINAL_STATES,
    DeviceEventKind,
    DeviceStatus,
    ErasureMethod,
    ErasureResult,
)
from inventory.exceptions import Conflict, DuplicateDevice, InvalidTransition, NotFound, ValidationFailed
from inventory.models import DEVICE_MOVE, Batch, Device, DeviceEvent, Erasure
from inventory.services.tags import asset_tags_allocate
from inventory.validators import check_phone_serial, clean_device_fields
from inventory.workflows import DEVICE_WORKFLOW
from sites.models import Site

# SQLite refuses statements with more than a few thousand parameters; PostgreSQL just slows down.
IN_CHUNK = 900


def find_existing_devices(rows: list[Mapping[str, Any]]) -> list[Device | None]:
    """For each row, the registered device with the same IMEI or the same brand and serial number.

    A constant number of queries however many rows: what an import of thousands needs.
    """
    imeis = sorted({value for row in rows for value in (row.get("imei"), row.get("imei2")) if value})
    serials = sorted({row["serial_number"] for row in rows if row.get("serial_number")})
    by_imei: dict[str, Device] = {}
    by_serial: dict[tuple[str, str], Device] = {}
    for start in range(0, len(imeis), IN_CHUNK):
        chunk = imeis[start : start + IN_CHUNK]
        for device in Device.objects.filter(Q(imei__in=chunk) | Q(imei2__in=chunk)).only(
            "id", "asset_tag", "imei", "imei2", "batch_id"
        ):
            for value in (device.imei, device.imei2):
                if value:
                    by_imei[value] = device
    for start in range(0, len(serials), IN_CHUNK):
        chunk = serials[start : start + IN_CHUNK]
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


def status_label(status: str) -> str:
    return str(DeviceStatus(status).label)


def device_event(
    device: Device, user, kind: str, *, from_status: str = "", note: str = "", data: dict | None = None
) -> DeviceEvent:
    """A history row for the device as it is now (unsaved: the caller saves or bulk-creates it)."""
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


def lock_device(device: Device | str) -> Device:
    asset_tag = device if isinstance(device, str) else device.asset_tag
    # Only the device's row: a join locks the joined rows too (its site's, so every kit at the site would queue).
    locked = Device.objects.select_for_update(of=("self",)).select_related("site").filter(asset_tag=asset_tag).first()
    if locked is None:
        raise NotFound(_("No device %(tag)s.") % {"tag": asset_tag})
    return locked


@atomic
def device_register(*, user, site: Site, batch: Batch | None = None, **fields: Any) -> Device:
    """Register a donated device at a site and give it the next asset tag."""
    policies.require(user, "stock.write")
    clean = clean_device_fields(fields)
    _raise_if_duplicate(clean)
    if batch is not None and batch.site_id != site.id:
        raise ValidationFailed(_("The batch was received at another site."), "batch_site_mismatch", field="batch")
    (asset_tag,) = asset_tags_allocate(site=site, kind=clean["kind"])
    device = Device.objects.create(asset_tag=asset_tag, site=site, batch=batch, created_by=user, **clean)
    device_event(device, user, DeviceEventKind.REGISTERED, note=f"batch #{batch.pk}" if batch else "").save()
    return device


@atomic
def device_update(*, user, device: Device | str, changes: Mapping[str, Any], note: str = "") -> Device:
    """Change a device's specs, grade, bin or site; the history keeps the before and after."""
    policies.require(user, "stock.write")
    device = lock_device(device)
    if device.status in FINAL_STATES:
        raise Conflict(
            _("%(tag)s is %(status)s: it can no longer change.")
            % {"tag": device.asset_tag, "status": status_label(device.status)},
            "device_final",
        )
    site = changes.get("site")
    spec_changes = {k: v for k, v in changes.items() if k != "site"}
    if "kind" in spec_changes and spec_changes["kind"] != device.kind:
        raise ValidationFailed(_("The kind cannot change: it is part of the asset tag."), "kind_locked", field="kind")
    clean = clean_device_fields(spec_changes, partial=True)
    if clean.get("serial_number"):
        check_phone_serial(device.kind, clean["serial_number"])
    if {"imei", "imei2", "serial_number", "brand"} & clean.keys():
        merged = {k: clean.get(k, getattr(device, k)) for k in ("brand", "serial_number", "imei", "imei2")}
        _raise_if_duplicate(merged, exclude_id=device.id)
    diff = {k: [getattr(device, k), v] for k, v in clean.items() if getattr(device, k) != v}
    for name, (_old, new) in diff.items():
        setattr(device, name, new)
    events = []
    if diff:
        events.append(
            device_event(device, user, DeviceEventKind.UPDATED, from_status=device.status, note=note, data=diff)
        )
    if site is not None and site.id != device.site_id:
        if device.status in COMMITTED_STATES:
            raise Conflict(
                _("%(tag)s is %(status)s: it cannot move.")
                % {"tag": device.asset_tag, "status": status_label(device.status)},
                "device_not_movable",
            )
        old_code = device.site.code
        device.site = site
        data = {"site": [old_code, site.code]}
        events.append(
            device_event(device, user, DeviceEventKind.MOVED, from_status=device.status, note=note, data=data)
        )
    if events:
        device.save()
        DeviceEvent.objects.bulk_create(events)
    return device


def _advance(device: Device, transition: Transition) -> str:
    return advance(
        device,
        transition,
        refused=lambda: (
            _("%(tag)s is %(status)s; it can become: %(allowed)s.")
            % {
                "tag": device.asset_tag,
                "status": status_label(device.status),
                "allowed": ", ".join(status_label(t.target) for t in DEVICE_WORKFLOW.open_from(device.status))
                or _("nothing else"),
            }
        ),
        blocked=lambda problems: (
            _("%(tag)s cannot become %(status)s: %(problems)s.")
            % {"tag": device.asset_tag, "status": status_label(transition.target), "problems": "; ".join(problems)}
        ),
    )


def _run(device: Device, transition: Transition, user, *, note: str = "", data: dict | None = None) -> Device:
    """Apply a transition to a device and write its history row: the one way a device moves.

    One statement (DEVICE_MOVE) changes the status if the row is still in the state it leaves and at the site the
    caller read (locking it until the transaction ends), and writes the history row: a device read a moment ago,
    or locked earlier in this transaction, moves without being read again. If the row moved meanwhile, it is
    locked, read again and checked once more: refused, as of now.
    """
    data = {"transition": transition.name, **(data or {})}
    if device.status in transition.sources:
        from_status = _advance(device, transition)
        row = device_event(device, user, DeviceEventKind.TRANSITION, from_status=from_status, note=note, data=data)
        if DEVICE_MOVE.record(row):
            device.updated_at = row.at
            return device
        device.status = from_status
    fresh = lock_device(device.asset_tag)
    from_status = _advance(fresh, transition)
    for field in Device._meta.concrete_fields:  # the caller's instance, as it is now
        setattr(device, field.attname, getattr(fresh, field.attname))
    device.site = fresh.site
    row = device_event(device, user, DeviceEventKind.TRANSITION, from_status=from_status, note=note, data=data)
    if not DEVICE_MOVE.record(row):  # locked by this transaction: it cannot have moved since
        raise Conflict(
            _("%(tag)s moved at the same instant; try again.") % {"tag": device.asset_tag}, "moved_meanwhile"
        )
    device.updated_at = row.at
    return device


@atomic
def device_transition(*, user, device: Device | str, to: str, note: str = "") -> Device:
    """Move a device along the workshop's life cycle, if the table allows it and its guards pass."""
    policies.require(user, "stock.write")
    device = lock_device(device)
    if to not in DeviceStatus.values:
        raise ValidationFailed(_("One of: %(values)s.") % {"values": ", ".join(DeviceStatus.values)}, field="to")
    transition = DEVICE_WORKFLOW.manual_to(device.status, to)
    if transition is None:
        service = next((t for t in DEVICE_WORKFLOW.open_from(device.status, service_only=True) if t.target == to), None)
        if service is not None:
            detail = _("A device becomes “%(status)s” only through %(path)s.") % {
                "status": status_label(to),
                "path": _("a handover")
                if service.name == "hand_over"
                else _("a reservation")
                if service.name in ("reserve", "release")
                else _("a return"),
            }
        else:
            allowed = DEVICE_WORKFLOW.open_from(device.status)
            detail = _("%(tag)s is %(status)s; it can become: %(allowed)s.") % {
                "tag": device.asset_tag,
                "status": status_label(device.status),
                "allowed": ", ".join(status_label(t.target) for t in allowed) or _("nothing else"),
            }
        raise InvalidTransition(detail, from_status=device.status, to_status=to)
    return _run(device, transition, user, note=note)


# --- distribution's transitions: called with the allocation, receipt or return behind them --------


def _as_read(device: Device | str) -> Device:
    """The device as the caller read it (its move checks the status it leaves), or locked and read by its tag."""
    return device if isinstance(device, Device) else lock_device(device)


@atomic
def device_reserve(*, user, device: Device | str, note: str = "", data: dict | None = None) -> Device:
    """Reserve a ready device for a kit (distribution's allocation service only)."""
    return _run(_as_read(device), DEVICE_WORKFLOW.get("reserve"), user, note=note, data=data)


@atomic
def device_release(*, user, device: Device | str, note: str = "", data: dict | None = None) -> Device:
    """Put a reserved device back on the shelf (a released or expired hold)."""
    return _run(_as_read(device), DEVICE_WORKFLOW.get("release"), user, note=note, data=data)


@atomic
def device_hand_over(*, user, device: Device | str, note: str = "", data: dict | None = None) -> Device:
    """A reserved device given to its beneficiary (distribution's handover service only)."""
    return _run(_as_read(device), DEVICE_WORKFLOW.get("hand_over"), user, note=note, data=data)


@atomic
def device_take_back(*, user, device: Device | str, note: str = "", data: dict | None = None) -> Device:
    """A handed-over device back from its beneficiary (distribution's return service only)."""
    return _run(_as_read(device), DEVICE_WORKFLOW.get("take_back"), user, note=note, data=data)


@atomic
def device_transfer(*, user, device: Device, site: Site, note: str = "", data: dict | None = None) -> Device:
    """Record that a locked device goes to another site for a kit (distribution's allocation service)."""
    if device.site_id == site.id:
        return device
    old_code = device.site.code
    device.site = site
    device.save(update_fields=["site", "updated_at"])
    device_event(
        device,
        user,
        DeviceEventKind.TRANSFER,
        from_status=device.status,
        note=note,
        data={"site": [old_code, site.code], **(data or {})},
    ).save()
    return device


@atomic
def erasure_record(
    *,
    user,
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
    policies.require(user, "stock.write")
    device = lock_device(device)
    if device.status in (*FINAL_STATES, *COMMITTED_STATES):
        raise Conflict(
            _("%(tag)s is %(status)s: no erasure can be recorded now.")
            % {"tag": device.asset_tag, "status": status_label(device.status)},
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
    data = {"erasure": erasure.pk}
    device_event(device, user, DeviceEventKind.ERASURE, from_status=device.status, note=note, data=data).save()
    return erasure


# The workshop's steps to ready, in order: a device at one of them goes through the ones after it.
TO_READY = (DeviceStatus.DIAGNOSED, DeviceStatus.WIPED, DeviceStatus.REFURBISHED, DeviceStatus.READY)


@atomic
def device_make_ready(
    *,
    user,
    device: Device | str,
    grade: str,
    erasure: Mapping[str, Any] | None = None,
    specs: Mapping[str, Any] | None = None,
    note: str = "",
) -> Device:
    """Take a diagnosed (or wiped, or refurbished) device to ready in one go, when its erasure, grade and specs are
    known: the erasure recorded if given, the grade and specs saved, then each step of the life cycle, every one
    recorded as if done one by one. All or nothing: a step refused (no passed erasure, no valid IMEI…) leaves the
    device as it was."""
    policies.require(user, "stock.write")
    device = lock_device(device)
    if device.status not in TO_READY[:-1]:
        raise InvalidTransition(
            _("%(tag)s is %(status)s: only a diagnosed, wiped or refurbished device is made ready in one go.")
            % {"tag": device.asset_tag, "status": status_label(device.status)},
            from_status=device.status,
            to_status=DeviceStatus.READY,
        )
    if not (grade or "").strip():
        raise ValidationFailed(_("Choose the grade."), "grade_required", field="grade")
    if erasure:
        erasure_record(user=user, device=device, **{"finished_at": timezone.now(), **erasure})
    device_update(user=user, device=device, changes={**(specs or {}), "grade": grade}, note=note)
    for status in TO_READY[TO_READY.index(device.status) + 1 :]:
        device = device_transition(user=user, device=device.asset_tag, to=status, note=note)
    return device


def device_labels_printed(*, user, devices: Iterable[Device], stock: str) -> None:
    """Note in each device's history that its label was printed, on which stock (once per device)."""
    policies.require(user, "stock.read")
    unique = {device.pk: device for device in devices}.values()
    DeviceEvent.objects.bulk_create(
        [
            device_event(
                d, user, DeviceEventKind.LABEL_PRINTED, from_status=d.status, note=stock, data={"stock": stock}
            )
            for d in unique
        ]
    )
