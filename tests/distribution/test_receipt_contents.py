"""What each receipt says, as the person and the association read it (issue 21, item 6)."""

import datetime as dt

import pypdfium2 as pdfium
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from distribution.models import Allocation, Receipt
from inventory.models import Erasure
from tests.conftest import ApiClient
from tests.distribution.conftest import ready_phone
from tests.factories import PASSWORD, LineItemFactory, OfferFactory, valid_imei

pytestmark = pytest.mark.django_db


def pages(content: bytes) -> list[str]:
    document = pdfium.PdfDocument(content)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


def hand_over(world, allocation_id: int, **payload) -> tuple[str, list[str]]:
    response = world["api"].post(f"allocations/{allocation_id}/handover", payload or {"signed_on_paper": True})
    assert response.status_code == 201, response.json()
    number = response.json()["receipt_number"]
    return number, pages(world["api"].get(f"receipts/{number}.pdf").content)


def first_kit(world, **payload) -> tuple[str, list[str]]:
    allocation = world["api"].post("allocations", {"referral": world["referral"].pk}).json()
    return hand_over(world, allocation["id"], **payload)


def test_a_top_up_receipt_shows_only_the_voucher_in_fours_with_the_offers_instructions(world):
    world["referral"].accessories = ["charger"]
    world["referral"].save(update_fields=["accessories"])
    first_kit(world)
    offer = (
        ApiClient(world["warehouse"])
        .post(
            "offers",
            {
                "operator": "SFR",
                "name": "Recharge 10 €",
                "kind": "topup",
                "validity_days": 30,
                "price": "10.00",
                "instructions": "Composez #123*code# depuis le téléphone.",
            },
        )
        .json()
    )
    assert offer["instructions"] == "Composez #123*code# depuis le téléphone."
    code = "73918820114566"
    LineItemFactory(
        offer_id=offer["id"],
        iccid=None,
        voucher_code=code,
        site=world["sd"],
        expires_on=timezone.localdate() + dt.timedelta(days=90),
    )
    world["referral"].connectivity = "topup"
    world["referral"].save(update_fields=["connectivity"])
    topup = world["api"].post("allocations", {"referral": world["referral"].pk, "kind": "topup"}).json()
    assert Allocation.objects.get(pk=topup["id"]).accessories == []  # nothing pre-ticked from the referral
    _, (person, association) = hand_over(world, topup["id"], signed_on_paper=True)
    assert "Attestation de remise de matériel – recharge" in person
    assert "7391 8820 1145 66" in person and "Composez #123*code# depuis le téléphone." in person
    assert "Composez #123*code#" in association and "7391" not in association
    for text in (person, association):
        assert "Chargeur" not in text and "Accessoires" not in text and "Appareil" not in text


def test_the_handover_desk_shows_no_device_check_for_a_top_up(world):
    first_kit(world)
    LineItemFactory(
        offer=OfferFactory(kind="topup", created_by=world["warehouse"]),
        iccid=None,
        voucher_code="12345678901234",
        site=world["sd"],
        expires_on=timezone.localdate() + dt.timedelta(days=90),
    )
    world["referral"].connectivity = "topup"
    world["referral"].save(update_fields=["connectivity"])
    topup = world["api"].post("allocations", {"referral": world["referral"].pk, "kind": "topup"}).json()
    client = Client()
    client.login(username=world["mediator"].username, password=PASSWORD)
    page = client.get(f"/kits/{topup['id']}/handover/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="device_starts"' not in html and 'name="sim_tested"' not in html
    assert 'name="accessories" value="charger" checked' not in html


def test_a_swap_receipt_names_the_device_it_replaces_and_the_first_receipt(world):
    first, _ = first_kit(world)
    old = world["phone"]
    replacement = ready_phone(world["sd"], world["warehouse"], imei=valid_imei(555))
    returned = world["api"].post(
        f"devices/{old.asset_tag}/return", {"reason": "faulty", "outcome": "swap", "replacement": replacement.asset_tag}
    )
    assert returned.status_code == 201, returned.json()
    swap = Allocation.objects.get(kind="swap")
    _, (person, association) = hand_over(world, swap.pk, signed_on_paper=True)
    for text in (person, association):
        assert "échange sous garantie" in text
        assert f"{old.brand} {old.model}, {old.asset_tag}" in text and first in text
        assert replacement.asset_tag in text


def test_paper_signatures_get_a_line_each_and_the_mediator_is_named_on_every_copy(world):
    _, copies = first_kit(world, signed_on_paper=True)
    for text in copies:
        lines = text.split("\r\n")
        assert "Léa Martin" in lines and lines.count("Signature") == 2
        assert "Signé sur papier" in text


def test_a_screen_signed_receipt_records_who_handed_over_on_every_copy(world):
    from tests.distribution.conftest import signature_b64

    _, copies = first_kit(world, signature_png=signature_b64())
    for text in copies:
        assert "Léa Martin" in text.split("\r\n")
        assert "par Léa Martin, sous son compte." in " ".join(text.split())


def test_the_persons_copy_gives_the_grade_in_words_and_a_factory_reset_is_not_called_certified(world):
    # The fixture's phone was wiped by a factory reset, which certifies nothing.
    world["phone"].grade = "PREMIUM"
    world["phone"].save(update_fields=["grade"])
    _, (person, association) = first_kit(world)
    assert "Comme neuf" in person and "PREMIUM" not in person
    assert "Comme neuf (État PREMIUM)" in association
    assert "remise à zéro d'usine" in person and "certifié" not in person.replace("non certifié", "")


def test_a_certifying_erasure_is_called_certified_in_words(world):
    Erasure.objects.filter(device=world["phone"]).update(method="nist_purge")
    _, (person, _association) = first_kit(world)
    assert "certifié le" in person and "effacement NIST 800-88 (Purge)" in person


def test_receipts_stored_before_keep_verifying_and_their_duplicates_render(world):
    number, _ = first_kit(world)
    receipt = Receipt.objects.get(number=number)
    # A snapshot as stored before this change (no kind, instructions nor erasure code).
    snapshot = dict(receipt.snapshot)
    for key in ("kind", "replaced_device", "replaced_receipt"):
        snapshot.pop(key)
    snapshot["device"] = {k: v for k, v in snapshot["device"].items() if k not in ("erasure_code", "erasure_certified")}
    snapshot["connectivity"].pop("instructions")
    Receipt.objects.filter(pk=receipt.pk).update(snapshot=snapshot)
    original = world["api"].get(f"receipts/{number}.pdf").content
    verify = world["api"].client.post(
        "/api/v1/receipts/verify",
        {"file": SimpleUploadedFile("r.pdf", original, "application/pdf")},
        headers={"Authorization": f"Bearer {world['api'].token}"},
    )
    assert verify.json() == {"valid": True, "number": number}
    duplicate = world["api"].get(f"receipts/{number}.pdf", {"copy": "duplicate"})
    assert duplicate.status_code == 200 and "DUPLICATA" in pages(duplicate.content)[0]
