"""Attacks on what follows a handover (issue 19, items 2 and 3; issue 20, item 3), kept as tests.

Every action on a handed-over device (return, repair, swap, top-up) is scoped like its referral; a give-back
kit exists only through a return under warranty, and a repaired device keeps its extended warranty.
"""

import datetime as dt

import pytest
from django.utils import timezone

from distribution.models import Allocation, Handover, Return
from distribution.selectors import add_months
from inventory.models import Device
from tests.conftest import ApiClient, client_for
from tests.distribution.conftest import ready_phone, world  # noqa: F401  (fixture)
from tests.factories import LineItemFactory, ReferralFactory, SiteFactory, UserFactory, valid_imei

pytestmark = pytest.mark.django_db


def hand_over(world, referral=None, api=None):  # noqa: F811
    api = api or world["api"]
    allocation = api.post("allocations", {"referral": (referral or world["referral"]).pk}).json()
    response = api.post(f"allocations/{allocation['id']}/handover", {"signed_on_paper": True})
    assert response.status_code == 201, response.json()
    return Handover.objects.get(allocation_id=allocation["id"])


def back_in_stock(device):
    """The workshop's work after a return (diagnosed, wiped, refurbished), shortened: the device is ready."""
    Device.objects.filter(pk=device.pk).update(status="ready")


@pytest.fixture
def outsiders(world):  # noqa: F811
    lille = SiteFactory(code="LI")
    return {
        "lille_mediator": UserFactory(mediator=True, site=lille),
        "lyon_warehouse": UserFactory(warehouse=True, site=world["ly"]),
    }


def unchanged(world, handover):  # noqa: F811
    """Nothing moved: the device is still the person's, the warranty as issued, no return recorded."""
    fresh = Handover.objects.get(pk=handover.pk)
    assert fresh.warranty_until == handover.warranty_until
    assert Device.objects.get(pk=world["phone"].pk).status == "handed_over"
    assert not Return.objects.exists()
    assert not Allocation.objects.filter(kind="swap").exists()


# --- item 2: returns, repairs, swaps and top-ups are scoped like the referral ---------------------------


@pytest.mark.parametrize("who", ["lille_mediator", "lyon_warehouse"])
@pytest.mark.parametrize("outcome", ["repair", "swap", "return"])
def test_an_account_outside_the_referral_cannot_take_the_device_back_through_the_api(
    world,  # noqa: F811
    outsiders,
    who,
    outcome,
):
    handover = hand_over(world)
    response = ApiClient(outsiders[who]).post(
        f"devices/{world['phone'].asset_tag}/return", {"reason": "faulty", "outcome": outcome}
    )
    assert response.status_code == 404, response.json()
    assert response.json()["code"] == "not_found"
    unchanged(world, handover)


@pytest.mark.parametrize("who", ["lille_mediator", "lyon_warehouse"])
def test_an_account_outside_the_referral_cannot_take_the_device_back_through_the_page(
    world,  # noqa: F811
    outsiders,
    who,
):
    handover = hand_over(world)
    client = client_for(outsiders[who])
    url = f"/devices/{world['phone'].asset_tag}/return/"
    # The device page offers no take-back, and the form is not there.
    device_page = client.get(f"/devices/{world['phone'].asset_tag}/")
    assert device_page.status_code == 200 and 'data-testid="take-back"' not in device_page.content.decode()
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "faulty", "outcome": "repair", "note": "x"}).status_code == 404
    unchanged(world, handover)


def test_the_workshop_and_the_mediators_of_the_referral_s_site_still_take_it_back(world):  # noqa: F811
    hand_over(world)
    response = ApiClient(world["warehouse"]).post(
        f"devices/{world['phone'].asset_tag}/return", {"reason": "faulty", "outcome": "repair"}
    )
    assert response.status_code == 201, response.json()


