"""At the warehouse bench: a refused scan held selected for the next one, two IMEIs run together refused as a
serial number, only the steps that can succeed offered, one phone to ready in one form, refusals and successes
said as such."""

import re

import pytest
from django.test import Client

from inventory.models import Device, DeviceEvent, Erasure
from tests.conftest import ApiClient
from tests.factories import PASSWORD, BatchFactory, DeviceFactory

pytestmark = pytest.mark.django_db

TWO_IMEIS = "860123456789014356938035643809"


@pytest.fixture
def client(warehouse_user):
    client = Client()
    client.login(username=warehouse_user.username, password=PASSWORD)
    client.cookies["django_language"] = "en"
    return client


def scan_box(html: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', html)[0]


def test_a_refused_code_in_the_scan_page_stays_in_the_box_to_be_selected(client):
    html = client.get("/scan/", {"code": "NOTHING-123"}).content.decode()
    box = scan_box(html, "code")
    assert 'value="NOTHING-123"' in box and "data-select-on-load" in box and "autofocus" in box
    found = client.get("/scan/").content.decode()
    assert "data-select-on-load" not in scan_box(found, "code")


def test_two_imeis_run_together_are_refused_as_a_phones_serial_number_beside_the_scan_box(client):
    batch = BatchFactory()
    response = client.post(f"/batches/{batch.pk}/", {"imei": TWO_IMEIS, "kind": "smartphone", "brand": "Samsung"})
    html = response.content.decode()
    assert not Device.objects.exists()
    box = scan_box(html, "imei")
    assert f'value="{TWO_IMEIS}"' in box and "data-select-on-load" in box and 'aria-invalid="true"' in box
    assert 'id="id_imei_errors"' in html and "two IMEIs" in html


def test_any_refusal_of_a_registration_leaves_the_scan_box_selected(client):
    batch = BatchFactory()
    existing = DeviceFactory(site=batch.site)
    html = client.post(
        f"/batches/{batch.pk}/", {"imei": existing.imei, "kind": "smartphone", "brand": "Samsung"}
    ).content.decode()
    assert existing.asset_tag in html and Device.objects.count() == 1
    assert "data-select-on-load" in scan_box(html, "imei")


@pytest.mark.parametrize("kind", ["smartphone", "feature_phone"])
def test_one_validator_refuses_the_run_together_serial_everywhere(kind, warehouse_user):
    api = ApiClient(warehouse_user)
    batch = BatchFactory()
    body = {"kind": kind, "brand": "Nokia", "serial_number": TWO_IMEIS[:16], "batch": batch.pk}
    answer = api.post("devices", body)
    assert answer.status_code == 422 and answer.json()["field"] == "serial_number"
    assert answer.json()["code"] == "invalid_serial_number"
    device = DeviceFactory(kind=kind)
    patch = api.patch(f"devices/{device.asset_tag}", {"serial_number": TWO_IMEIS})
    assert patch.status_code == 422 and patch.json()["code"] == "invalid_serial_number"
    # 15 digits is a serial a phone may have; a laptop's long numeric serial is its own business.
    assert api.post("devices", {**body, "serial_number": TWO_IMEIS[:15]}).status_code == 201
    assert api.post("devices", {**body, "kind": "laptop", "serial_number": TWO_IMEIS}).status_code == 201


def test_the_device_page_offers_only_the_steps_that_can_succeed_now(client):
    device = DeviceFactory(status="diagnosed")
    html = client.get(f"/devices/{device.asset_tag}/").content.decode()
    # Wiped needs a passed erasure: said, not offered.
    assert 'name="to" value="wiped"' not in html and 'name="to" value="recycled"' in html
    assert "no data erasure recorded" in html
    Erasure.objects.create(
        device=device, method="nist_purge", tool="Blancco", operator=device.created_by, result="passed",
        finished_at=device.created_at, recorded_at=device.created_at.__class__.now(device.created_at.tzinfo),
    )  # fmt: skip
    assert 'name="to" value="wiped"' in client.get(f"/devices/{device.asset_tag}/").content.decode()


MAKE_READY = {
    "action": "make_ready",
    "ready-method": "nist_purge",
    "ready-tool": "Blancco Mobile",
    "ready-result": "passed",
    "ready-certificate_ref": "BL-42",
    "ready-grade": "A",
    "ready-battery_health_pct": "91",
}


def test_a_diagnosed_phone_goes_to_ready_in_one_form_each_step_recorded(client, warehouse_user):
    device = DeviceFactory(status="diagnosed")
    assert 'data-testid="make-ready"' in client.get(f"/devices/{device.asset_tag}/").content.decode()
    response = client.post(f"/devices/{device.asset_tag}/action/", MAKE_READY, follow=True)
    device.refresh_from_db()
    assert (device.status, device.grade, device.battery_health_pct) == ("ready", "A", 91)
    steps = list(
        DeviceEvent.objects.filter(device=device, kind="transition").order_by("id").values_list("to_status", "by")
    )
    assert steps == [("wiped", warehouse_user.pk), ("refurbished", warehouse_user.pk), ("ready", warehouse_user.pk)]
    assert Erasure.objects.filter(device=device, result="passed", certificate_ref="BL-42").count() == 1
    assert f"{device.asset_tag} is ready." in response.content.decode()


def test_making_ready_is_all_or_nothing_and_the_refusal_looks_like_one(client):
    device = DeviceFactory(status="diagnosed", imei=None, serial_number="R58N12345")  # a phone without its IMEI
    response = client.post(f"/devices/{device.asset_tag}/action/", MAKE_READY)
    html = response.content.decode()
    device.refresh_from_db()
    assert response.status_code == 409 and device.status == "diagnosed" and device.grade == ""
    assert not Erasure.objects.filter(device=device).exists()
    assert not DeviceEvent.objects.filter(device=device).exists()
    assert re.search(r'<div class="notice error" role="alert" data-testid="action-error"><p>[^<]*valid IMEI', html)


def test_making_ready_tells_every_missing_field_at_once(client):
    device = DeviceFactory(status="diagnosed")
    response = client.post(f"/devices/{device.asset_tag}/action/", {"action": "make_ready"})
    html = response.content.decode()
    assert response.status_code == 422
    for field in ("method", "tool", "result", "grade"):
        assert f'id="id_ready-{field}_errors"' in html, field
    device.refresh_from_db()
    assert device.status == "diagnosed"


def test_successes_say_what_happened(client):
    device = DeviceFactory(status="received")
    moved = client.post(
        f"/devices/{device.asset_tag}/action/", {"action": "transition", "to": "diagnosed"}, follow=True
    )
    assert f"{device.asset_tag} is now “Diagnosed”." in moved.content.decode()
    saved = client.post(f"/devices/{device.asset_tag}/action/", {"action": "update", "location": "B-2"}, follow=True)
    assert f"{device.asset_tag} saved." in saved.content.decode()


def test_the_device_edit_form_marks_every_wrong_field_at_once(client):
    device = DeviceFactory(status="diagnosed")
    response = client.post(
        f"/devices/{device.asset_tag}/action/", {"action": "update", "cpu_mark": "fast", "battery_health_pct": "150"}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="edit-cpu-mark-error"' in html and 'id="edit-battery-error"' in html
    assert 'value="fast"' in html  # what was typed stays
