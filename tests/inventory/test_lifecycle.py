"""The device life cycle, over every (state, target) pair, through the HTTP API."""

import pytest
from django.utils import timezone

from common.exceptions import InvalidTransition
from inventory import services
from inventory.enums import DeviceStatus
from inventory.models import Device, DeviceEvent
from tests.factories import DeviceFactory

pytestmark = pytest.mark.django_db

S = DeviceStatus
# Written from DESIGN.md by hand, not read from inventory/workflows.py, so that a wrong table fails.
MANUAL = {
    S.RECEIVED: {S.DIAGNOSED, S.PARTS, S.RECYCLED},
    S.DIAGNOSED: {S.WIPED, S.PARTS, S.RECYCLED},
    S.WIPED: {S.DIAGNOSED, S.REFURBISHED, S.PARTS, S.RECYCLED},
    S.REFURBISHED: {S.DIAGNOSED, S.READY, S.PARTS, S.RECYCLED},
    S.READY: {S.PARTS, S.RECYCLED},
    S.RESERVED: set(),
    # Back from a beneficiary only through a return (distribution), never by a manual move.
    S.HANDED_OVER: set(),
    S.RETURNED: {S.DIAGNOSED, S.PARTS, S.RECYCLED},
    S.PARTS: set(),
    S.RECYCLED: set(),
}
# Only distribution's services run these, each through its own function: (function, from, to).
SERVICE_ONLY = {
    "device_reserve": (S.READY, S.RESERVED),
    "device_release": (S.RESERVED, S.READY),
    "device_hand_over": (S.RESERVED, S.HANDED_OVER),
    "device_take_back": (S.HANDED_OVER, S.RETURNED),
}


def device_in(state: str, user) -> Device:
    """A phone in `state` with everything its guards ask for: IMEI, grade, a passed erasure."""
    return DeviceFactory(wiped=True, status=state, created_by=user)


PAIRS = [(source, target) for source in S.values for target in S.values]


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_every_manual_transition_pair(source, target, warehouse_api, warehouse_user):
    device = device_in(source, warehouse_user)
    events_before = DeviceEvent.objects.filter(device=device).count()
    response = warehouse_api.post(f"devices/{device.asset_tag}/transitions", {"to": target, "note": "test"})
    device.refresh_from_db()
    if target in MANUAL[source]:
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == target == device.status
        event = DeviceEvent.objects.filter(device=device).latest("id")
        assert (event.from_status, event.to_status, event.by, event.note) == (source, target, warehouse_user, "test")
    else:
        assert response.status_code == 409, response.json()
        assert response.json()["code"] == "invalid_transition"
        assert device.status == source
        assert DeviceEvent.objects.filter(device=device).count() == events_before


@pytest.mark.parametrize("source", S.values)
@pytest.mark.parametrize("function", sorted(SERVICE_ONLY))
def test_every_service_only_transition_from_every_state(source, function, warehouse_user):
    device = device_in(source, warehouse_user)
    expected_source, target = SERVICE_ONLY[function]
    if source == expected_source:
        getattr(services, function)(user=warehouse_user, device=device, note="kit")
        device.refresh_from_db()
        assert device.status == target
        event = DeviceEvent.objects.filter(device=device).latest("id")
        assert (event.from_status, event.to_status, event.note) == (source, target, "kit")
    else:
        with pytest.raises(InvalidTransition):
            getattr(services, function)(user=warehouse_user, device=device)
        device.refresh_from_db()
        assert device.status == source


def test_handed_over_is_never_reached_by_a_direct_transition(warehouse_api, warehouse_user):
    device = device_in(S.RESERVED, warehouse_user)
    response = warehouse_api.post(f"devices/{device.asset_tag}/transitions", {"to": "handed_over"})
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert "handover" in response.json()["detail"]


def ready_attempt(api, device):
    return api.post(f"devices/{device.asset_tag}/transitions", {"to": "ready"})


def test_ready_needs_a_passed_erasure(warehouse_api, warehouse_user):
    device = DeviceFactory(status=S.REFURBISHED, grade="A")
    response = ready_attempt(warehouse_api, device)
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert response.json()["missing"] == ["no data erasure recorded since the device came in"]


