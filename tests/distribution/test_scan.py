"""What a scanned code names, through the API and the Scan page: each face links to its own address."""

import pytest
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

HANDOVER = {
    "checklist": {"device_starts": True, "sim_tested": True, "email_account": False, "first_steps_session": True},
    "contribution_eur": "0",
    "payment": "free",
    "accessories": [],
    "signed_on_paper": True,
}


@pytest.fixture
def scanned(world):
    """A kit handed over (its allocation and receipt), its phone and a SIM card left in stock."""
    api = world["api"]
    allocation = api.post("allocations", {"referral": world["referral"].pk}).json()
    number = api.post(f"allocations/{allocation['id']}/handover", HANDOVER).json()["receipt_number"]
    sim = world["sims"][0] if world["sims"][0].pk != allocation["line_item"] else world["sims"][1]
    return {"allocation": allocation, "receipt": number, "phone": world["phone"], "sim": sim}


def test_every_kind_of_scan_answers_its_api_address(world, scanned):
    api, phone, sim, allocation = world["api"], scanned["phone"], scanned["sim"], scanned["allocation"]
    expected = {
        phone.asset_tag: {
            "type": "device",
            "id": phone.asset_tag,
            "label": f"{phone.asset_tag} · {phone.brand} {phone.model}",
            "url": f"/api/v1/devices/{phone.asset_tag}",
        },
        sim.iccid: {
            "type": "line_item",
            "id": str(sim.pk),
            "label": f"{sim.offer} · {sim.iccid}",
            "url": f"/api/v1/offers/{sim.offer_id}/items/{sim.pk}",
        },
        allocation["number"]: {
            "type": "allocation",
            "id": str(allocation["id"]),
            "label": f"{allocation['number']} · #{world['referral'].pk}",
            "url": f"/api/v1/allocations/{allocation['id']}",
        },
        scanned["receipt"]: {
            "type": "receipt",
            "id": scanned["receipt"],
            "label": scanned["receipt"],
            "url": f"/api/v1/receipts/{scanned['receipt']}.pdf",
        },
    }
    for code, hit in expected.items():
        assert api.get(f"scan/{code}").json() == hit
        assert api.get(hit["url"]).status_code == 200, hit["url"]


def test_the_scan_page_opens_each_things_own_page(world, scanned):
    client = Client()
    client.login(username=world["mediator"].username, password=PASSWORD)
    phone, sim, allocation = scanned["phone"], scanned["sim"], scanned["allocation"]
    pages = {
        phone.asset_tag: f"/devices/{phone.asset_tag}/",
        sim.iccid: f"/offers/{sim.offer_id}/",
        allocation["number"]: f"/kits/{allocation['id']}/",
        scanned["receipt"]: f"/receipts/{scanned['receipt']}.pdf",
    }
    for code, page in pages.items():
        response = client.get("/scan/", {"code": code})
        assert (response.status_code, response["Location"]) == (302, page)