def test_an_older_handover_in_scope_does_not_open_the_device_s_present_holder(world, outsiders):  # noqa: F811
    """The phone went to a Saint-Denis person, came back, and now belongs to a Lille person: Saint-Denis is out."""
    hand_over(world)
    back = world["api"].post(
        f"devices/{world['phone'].asset_tag}/return", {"reason": "not_needed", "outcome": "return"}
    )
    assert back.status_code == 201
    back_in_stock(world["phone"])
    lille = outsiders["lille_mediator"].site
    lille_referral = ReferralFactory(
        social_worker=world["social_worker"], site=lille, status="accepted", connectivity="none"
    )
    lille_handover = hand_over(world, lille_referral, ApiClient(outsiders["lille_mediator"]))
    assert lille_handover.allocation.device_id == world["phone"].pk
    for user in (world["mediator"], world["warehouse"]):
        refused = ApiClient(user).post(
            f"devices/{world['phone'].asset_tag}/return", {"reason": "faulty", "outcome": "repair"}
        )
        assert refused.status_code == 404, refused.json()
        assert client_for(user).get(f"/devices/{world['phone'].asset_tag}/return/").status_code == 404
    assert Handover.objects.get(pk=lille_handover.pk).warranty_until == lille_handover.warranty_until
    assert Return.objects.count() == 1


@pytest.mark.parametrize("kind", ["topup", "swap"])
def test_a_mediator_of_another_site_cannot_top_up_or_swap_for_the_person(world, outsiders, kind):  # noqa: F811
    hand_over(world)
    LineItemFactory(offer=world["offer"], site=world["sd"], expires_on=timezone.localdate() + dt.timedelta(days=90))
    world["api"].post(f"devices/{world['phone'].asset_tag}/return", {"reason": "faulty", "outcome": "repair"})
    before = Allocation.objects.count()
    response = ApiClient(outsiders["lille_mediator"]).post(
        "allocations", {"referral": world["referral"].pk, "kind": kind}
    )
    assert response.status_code == 404, response.json()
    assert Allocation.objects.count() == before


# --- item 3: a swap kit exists only through a return under warranty ---------------------------------------


def test_a_swap_without_a_return_is_refused(world):  # noqa: F811
    hand_over(world)
    spare = ready_phone(world["sd"], world["warehouse"], imei=valid_imei(777))
    for body in ({}, {"device": spare.asset_tag}):
        response = world["api"].post("allocations", {"referral": world["referral"].pk, "kind": "swap", **body})
        assert response.status_code == 422, response.json()
        assert response.json()["code"] == "swap_needs_return"
    assert not Allocation.objects.filter(kind="swap").exists()
    assert Device.objects.get(pk=spare.pk).status == "ready"
    assert Device.objects.get(pk=world["phone"].pk).status == "handed_over"


def test_a_plain_return_or_one_out_of_warranty_opens_no_swap(world):  # noqa: F811
    hand_over(world)
    world["api"].post(f"devices/{world['phone'].asset_tag}/return", {"reason": "not_needed", "outcome": "return"})
    ready_phone(world["sd"], world["warehouse"], imei=valid_imei(778))
    response = world["api"].post("allocations", {"referral": world["referral"].pk, "kind": "swap"})
    assert response.status_code == 422 and response.json()["code"] == "swap_needs_return"
    named = world["api"].post(
        "allocations", {"referral": world["referral"].pk, "kind": "swap", "replaces": Return.objects.get().pk}
    )
    assert named.status_code == 422 and named.json()["code"] == "swap_needs_return"
    assert not Allocation.objects.filter(kind="swap").exists()


