"""Retries that do nothing twice: the Idempotency-Key header on the writes that create something."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from api.models import IdempotencyRecord
from inventory.models import Device, DeviceEvent
from tests.factories import BatchFactory, valid_imei

pytestmark = pytest.mark.django_db

PHONE = {"kind": "smartphone", "brand": "Fairphone", "model": "4", "imei": valid_imei(31337)}


def test_a_retried_registration_returns_the_first_answer_and_registers_once(warehouse_api):
    first = warehouse_api.post("devices", PHONE, headers={"Idempotency-Key": "scan-1"})
    again = warehouse_api.post("devices", PHONE, headers={"Idempotency-Key": "scan-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Device.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(warehouse_api):
    warehouse_api.post("devices", PHONE, headers={"Idempotency-Key": "scan-2"})
    other = warehouse_api.post("devices", {**PHONE, "imei": valid_imei(4)}, headers={"Idempotency-Key": "scan-2"})
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert Device.objects.count() == 1


def test_a_refusal_is_replayed_too_and_keys_belong_to_one_client(warehouse_api, coordinator_api):
    bad = {**PHONE, "imei": "123"}
    first = warehouse_api.post("devices", bad, headers={"Idempotency-Key": "k"})
    assert first.status_code == 422
    assert warehouse_api.post("devices", bad, headers={"Idempotency-Key": "k"}).json() == first.json()
    # Another client's same key is another key.
    assert coordinator_api.post("devices", PHONE, headers={"Idempotency-Key": "k"}).status_code == 201


def test_keys_expire_after_a_day(warehouse_api):
    warehouse_api.post("devices", PHONE, headers={"Idempotency-Key": "old"})
    IdempotencyRecord.objects.update(created_at=timezone.now() - dt.timedelta(days=1, minutes=1))
    again = warehouse_api.post("devices", PHONE, headers={"Idempotency-Key": "old"})
    # A day later the key is new again: the duplicate IMEI is refused as a duplicate, not replayed.
    assert again.status_code == 409 and again.json()["code"] == "duplicate_device"


def test_a_retried_import_imports_once(warehouse_api):
    batch = BatchFactory()
    content = f"kind,brand,imei\nsmartphone,Samsung,{valid_imei(1)}\nsmartphone,Samsung,{valid_imei(2)}\n".encode()

    def upload():
        return warehouse_api.client.post(
            f"/api/v1/batches/{batch.pk}/devices/import",
            {"file": SimpleUploadedFile("d.csv", content, "text/csv")},
            headers={"Authorization": f"Bearer {warehouse_api.token}", "Idempotency-Key": "import-1"},
        )

    assert upload().json()["counts"]["created"] == 2
    assert upload().json()["counts"]["created"] == 2  # the first answer, replayed
    assert Device.objects.count() == 2


def test_an_error_in_the_middle_of_an_import_leaves_nothing(warehouse_api, warehouse_user, monkeypatch):
    from inventory.services import batch_import_devices

    batch = BatchFactory()
    content = f"kind,brand,imei\nsmartphone,Samsung,{valid_imei(1)}\nsmartphone,Samsung,{valid_imei(2)}\n".encode()
    original = DeviceEvent.objects.bulk_create

    def history_disk_full(*args, **kwargs):
        raise OSError("no space left on device")

    monkeypatch.setattr(DeviceEvent.objects, "bulk_create", history_disk_full)
    with pytest.raises(OSError):
        batch_import_devices(user=warehouse_user, batch=batch, content=content)
    monkeypatch.setattr(DeviceEvent.objects, "bulk_create", original)
    assert not Device.objects.exists()
