"""Stock lists: newest first, a constant number of queries; a device label's QR code opens its page.

Each test here was checked against a hand-made mutant of the code (issue 8): it fails on the
mutant and passes on the code as it is.
"""

import pytest

from inventory.models import LineItem
from tests.conftest import in_days
from tests.factories import DeviceFactory, LineItemFactory, OfferFactory, SiteFactory, valid_imei
from tests.labels.reader import scan_pdf

pytestmark = pytest.mark.django_db


# --- lists: newest first, constant queries ------------------------------------------------------


def test_the_device_list_puts_the_newest_first(warehouse_api):
    # Registered in an order that neither the asset tag nor the model sorts back to.
    DeviceFactory(asset_tag="SDTE26-0002", model="B")
    DeviceFactory(asset_tag="SDTE26-0003", model="A")
    DeviceFactory(asset_tag="SDTE26-0001", model="C")
    tags = [d["asset_tag"] for d in warehouse_api.get("devices").json()["items"]]
    assert tags == ["SDTE26-0001", "SDTE26-0003", "SDTE26-0002"]


def offers_with_items(count: int) -> list:
    sites = [SiteFactory(code=code) for code in ("SD", "LY", "PA")]
    offers = []
    for n in range(count):
        offer = OfferFactory(name=f"Offer {n:03d}")
        LineItemFactory(offer=offer, site=sites[n % 3])
        offers.append(offer)
    return offers


@pytest.mark.parametrize("rows", [3, 30])
def test_the_offer_list_costs_a_constant_number_of_queries(warehouse_api, django_assert_max_num_queries, rows):
    offers_with_items(rows)
    warehouse_api.get("me")  # the token's last use is written once, not on every request
    with django_assert_max_num_queries(4):
        response = warehouse_api.get("offers")
    assert len(response.json()) == rows
    assert {offer["available"] for offer in response.json()} == {1}


@pytest.mark.parametrize("rows", [3, 30])
def test_the_item_list_costs_a_constant_number_of_queries(warehouse_api, django_assert_max_num_queries, rows):
    offer = OfferFactory()
    sites = [SiteFactory(code=code) for code in ("SD", "LY", "PA")]
    for n in range(rows):
        LineItemFactory(offer=offer, site=sites[n % 3], expires_on=in_days(30 + n))
    voucher_offer = OfferFactory(kind="topup")
    for n in range(rows):
        LineItemFactory(offer=voucher_offer, iccid=None, voucher_code=f"V{n:08d}", site=sites[n % 3])
    warehouse_api.get("me")
    for current in (offer, voucher_offer):
        with django_assert_max_num_queries(5):
            response = warehouse_api.get(f"offers/{current.pk}/items", {"page_size": 50})
        items = response.json()["items"]
        assert len(items) == rows
        assert {item["site"] for item in items} == {"SD", "LY", "PA"}
    assert LineItem.objects.count() == 2 * rows


# --- the QR code of a device label --------------------------------------------------------------


def test_a_device_labels_qr_code_is_the_devices_own_page(warehouse_api, settings):
    settings.BAGAGE_PUBLIC_URL = "https://bagage.example.org/"
    device = DeviceFactory(asset_tag="SDTE26-0042", imei=valid_imei(42))
    response = warehouse_api.get(f"devices/{device.asset_tag}/label.pdf", {"stock": "zebra_4x2"})
    assert response.status_code == 200
    found = scan_pdf(response.content, 203)
    assert [s.text for s in found if s.format == "QRCode"] == ["https://bagage.example.org/devices/SDTE26-0042/"]
    assert [s.text for s in found if s.format == "Code128"] == ["SDTE26-0042"]
