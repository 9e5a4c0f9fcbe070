"""The device life cycle as one table: transition, allowed sources, target, guards, who may run it.

A guard takes the device and returns why it may not move (None when it may). `via` says which
path may run a transition: "manual" ones are asked for by staff (POST …/transitions); the
others only by the service named, so that a device is never reserved or handed over without an
allocation or a receipt behind it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from inventory.enums import (
    COMPUTER_KINDS,
    INTAKE_STATES,
    PHONE_KINDS,
    WORKSHOP_STATES,
    DeviceEventKind,
    DeviceStatus,
    ErasureResult,
)
from inventory.identifiers import looks_like_imei
from inventory.models import Device, DeviceEvent, Erasure

S = DeviceStatus
Guard = Callable[[Device], str | None]


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


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    guards: tuple[Guard, ...] = ()
    via: str = "manual"


TRANSITIONS: tuple[Transition, ...] = (
    Transition("diagnose", (S.RECEIVED, S.RETURNED, S.WIPED, S.REFURBISHED), S.DIAGNOSED),
    Transition("wipe", (S.DIAGNOSED,), S.WIPED, (has_passed_erasure,)),
    Transition("refurbish", (S.WIPED,), S.REFURBISHED),
    Transition("make_ready", (S.REFURBISHED,), S.READY, (has_passed_erasure, has_grade, has_identity)),
    Transition("reserve", (S.READY,), S.RESERVED, via="allocation"),
    Transition("release", (S.RESERVED,), S.READY, via="allocation"),
    Transition("hand_over", (S.RESERVED,), S.HANDED_OVER, via="handover"),
    Transition("take_back", (S.HANDED_OVER,), S.RETURNED),
    Transition("strip_for_parts", WORKSHOP_STATES, S.PARTS),
    Transition("recycle", WORKSHOP_STATES, S.RECYCLED),
)


def find_transition(source: str, target: str, via: str = "manual") -> Transition | None:
    for transition in TRANSITIONS:
        if transition.target == target and source in transition.sources and transition.via == via:
            return transition
    return None


def allowed_targets(source: str, via: str = "manual") -> list[str]:
    return [t.target for t in TRANSITIONS if source in t.sources and t.via == via]
