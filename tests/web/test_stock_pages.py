import pytest
from django.test import Client

from inventory.labelling import device_label
from tests.factories import PASSWORD, DeviceFactory, valid_imei

pytestmark = pytest.mark.django_db


@pytest.fixture
def warehouse_client(warehouse_user):
    client = Client()
    client.login(username="karim", password=PASSWORD)
    return client


def test_scanning_an_imei_opens_the_device_page(warehouse_client):
    device = DeviceFactory(imei=valid_imei(3))
    response = warehouse_client.get("/scan/", {"code": valid_imei(3)})
    assert response.status_code == 302 and response["Location"] == f"/devices/{device.asset_tag}/"


def test_scanning_nothing_known_says_so(warehouse_client):
    html = warehouse_client.get("/scan/", {"code": "ZZZ"}).content.decode()
    assert "Rien dans Bagage ne correspond" in html


def test_the_device_page_shows_history_and_label_printing(warehouse_client):
    device = DeviceFactory(laptop=True, grade="B")
    html = warehouse_client.get(f"/devices/{device.asset_tag}/").content.decode()
    assert device.asset_tag in html and "Imprimer l’étiquette" in html
    assert f"/api/v1/devices/{device.asset_tag}/label.pdf" in html


def test_the_qr_code_on_a_label_leads_to_the_device_page(warehouse_client, settings):
    settings.BAGAGE_PUBLIC_URL = "https://bagage.example.org"
    device = DeviceFactory()
    url = device_label(device).url
    assert url.startswith("https://bagage.example.org/")
    path = url.removeprefix("https://bagage.example.org")
    assert warehouse_client.get(path).status_code == 200


def test_the_device_list_filters(warehouse_client):
    DeviceFactory(ready=True, grade="A")
    DeviceFactory(laptop=True, status="received")
    html = warehouse_client.get("/devices/", {"kind": "laptop"}).content.decode()
    assert "SDPC26" in html and "SDTE26" not in html


def test_social_workers_cannot_open_stock_pages(social_worker_user):
    client = Client()
    client.login(username="sophie", password=PASSWORD)
    assert client.get("/devices/").status_code == 403
    assert client.get("/scan/").status_code == 403