def test_one_return_gives_one_swap_kit(world):  # noqa: F811
    """The swap the attacker repeated: a second and a third device for one returned phone."""
    hand_over(world)
    first = ready_phone(world["sd"], world["warehouse"], imei=valid_imei(779))
    ready_phone(world["sd"], world["warehouse"], imei=valid_imei(780))
    swap = world["api"].post(
        f"devices/{world['phone'].asset_tag}/return",
        {"reason": "faulty", "outcome": "swap", "replacement": first.asset_tag},
    )
    assert swap.status_code == 201
    kit = Allocation.objects.get(kind="swap")
    assert kit.replaces_id == swap.json()["id"]
    assert world["api"].post(f"allocations/{kit.pk}/handover", {"signed_on_paper": True}).status_code == 201
    again = world["api"].post("allocations", {"referral": world["referral"].pk, "kind": "swap"})
    assert again.status_code == 422 and again.json()["code"] == "swap_needs_return"
    assert Allocation.objects.filter(kind="swap").count() == 1


def test_a_swap_kit_not_collected_is_reserved_again_for_the_same_return(world):  # noqa: F811
    from distribution import services

    hand_over(world)
    first = ready_phone(world["sd"], world["warehouse"], imei=valid_imei(781))
    swap = world["api"].post(
        f"devices/{world['phone'].asset_tag}/return",
        {"reason": "faulty", "outcome": "swap", "replacement": first.asset_tag},
    )
    services.holds_expire(today=timezone.localdate() + dt.timedelta(days=30))
    again = world["api"].post("allocations", {"referral": world["referral"].pk, "kind": "swap"})
    assert again.status_code == 201, again.json()
    kit = Allocation.objects.get(pk=again.json()["id"])
    assert kit.replaces_id == swap.json()["id"] and kit.device_id == first.pk
    world["api"].post(f"allocations/{kit.pk}/handover", {"signed_on_paper": True})
    # A swap's new device has a fresh warranty.
    assert Handover.objects.get(allocation=kit).warranty_until == add_months(timezone.localdate(), 24)


# --- issue 20, item 3: a repaired device keeps the original warranty, extended -----------------------------


def test_a_repaired_device_given_back_keeps_the_original_warranty_extended_by_six_months(world):  # noqa: F811
    handover = hand_over(world)
    today = timezone.localdate()
    # Handed over five months ago: its warranty runs 24 months from then.
    handed_on = today - dt.timedelta(days=150)
    original = add_months(handed_on, 24)
    Handover.objects.filter(pk=handover.pk).update(at=timezone.now() - dt.timedelta(days=150), warranty_until=original)
    repair = world["api"].post(f"devices/{world['phone'].asset_tag}/return", {"reason": "faulty", "outcome": "repair"})
    assert repair.status_code == 201 and repair.json()["warranty_until"] == str(add_months(original, 6))
    back_in_stock(world["phone"])
    # Another ready phone in stock must not be taken for the repaired one.
    ready_phone(world["sd"], world["warehouse"], imei=valid_imei(782), grade="A")
    give_back = world["api"].post("allocations", {"referral": world["referral"].pk, "kind": "swap"})
    assert give_back.status_code == 201, give_back.json()
    assert give_back.json()["device"] == world["phone"].asset_tag
    kit = Allocation.objects.get(pk=give_back.json()["id"])
    assert kit.replaces_id == repair.json()["id"]
    done = world["api"].post(f"allocations/{kit.pk}/handover", {"signed_on_paper": True})
    assert done.status_code == 201, done.json()
    assert done.json()["warranty_until"] == str(add_months(original, 6))
    assert done.json()["warranty_until"] != str(add_months(today, 24))
    assert Handover.objects.get(allocation=kit).warranty_until == add_months(original, 6)


def test_a_repair_gives_back_the_returned_device_and_no_other(world):  # noqa: F811
    hand_over(world)
    world["api"].post(f"devices/{world['phone'].asset_tag}/return", {"reason": "faulty", "outcome": "repair"})
    back_in_stock(world["phone"])
    other = ready_phone(world["sd"], world["warehouse"], imei=valid_imei(783))
    response = world["api"].post(
        "allocations", {"referral": world["referral"].pk, "kind": "swap", "device": other.asset_tag}
    )
    assert response.status_code == 422 and response.json()["code"] == "not_the_repaired_device"
    assert Device.objects.get(pk=other.pk).status == "ready"
