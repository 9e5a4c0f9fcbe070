"""After the handover at the desk (issue 22, items 1 and 2): top-ups, swaps, repairs and returns in the pages."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from distribution import services
from distribution.models import Allocation, Handover
from distribution.selectors import add_months
from inventory.models import Device, LineItem
from referrals.models import ReferralEvent
from tests.conftest import client_for as signed_in
from tests.distribution.conftest import ready_phone, signature_b64, world  # noqa: F401  (fixture)
from tests.factories import valid_imei

pytestmark = pytest.mark.django_db

SIGNATURE = "data:image/png;base64," + signature_b64()


def client_for(user, language: str = "en") -> Client:
    """English pages: these tests read the English words."""
    return signed_in(user, language)


def handed_over(world):  # noqa: F811
    allocation = services.allocation_reserve(user=world["mediator"], referral=world["referral"])
    return services.handover_record(user=world["mediator"], allocation=allocation, signed_on_paper=True)


def aftercare_notes(world) -> list[dict]:  # noqa: F811
    return list(
        ReferralEvent.objects.filter(referral=world["referral"], kind="aftercare").values_list("data", flat=True)
    )


# --- item 1: a top-up from the pages ---------------------------------------------------------------------


def test_a_handed_over_person_within_support_is_offered_a_top_up_on_the_referral_and_kit_pages(world):  # noqa: F811
    handover = handed_over(world)
    mediator = client_for(world["mediator"])
    for url in (f"/referrals/{world['referral'].pk}/", f"/kits/{handover.allocation_id}/"):
        page = mediator.get(url).content.decode()
        assert f'href="/referrals/{world["referral"].pk}/topup/"' in page, url
        assert "Top up" in page


def test_the_top_up_page_proposes_the_first_to_expire_and_the_mediator_may_take_another(world):  # noqa: F811
    handed_over(world)
    mediator = client_for(world["mediator"])
    page = mediator.get(f"/referrals/{world['referral'].pk}/topup/").content.decode()
    available = LineItem.objects.filter(status="available").order_by("expires_on")
    first, later = available[0], available[1]
    # The first to expire is ticked; the later one is offered too.
    assert f'value="{first.pk}" id="item-{first.pk}" checked' in page
    assert f'value="{later.pk}" id="item-{later.pk}">' in page
    response = mediator.post(f"/referrals/{world['referral'].pk}/topup/", {"line_item": str(later.pk)})
    topup = Allocation.objects.get(kind="topup")
    assert response.status_code == 302 and response["Location"] == f"/kits/{topup.pk}/handover/"
    assert topup.line_item_id == later.pk and topup.device_id is None
    # Nothing from the referral's accessories, and the person is at the desk: held until today only.
    assert topup.accessories == [] and topup.hold_until == timezone.localdate()


def test_the_top_up_handover_is_short_and_its_receipt_has_no_device(world):  # noqa: F811
    world["referral"].accessories = ["charger"]
    world["referral"].save(update_fields=["accessories"])
    handed_over(world)
    mediator = client_for(world["mediator"])
    sim = next(s for s in world["sims"] if s.expires_on > timezone.localdate() + dt.timedelta(days=100))
    mediator.post(f"/referrals/{world['referral'].pk}/topup/", {"line_item": str(sim.pk)})
    topup = Allocation.objects.get(kind="topup")
    page = mediator.get(f"/kits/{topup.pk}/handover/").content.decode()
    assert "First steps" not in page and 'name="device_starts"' not in page
    assert 'name="accessories"' not in page
    response = mediator.post(
        f"/kits/{topup.pk}/handover/", {"payment": "free", "contribution_eur": "0", "signature_png": SIGNATURE}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    handover = Handover.objects.get(allocation=topup)
    assert handover.accessories == [] and handover.checklist == {} and handover.warranty_until is None
    snapshot = handover.receipt.snapshot
    assert snapshot["kind"] == "topup" and snapshot["device"] is None and snapshot["accessories"] == []
    assert [(n["event"], n["kind"]) for n in aftercare_notes(world)] == [
        ("reserved", "topup"),
        ("handed_over", "topup"),
    ]


def test_the_top_up_service_refuses_accessories_and_a_device_checklist(world):  # noqa: F811
    world["referral"].accessories = ["charger"]
    world["referral"].save(update_fields=["accessories"])
    handed_over(world)
    topup = services.allocation_reserve(user=world["mediator"], referral=world["referral"], kind="topup")
    assert topup.accessories == []  # the referral's charger went with the first kit
    api = world["api"]
    with_charger = api.post(f"allocations/{topup.pk}/handover", {"signed_on_paper": True, "accessories": ["charger"]})
    assert with_charger.status_code == 422 and with_charger.json()["code"] == "accessories_not_wanted"
    checked = api.post(
        f"allocations/{topup.pk}/handover", {"signed_on_paper": True, "checklist": {"device_starts": True}}
    )
    assert checked.status_code == 422 and checked.json()["code"] == "checklist_not_wanted"
    assert not Handover.objects.filter(allocation=topup).exists()


def test_outside_the_support_period_no_top_up_is_offered_and_the_page_refuses_in_words(world):  # noqa: F811
    handover = handed_over(world)
    Handover.objects.filter(pk=handover.pk).update(at=timezone.now() - dt.timedelta(days=400))
    mediator = client_for(world["mediator"])
    page = mediator.get(f"/referrals/{world['referral'].pk}/").content.decode()
    assert f"/referrals/{world['referral'].pk}/topup/" not in page
    assert "The support period ended on" in page
    refused = mediator.post(f"/referrals/{world['referral'].pk}/topup/", {"line_item": str(world["sims"][0].pk)})
    assert refused.status_code == 409 and 'data-testid="topup-refusal"' in refused.content.decode()
    assert not Allocation.objects.filter(kind="topup").exists()


def test_the_reserve_page_of_a_handed_over_person_leads_to_the_top_up(world):  # noqa: F811
    handed_over(world)
    response = client_for(world["mediator"]).get(f"/referrals/{world['referral'].pk}/kit/")
    assert response.status_code == 302 and response["Location"] == f"/referrals/{world['referral'].pk}/topup/"


# --- item 2: swap, repair and return as one desk flow ------------------------------------------------------


def test_the_return_page_shows_the_person_the_receipt_the_warranty_and_the_proposed_replacement(world):  # noqa: F811
    handover = handed_over(world)
    best = ready_phone(world["sd"], world["warehouse"], imei=valid_imei(901), grade="A")
    worse = ready_phone(world["sd"], world["warehouse"], imei=valid_imei(902), grade="C")
    elsewhere = ready_phone(world["ly"], world["warehouse"], imei=valid_imei(903), grade="A")
    page = client_for(world["mediator"]).get(f"/devices/{world['phone'].asset_tag}/return/").content.decode()
    person = world["referral"].beneficiary
    assert f"{person.first_name[0].upper()}. {person.last_name[0].upper()}." in page
    assert person.last_name not in page
    assert f'href="/receipts/{handover.receipt.number}/"' in page
    assert 'data-testid="return-warranty"' in page and "under warranty" in page
    assert f'<option value="{best.asset_tag}" selected>' in page
    assert f'<option value="{worse.asset_tag}">' in page and elsewhere.asset_tag not in page
    assert 'name="present"' in page


def test_a_swap_with_the_person_present_goes_straight_to_the_new_kit_s_handover_held_until_today(world):  # noqa: F811
    handed_over(world)
    ready_phone(world["sd"], world["warehouse"], imei=valid_imei(904), grade="A")
    chosen = ready_phone(world["sd"], world["warehouse"], imei=valid_imei(905), grade="C")
    response = client_for(world["mediator"]).post(
        f"/devices/{world['phone'].asset_tag}/return/",
        {"reason": "faulty", "outcome": "swap", "replacement": chosen.asset_tag, "present": "on"},
    )
    swap = Allocation.objects.get(kind="swap")
    assert response.status_code == 302 and response["Location"] == f"/kits/{swap.pk}/handover/"
    assert swap.device_id == chosen.pk and swap.hold_until == timezone.localdate()
    assert [n["event"] for n in aftercare_notes(world)] == ["returned", "reserved"]


def test_a_swap_without_the_person_is_held_as_usual_and_lands_on_the_new_kit(world):  # noqa: F811
    handed_over(world)
    chosen = ready_phone(world["sd"], world["warehouse"], imei=valid_imei(906))
    response = client_for(world["mediator"]).post(
        f"/devices/{world['phone'].asset_tag}/return/",
        {"reason": "faulty", "outcome": "swap", "replacement": chosen.asset_tag},
    )
    swap = Allocation.objects.get(kind="swap")
    assert response.status_code == 302 and response["Location"] == f"/kits/{swap.pk}/"
    assert swap.hold_until > timezone.localdate()


def test_a_repair_is_given_back_from_the_referral_page_as_a_repair_with_the_extended_warranty(world):  # noqa: F811
    handover = handed_over(world)
    mediator = client_for(world["mediator"])
    response = mediator.post(f"/devices/{world['phone'].asset_tag}/return/", {"reason": "faulty", "outcome": "repair"})
    assert response.status_code == 302 and response["Location"] == f"/referrals/{world['referral'].pk}/"
    extended = add_months(handover.warranty_until, 6)
    page = mediator.get(f"/referrals/{world['referral'].pk}/").content.decode()
    assert 'data-testid="repair-waiting"' in page and 'data-testid="give-back"' not in page
    Device.objects.filter(pk=world["phone"].pk).update(status="ready")  # the workshop's work, shortened
    page = mediator.get(f"/referrals/{world['referral'].pk}/").content.decode()
    assert 'data-testid="give-back"' in page
    response = mediator.post(f"/referrals/{world['referral'].pk}/give-back/", {"present": "on"})
    kit = Allocation.objects.get(replaces__outcome="repair")
    assert kit.kind == "repair" and kit.device_id == world["phone"].pk
    assert response["Location"] == f"/kits/{kit.pk}/handover/"
    mediator.post(f"/kits/{kit.pk}/handover/", {"payment": "free", "contribution_eur": "0", "signature_png": SIGNATURE})
    assert Handover.objects.get(allocation=kit).warranty_until == extended
    page = mediator.get(f"/referrals/{world['referral'].pk}/").content.decode()
    assert ">Repair</a>" in page and "Warranty swap" not in page
    ledger = world["api"].get(f"referrals/{world['referral'].pk}/ledger").json()
    assert [e["kind"] for e in ledger["entries"]] == ["kit", "repair"]
    assert [r["outcome"] for r in ledger["returns"]] == ["repair"]
    events = [(n["event"], n.get("kind") or n.get("outcome")) for n in aftercare_notes(world)]
    assert events == [("returned", "repair"), ("reserved", "repair"), ("handed_over", "repair")]


def test_asking_a_repair_give_back_for_a_swap_return_is_refused(world):  # noqa: F811
    handed_over(world)
    ready_phone(world["sd"], world["warehouse"], imei=valid_imei(907))
    world["api"].post(f"devices/{world['phone'].asset_tag}/return", {"reason": "faulty", "outcome": "swap"})
    Allocation.objects.filter(kind="swap").update(status="released")
    response = world["api"].post("allocations", {"referral": world["referral"].pk, "kind": "repair"})
    assert response.status_code == 422 and response.json()["code"] == "repair_needs_return"


def test_the_history_shows_each_event_after_the_handover_in_words(world):  # noqa: F811
    handed_over(world)
    ready_phone(world["sd"], world["warehouse"], imei=valid_imei(908))
    mediator = client_for(world["mediator"])
    mediator.post(
        f"/devices/{world['phone'].asset_tag}/return/", {"reason": "faulty", "outcome": "swap", "present": "on"}
    )
    page = mediator.get(f"/referrals/{world['referral'].pk}/").content.decode()
    assert f"{world['phone'].asset_tag} brought back (faulty): swapped" in page
    assert "Warranty swap reserved: A-" in page


def test_a_give_back_asked_as_a_swap_for_a_repair_is_recorded_as_a_repair(world):  # noqa: F811
    """Clients written before the `repair` kind ask `swap` for both give-backs: the return's outcome decides."""
    handed_over(world)
    world["api"].post(f"devices/{world['phone'].asset_tag}/return", {"reason": "faulty", "outcome": "repair"})
    Device.objects.filter(pk=world["phone"].pk).update(status="ready")  # the workshop's work, shortened
    response = world["api"].post("allocations", {"referral": world["referral"].pk, "kind": "swap"})
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "repair" and Allocation.objects.get(pk=response.json()["id"]).kind == "repair"
