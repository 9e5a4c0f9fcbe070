import pytest

from tests.factories import DeviceFactory, LineItemFactory, valid_imei

pytestmark = pytest.mark.django_db


def test_scan_an_asset_tag(mediator_api):
    device = DeviceFactory()
    body = mediator_api.get(f"scan/{device.asset_tag.lower()}").json()
    assert body == {
        "type": "device",
        "id": device.asset_tag,
        "label": f"{device.asset_tag} · Samsung Galaxy A52",
        "url": f"/api/v1/devices/{device.asset_tag}",
    }


def test_scan_an_imei_or_a_second_imei(warehouse_api):
    device = DeviceFactory(imei=valid_imei(5), imei2=valid_imei(6))
    assert warehouse_api.get(f"scan/{valid_imei(5)}").json()["id"] == device.asset_tag
    assert warehouse_api.get(f"scan/{valid_imei(6)}").json()["id"] == device.asset_tag


def test_scan_an_iccid(warehouse_api):
    item = LineItemFactory()
    body = warehouse_api.get(f"scan/{item.iccid}").json()
    assert (body["type"], body["id"]) == ("line_item", str(item.pk))


def test_scan_a_serial_number(warehouse_api):
    device = DeviceFactory(laptop=True, serial_number="PF1XYZ")
    assert warehouse_api.get("scan/pf1xyz").json()["id"] == device.asset_tag


def test_an_ambiguous_serial_number_answers_a_list(warehouse_api):
    lenovo = DeviceFactory(laptop=True, serial_number="123456")
    dell = DeviceFactory(laptop=True, brand="Dell", serial_number="123456")
    body = warehouse_api.get("scan/123456").json()
    assert isinstance(body, list)
    assert {hit["id"] for hit in body} == {lenovo.asset_tag, dell.asset_tag}


def test_nothing_matches_answers_404(warehouse_api):
    response = warehouse_api.get("scan/NOTHING-HERE")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
