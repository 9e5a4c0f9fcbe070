"""Labels for the codes stored in the database, in the reader's language."""

from django import template

from distribution.enums import AllocationStatus
from inventory.enums import DeviceKind, DeviceStatus
from referrals.enums import Accessory, ReferralStatus

register = template.Library()


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@register.filter
def referral_status(value: str) -> str:
    return _label(ReferralStatus, value)


@register.filter
def device_status(value: str) -> str:
    return _label(DeviceStatus, value)


@register.filter
def device_kinds(values) -> str:
    return ", ".join(_label(DeviceKind, value) for value in values or [])


@register.filter
def kit_status(value: str) -> str:
    return _label(AllocationStatus, value)


@register.filter
def accessory(value: str) -> str:
    return _label(Accessory, value)
