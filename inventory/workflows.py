"""The life cycles of stock, each one table of the shared `Transition` type.

Devices: `received → diagnosed → wiped → refurbished → ready → reserved → handed_over`, with
`returned`, `parts` and `recycled`. SIM cards and vouchers: `available → reserved →
handed_over`, `expired` past their date, `void` when lost or faulty. Transitions marked
`service_only` run only through their service function (`device_reserve`, `line_item_hand_over`…),
which distribution calls with an allocation or a receipt behind it.
"""

from django.utils.translation import gettext as _

from common.workflows import Transition, Workflow
from inventory.enums import (
    COMPUTER_KINDS,
    INTAKE_STATES,
    PHONE_KINDS,
    WORKSHOP_STATES,
    DeviceEventKind,
    DeviceStatus,
    ErasureResult,
    LineItemStatus,
)
from inventory.models import Device, DeviceEvent, Erasure
from inventory.validators import looks_like_imei

S = DeviceStatus


def last_intake_at(device: Device):
    """When the device last came in: registered, or taken back from a beneficiary."""
    event = (
        DeviceEvent.objects.filter(
            device=device,
            kind__in=[DeviceEventKind.REGISTERED, DeviceEventKind.TRANSITION],
            to_status__in=INTAKE_STATES,
        )
        .order_by("-at", "-id")
        .first()
    )
    return event.at if event else device.created_at


def has_passed_erasure(device: Device) -> str | None:
    """The latest erasure since the device came in (or came back) must have passed."""
    latest = (
        Erasure.objects.filter(device=device, recorded_at__gte=last_intake_at(device))
        .order_by("-recorded_at", "-id")
        .first()
    )
    if latest is None:
        return _("no data erasure recorded since the device came in")
    if latest.result != ErasureResult.PASSED:
        return _("the latest data erasure failed")
    return None


def has_grade(device: Device) -> str | None:
    return None if device.grade else _("no grade")


def has_identity(device: Device) -> str | None:
    if device.kind in PHONE_KINDS and not (device.imei and looks_like_imei(device.imei)):
        return _("a phone needs a valid IMEI")
    if device.kind in COMPUTER_KINDS and not device.serial_number:
        return _("a computer needs a serial number")
    if device.kind not in PHONE_KINDS + COMPUTER_KINDS and not (device.serial_number or device.imei):
        return _("a tablet needs a serial number or an IMEI")
    return None


DEVICE_WORKFLOW = Workflow(
    "device",
    (
        Transition("diagnose", (S.RECEIVED, S.RETURNED, S.WIPED, S.REFURBISHED), S.DIAGNOSED),
        Transition("wipe", (S.DIAGNOSED,), S.WIPED, (has_passed_erasure,)),
        Transition("refurbish", (S.WIPED,), S.REFURBISHED),
        Transition("make_ready", (S.REFURBISHED,), S.READY, (has_passed_erasure, has_grade, has_identity)),
        Transition("strip_for_parts", WORKSHOP_STATES, S.PARTS),
        Transition("recycle", WORKSHOP_STATES, S.RECYCLED),
        # Distribution's: a device is reserved, released, handed over and taken back only with an
        # allocation, a receipt or a return behind it.
        Transition("reserve", (S.READY,), S.RESERVED, service_only=True),
        Transition("release", (S.RESERVED,), S.READY, service_only=True),
        Transition("hand_over", (S.RESERVED,), S.HANDED_OVER, service_only=True),
        Transition("take_back", (S.HANDED_OVER,), S.RETURNED, service_only=True),
    ),
)

L = LineItemStatus

LINE_ITEM_WORKFLOW = Workflow(
    "line_item",
    (
        # Lost, faulty or blocked by the operator: out of stock for good, with a note saying why.
        Transition("void", (L.AVAILABLE,), L.VOID, needs_note=True),
        Transition("reserve", (L.AVAILABLE,), L.RESERVED, service_only=True),
        Transition("release", (L.RESERVED,), L.AVAILABLE, service_only=True),
        Transition("hand_over", (L.RESERVED,), L.HANDED_OVER, service_only=True),
        # Past its date (the daily `expire_stock` command).
        Transition("expire", (L.AVAILABLE,), L.EXPIRED, service_only=True),
    ),
)
