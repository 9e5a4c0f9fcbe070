import pytest
from django.test import Client

from tests.factories import DeviceFactory, LineItemFactory, UserFactory, valid_imei

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_():
    admin = UserFactory(coordinator=True, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    return client


@pytest.mark.parametrize("field", ["asset_tag", "serial_number", "imei"])
def test_admin_finds_devices_by_tag_serial_and_imei(admin_client_, field):
    device = DeviceFactory(laptop=True, imei=valid_imei(9), serial_number="PF1SEARCH")
    other = DeviceFactory()
    html = admin_client_.get("/admin/inventory/device/", {"q": getattr(device, field)}).content.decode()
    assert device.asset_tag in html and other.asset_tag not in html


def test_admin_finds_sims_by_iccid(admin_client_):
    item = LineItemFactory()
    html = admin_client_.get("/admin/inventory/lineitem/", {"q": item.iccid}).content.decode()
    assert item.iccid in html


@pytest.mark.parametrize(
    "model",
    [
        "donor",
        "batch",
        "device",
        "erasure",
        "deviceevent",
        "offer",
        "lineitem",
        "lineitemevent",
        "assettagsequence",
    ],
)
def test_every_inventory_model_has_an_admin_page(admin_client_, model):
    assert admin_client_.get(f"/admin/inventory/{model}/").status_code == 200


def test_devices_are_read_only_in_the_admin(admin_client_):
    device = DeviceFactory(grade="B")
    response = admin_client_.post(f"/admin/inventory/device/{device.pk}/change/", {"grade": "PREMIUM"})
    device.refresh_from_db()
    assert device.grade == "B"
    assert response.status_code in (200, 403)
    assert admin_client_.get(f"/admin/inventory/device/{device.pk}/change/").status_code == 200


def test_sites_have_their_admin_page(admin_client_):
    assert admin_client_.get("/admin/sites/site/").status_code == 200
