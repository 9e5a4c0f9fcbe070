"""A phone becomes `ready` only with an IMEI that passes Luhn (not a serial number, not none).

Each test here was checked against a hand-made mutant of the code (issue 8): it fails on the
mutant and passes on the code as it is.
"""

import pytest

from inventory.enums import DeviceStatus
from inventory.models import Device
from tests.factories import DeviceFactory

pytestmark = pytest.mark.django_db


# --- the `ready` guard: a phone needs an IMEI that passes Luhn -----------------------------------


def refurbished_phone(user, **fields) -> Device:
    """A refurbished phone that meets every other guard of `ready`: a grade and a passed erasure."""
    return DeviceFactory(wiped=True, status=DeviceStatus.REFURBISHED, created_by=user, **fields)


def make_ready(api, device):
    return api.post(f"devices/{device.asset_tag}/transitions", {"to": "ready"})


def test_a_phone_with_a_valid_imei_becomes_ready(warehouse_api, warehouse_user):
    device = refurbished_phone(warehouse_user, imei="356938035643809")  # a textbook valid IMEI
    response = make_ready(warehouse_api, device)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ready"


def test_a_phone_whose_imei_fails_luhn_never_becomes_ready(warehouse_api, warehouse_user):
    device = refurbished_phone(warehouse_user)
    # 15 digits, last one wrong; written past the API's cleaning, as an old import or a bug might.
    Device.objects.filter(pk=device.pk).update(imei="356938035643808")
    response = make_ready(warehouse_api, device)
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert response.json()["missing"] == ["a phone needs a valid IMEI"]
    device.refresh_from_db()
    assert device.status == DeviceStatus.REFURBISHED


def test_a_phone_with_only_a_serial_number_never_becomes_ready(warehouse_api, warehouse_user):
    device = refurbished_phone(warehouse_user)
    Device.objects.filter(pk=device.pk).update(imei=None, serial_number="R58N12ABCDE")
    response = make_ready(warehouse_api, device)
    assert response.status_code == 409
    assert response.json()["missing"] == ["a phone needs a valid IMEI"]
    device.refresh_from_db()
    assert device.status == DeviceStatus.REFURBISHED


def test_a_phone_whose_imei_is_a_serial_number_never_becomes_ready(warehouse_api, warehouse_user):
    device = refurbished_phone(warehouse_user)
    Device.objects.filter(pk=device.pk).update(imei="R58N12ABCDE1234", serial_number="R58N12ABCDE1234")
    response = make_ready(warehouse_api, device)
    assert response.status_code == 409
    assert response.json()["missing"] == ["a phone needs a valid IMEI"]