def test_ready_refuses_when_the_latest_erasure_failed(warehouse_api, warehouse_user):
    device = device_in(S.REFURBISHED, warehouse_user)
    services.erasure_record(
        user=warehouse_user,
        device=device,
        method="nist_clear",
        tool="nwipe",
        result="failed",
        finished_at=timezone.now(),
    )
    assert ready_attempt(warehouse_api, device).json()["missing"] == ["the latest data erasure failed"]


def test_ready_needs_a_grade(warehouse_api, warehouse_user):
    device = device_in(S.REFURBISHED, warehouse_user)
    Device.objects.filter(pk=device.pk).update(grade="")
    assert ready_attempt(warehouse_api, device).json()["missing"] == ["no grade"]


def test_a_phone_needs_a_valid_imei_to_be_ready(warehouse_api, warehouse_user):
    device = device_in(S.REFURBISHED, warehouse_user)
    Device.objects.filter(pk=device.pk).update(imei=None)
    assert ready_attempt(warehouse_api, device).json()["missing"] == ["a phone needs a valid IMEI"]


def test_a_computer_needs_a_serial_number_to_be_ready(warehouse_api, warehouse_user):
    device = device_in(S.REFURBISHED, warehouse_user)
    Device.objects.filter(pk=device.pk).update(kind="laptop", imei=None, serial_number=None)
    assert ready_attempt(warehouse_api, device).json()["missing"] == ["a computer needs a serial number"]


def test_an_erasure_before_a_return_does_not_count(warehouse_api, warehouse_user):
    device = device_in(S.HANDED_OVER, warehouse_user)
    services.device_take_back(user=warehouse_user, device=device, note="return")
    assert warehouse_api.post(f"devices/{device.asset_tag}/transitions", {"to": "diagnosed"}).status_code == 200
    response = warehouse_api.post(f"devices/{device.asset_tag}/transitions", {"to": "wiped"})
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert "since the device came in" in response.json()["detail"]
    services.erasure_record(
        user=warehouse_user,
        device=device,
        method="factory_reset",
        tool="Android recovery",
        result="passed",
        finished_at=timezone.now(),
    )
    assert warehouse_api.post(f"devices/{device.asset_tag}/transitions", {"to": "wiped"}).status_code == 200


def test_a_whole_refurbishment_through_the_api(warehouse_api, warehouse_user):
    created = warehouse_api.post(
        "devices",
        {
            "kind": "laptop",
            "brand": "Dell",
            "model": "Latitude 5490",
            "serial_number": "7XK2Q13",
            "ram_gb": 8,
            "storage_gb": 256,
            "storage_type": "ssd",
            "cpu_mark": 6200,
            "os": "Windows 11",
        },
    )
    assert created.status_code == 201
    tag = created.json()["asset_tag"]
    assert created.json()["status"] == "received"
    steps = [
        ("transitions", {"to": "diagnosed"}),
        (
            "erasures",
            {
                "method": "nist_purge",
                "tool": "Blancco Drive Eraser",
                "result": "passed",
                "finished_at": timezone.now().isoformat(),
                "certificate_ref": "BL-2026-778",
            },
        ),
        ("transitions", {"to": "wiped"}),
        ("transitions", {"to": "refurbished"}),
    ]
    for path, body in steps:
        response = warehouse_api.post(f"devices/{tag}/{path}", body)
        assert response.status_code in (200, 201), response.json()
    suggestion = warehouse_api.get(f"devices/{tag}").json()["suggested_grade"]
    assert suggestion["grade"] == "A"
    assert warehouse_api.patch(f"devices/{tag}", {"grade": suggestion["grade"]}).status_code == 200
    ready = warehouse_api.post(f"devices/{tag}/transitions", {"to": "ready"})
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    history = warehouse_api.get(f"devices/{tag}/history").json()
    assert [(h["kind"], h["from_status"], h["to_status"]) for h in history] == [
        ("registered", "", "received"),
        ("transition", "received", "diagnosed"),
        ("erasure", "diagnosed", "diagnosed"),
        ("transition", "diagnosed", "wiped"),
        ("transition", "wiped", "refurbished"),
        ("updated", "refurbished", "refurbished"),
        ("transition", "refurbished", "ready"),
    ]
    assert {"at", "by", "from_status", "to_status", "note"} <= set(history[0])
    assert all(h["by"] == "karim" for h in history)
    assert history[5]["data"] == {"grade": ["", "A"]}
