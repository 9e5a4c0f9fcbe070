import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from inventory.models import Batch, Device, DeviceEvent, Donor, Erasure
from tests.factories import PASSWORD, BatchFactory, DeviceFactory, valid_imei

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(warehouse_user):
    client = Client()
    client.login(username="karim", password=PASSWORD)
    return client


def test_receive_a_batch_from_a_new_donor(client, warehouse_user):
    response = client.post(
        "/batches/",
        {
            "new_donor": "Mairie de Lille",
            "new_donor_kind": "public_body",
            "site": "SD",
            "received_on": "2026-11-20",
            "expected_count": "12",
        },
    )
    batch = Batch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/batches/{batch.pk}/"
    assert (batch.donor.name, batch.created_by, batch.expected_count) == ("Mairie de Lille", warehouse_user, 12)


def test_a_batch_needs_a_donor(client):
    response = client.post("/batches/", {"site": "SD", "received_on": "2026-11-20"})
    assert "Choisissez un donateur" in response.content.decode()
    assert not Batch.objects.exists() and not Donor.objects.exists()


def test_register_a_scanned_phone_in_a_batch(client):
    batch = BatchFactory()
    response = client.post(
        f"/batches/{batch.pk}/",
        {"imei": valid_imei(4), "kind": "smartphone", "brand": "Samsung", "register": ""},
        follow=True,
    )
    device = Device.objects.get()
    html = response.content.decode()
    assert f"{device.asset_tag} enregistré" in html
    assert f"/api/v1/devices/{device.asset_tag}/label.pdf" in html


def test_a_duplicate_imei_is_told_and_nothing_is_registered(client):
    existing = DeviceFactory(imei=valid_imei(4))
    batch = BatchFactory()
    response = client.post(
        f"/batches/{batch.pk}/", {"imei": valid_imei(4), "kind": "smartphone", "brand": "X", "register": ""}
    )
    assert existing.asset_tag in response.content.decode()
    assert Device.objects.count() == 1


def test_a_csv_with_a_wrong_row_shows_the_report_and_imports_nothing(client):
    batch = BatchFactory()
    content = f"kind,brand,imei\nsmartphone,Samsung,{valid_imei(1)}\nsmartphone,,{valid_imei(2)}\n".encode()
    response = client.post(f"/batches/{batch.pk}/", {"import": "", "file": SimpleUploadedFile("d.csv", content)})
    html = response.content.decode()
    assert 'data-testid="import-report"' in html and "La marque est obligatoire." in html
    assert not Device.objects.exists()


def test_refurbish_from_the_device_page(client, warehouse_user):
    device = DeviceFactory(status="diagnosed", grade="")
    action = f"/devices/{device.asset_tag}/action/"
    client.post(action, {"action": "erasure", "method": "factory_reset", "tool": "Recovery", "result": "passed"})
    client.post(action, {"action": "transition", "to": "wiped"})
    client.post(action, {"action": "transition", "to": "refurbished"})
    client.post(action, {"action": "update", "grade": "A", "location": "C-02"})
    client.post(action, {"action": "transition", "to": "ready", "note": "Tested OK"})
    device.refresh_from_db()
    assert (device.status, device.grade, device.location) == ("ready", "A", "C-02")
    assert Erasure.objects.get(device=device).operator == warehouse_user
    assert DeviceEvent.objects.filter(device=device, kind="transition").count() == 3


def test_a_refused_transition_is_told_on_the_page(client):
    device = DeviceFactory(status="refurbished", grade="")
    response = client.post(f"/devices/{device.asset_tag}/action/", {"action": "transition", "to": "ready"}, follow=True)
    assert "aucun effacement des données enregistré" in response.content.decode()
    device.refresh_from_db()
    assert device.status == "refurbished"


def test_mediators_read_batches_but_cannot_change_stock(mediator_user):
    client = Client()
    client.login(username="lea", password=PASSWORD)
    batch = BatchFactory()
    device = DeviceFactory(status="received")
    assert client.get(f"/batches/{batch.pk}/").status_code == 200
    assert client.post(f"/batches/{batch.pk}/", {"kind": "laptop", "brand": "HP", "register": ""}).status_code == 403
    assert (
        client.post(f"/devices/{device.asset_tag}/action/", {"action": "transition", "to": "diagnosed"}).status_code
        == 403
    )
    device.refresh_from_db()
    assert device.status == "received" and not Device.objects.filter(brand="HP").exists()


def test_the_device_page_offers_the_next_steps_and_the_suggested_grade(client):
    device = DeviceFactory(laptop=True, status="refurbished", grade="")
    html = client.get(f"/devices/{device.asset_tag}/").content.decode()
    # Ready would be refused (no erasure, no grade): it is not offered, and the page says what it waits for.
    assert 'name="to" value="ready"' not in html and 'name="to" value="recycled"' in html
    assert 'data-testid="waiting-steps"' in html
    assert 'data-testid="suggested-grade"' in html and "Suggéré : A" in html
    assert "Enregistrer un effacement des données" in html


def test_the_device_page_offers_no_actions_to_mediators(mediator_user):
    client = Client()
    client.login(username="lea", password=PASSWORD)
    device = DeviceFactory(status="refurbished")
    html = client.get(f"/devices/{device.asset_tag}/").content.decode()
    assert 'name="to"' not in html and "effacement des données" not in html


def test_a_wild_expected_count_is_a_form_error_not_a_database_overflow(client):
    response = client.post(
        "/batches/", {"new_donor": "X", "site": "SD", "received_on": "2026-11-20", "expected_count": "999999999999"}
    )
    assert response.status_code == 200 and not Batch.objects.exists()
