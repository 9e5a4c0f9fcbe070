"""Distribution through the API: reserve a kit, the shelf, hand it over with a receipt, release, expire."""

import datetime as dt
import io

import pypdfium2 as pdfium
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from distribution.models import Allocation, AllocationEvent, Handover, NumberSequence, Receipt
from distribution.services import holds_expire
from inventory.models import Device, DeviceEvent, LineItem
from referrals.models import Referral
from tests.conftest import ApiClient
from tests.distribution.conftest import ready_phone, signature_b64
from tests.factories import LineItemFactory, OfferFactory, ReferralFactory, UserFactory, valid_imei
from tests.labels.reader import scan_pdf

pytestmark = pytest.mark.django_db

HANDOVER = {
    "checklist": {"device_starts": True, "sim_tested": True, "email_account": False, "first_steps_session": True},
    "contribution_eur": "5.00",
    "payment": "cash",
    "accessories": ["charger"],
}


def pdf_text(content: bytes) -> list[str]:
    document = pdfium.PdfDocument(content)
    return [page.get_textpage().get_text_range() for page in document]


def reserve(world, **payload):
    return world["api"].post("allocations", {"referral": world["referral"].pk, **payload})


def test_a_kit_is_reserved_with_the_sim_that_expires_first_and_outlasts_the_hold(world):
    response = reserve(world)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "held" and body["number"].startswith(f"A-{timezone.localdate().year}-")
    assert body["hold_until"] == str(timezone.localdate() + dt.timedelta(days=14))
    assert body["device"] == world["phone"].asset_tag
    # The SIM expiring in 5 days would not last the hold; of the two others, the sooner.
    assert body["line_item"] == world["sims"][1].pk
    world["phone"].refresh_from_db()
    assert world["phone"].status == "reserved"
    assert LineItem.objects.get(pk=world["sims"][1].pk).status == "reserved"
    assert Referral.objects.get(pk=world["referral"].pk).status == "allocated"
    assert AllocationEvent.objects.filter(allocation_id=body["id"], to_status="held").count() == 1


def test_a_referral_needing_a_device_and_a_sim_gets_both_or_nothing(world):
    LineItem.objects.filter(pk__in=[s.pk for s in world["sims"][:2]]).update(status="void")
    response = reserve(world)
    assert response.status_code == 409 and response.json()["code"] == "no_fitting_line_item"
    world["phone"].refresh_from_db()
    assert world["phone"].status == "ready"
    assert not Allocation.objects.exists()
    assert Referral.objects.get(pk=world["referral"].pk).status == "accepted"


def test_a_device_of_a_kind_the_referral_does_not_accept_is_refused(world):
    laptop = ready_phone(world["sd"], world["warehouse"], kind="laptop", imei=None, serial_number="PF1X")
    response = reserve(world, device=laptop.asset_tag)
    assert response.status_code == 422 and response.json()["code"] == "device_kind_not_wanted"
    assert response.json()["field"] == "device"
    assert not Allocation.objects.exists()


def test_a_voucher_for_a_sim_need_and_a_sim_expiring_before_the_hold_are_refused(world):
    voucher = LineItemFactory(
        offer=OfferFactory(kind="topup", name="Recharge"), iccid=None, voucher_code="12345678901234", site=world["sd"]
    )
    wrong_kind = reserve(world, line_item=voucher.pk)
    assert wrong_kind.status_code == 422 and wrong_kind.json()["code"] == "line_item_kind_not_wanted"
    too_soon = reserve(world, line_item=world["sims"][2].pk)
    assert too_soon.status_code == 422 and too_soon.json()["code"] == "line_item_expires_too_soon"
    assert not Allocation.objects.exists()


def test_only_an_accepted_referral_gets_a_kit_and_only_once(world):
    Referral.objects.filter(pk=world["referral"].pk).update(status="submitted")
    assert reserve(world).json()["code"] == "invalid_transition"
    Referral.objects.filter(pk=world["referral"].pk).update(status="accepted")
    assert reserve(world).status_code == 201
    second = reserve(world)
    assert second.status_code == 409 and second.json()["code"] == "already_reserved"


def test_a_device_from_another_site_is_transferred_and_its_history_says_so(world):
    Device.objects.filter(pk=world["phone"].pk).update(status="parts")
    lyon = ready_phone(world["ly"], world["warehouse"], imei=valid_imei(777))
    body = reserve(world).json()
    assert (body["device"], body["transfer_from"], body["site"]) == (lyon.asset_tag, "LY", "SD")
    lyon.refresh_from_db()
    assert lyon.site == world["sd"] and lyon.status == "reserved"
    transfer = DeviceEvent.objects.get(device=lyon, kind="transfer")
    assert transfer.data["site"] == ["LY", "SD"] and body["number"] in transfer.note


def test_a_mediator_of_another_site_cannot_reserve_nor_see_the_kit(world):
    other = ApiClient(UserFactory(mediator=True, site=world["ly"]))
    assert other.post("allocations", {"referral": world["referral"].pk}).status_code == 404
    allocation = reserve(world).json()
    assert other.get(f"allocations/{allocation['id']}").status_code == 404
    assert other.get("allocations").json()["count"] == 0
    assert ApiClient(world["social_worker"]).get("allocations").status_code == 403
    assert ApiClient(world["warehouse"]).post("allocations", {"referral": world["referral"].pk}).status_code == 403


def test_release_puts_everything_back(world):
    allocation = reserve(world).json()
    response = world["api"].post(f"allocations/{allocation['id']}/release", {"note": "changed her mind"})
    assert response.status_code == 200 and response.json()["status"] == "released"
    world["phone"].refresh_from_db()
    assert world["phone"].status == "ready"
    assert LineItem.objects.get(pk=allocation["line_item"]).status == "available"
    assert Referral.objects.get(pk=world["referral"].pk).status == "accepted"
    again = world["api"].post(f"allocations/{allocation['id']}/release", {})
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    # Released, the same phone can be reserved again.
    assert reserve(world).json()["device"] == world["phone"].asset_tag


def test_the_shelf_lists_held_kits_by_hold_date_and_filters(world):
    first = reserve(world).json()
    other = ReferralFactory(
        social_worker=world["social_worker"], site=world["sd"], status="accepted", connectivity="none"
    )
    ready_phone(world["sd"], world["warehouse"], imei=valid_imei(99))
    world["api"].post("allocations", {"referral": other.pk})
    Allocation.objects.filter(pk=first["id"]).update(hold_until=timezone.localdate() + dt.timedelta(days=1))
    shelf = world["api"].get("allocations", {"site": "SD"}).json()
    assert [item["id"] for item in shelf["items"]][0] == first["id"] and shelf["count"] == 2
    soon = world["api"].get("allocations", {"hold_before": str(timezone.localdate() + dt.timedelta(days=2))})
    assert [item["id"] for item in soon.json()["items"]] == [first["id"]]


def test_the_kit_label_scans_back_and_names_only_initials(world):
    allocation = reserve(world).json()
    person = world["referral"].beneficiary
    response = world["api"].get(f"allocations/{allocation['id']}/label.pdf", {"stock": "zebra_4x2"})
    assert response.status_code == 200
    assert allocation["number"] in [hit.text for hit in scan_pdf(response.content, dpi=203)]
    text = "".join(pdf_text(response.content))
    assert f"{person.first_name[0]}. {person.last_name[0]}." in text
    assert person.last_name not in text and person.first_name not in text
    assert world["phone"].asset_tag in text and "••••" in text


def test_the_whole_path_to_a_signed_receipt(world):
    allocation = reserve(world).json()
    response = world["api"].post(
        f"allocations/{allocation['id']}/handover", {**HANDOVER, "signature_png": signature_b64()}
    )
    assert response.status_code == 201, response.json()
    number = response.json()["receipt_number"]
    assert number == f"R-{timezone.localdate().year}-000001"
    world["phone"].refresh_from_db()
    assert world["phone"].status == "handed_over"
    assert LineItem.objects.get(pk=allocation["line_item"]).status == "handed_over"
    assert Referral.objects.get(pk=world["referral"].pk).status == "handed_over"
    handover = Handover.objects.get()
    assert handover.checklist["first_steps_session"] is True and handover.payment == "cash"
    assert handover.warranty_until == _months_later(24)

    original = world["api"].get(f"receipts/{number}.pdf")
    assert original.status_code == 200 and original["Content-Type"] == "application/pdf"
    assert world["api"].get(f"receipts/{number}.pdf").content == original.content
    assert len(original.content) <= 60_000
    pages = pdf_text(original.content)
    joined = "\n".join(pages)
    sim = LineItem.objects.get(pk=allocation["line_item"])
    for expected in (world["phone"].imei, world["phone"].asset_tag, sim.iccid, number, "Léa Martin"):
        assert expected in joined
    assert number in [hit.text for hit in scan_pdf(original.content, dpi=200)]

    verify = world["api"].client.post(
        "/api/v1/receipts/verify",
        {"file": SimpleUploadedFile("r.pdf", original.content, "application/pdf")},
        headers={"Authorization": f"Bearer {world['api'].token}"},
    )
    assert verify.json() == {"valid": True, "number": number}
    duplicate = world["api"].get(f"receipts/{number}.pdf", {"copy": "duplicate"})
    assert "DUPLICATA" in "".join(pdf_text(duplicate.content)) and "DUPLICATA" not in joined
    forged = world["api"].client.post(
        "/api/v1/receipts/verify",
        {"file": SimpleUploadedFile("r.pdf", duplicate.content, "application/pdf")},
        headers={"Authorization": f"Bearer {world['api'].token}"},
    )
    assert forged.json() == {"valid": False, "number": None}


def _months_later(months: int) -> dt.date:
    from distribution.selectors import add_months

    return add_months(timezone.localdate(), months)


def test_the_voucher_code_is_printed_on_the_beneficiarys_copy_only(world):
    voucher_offer = OfferFactory(kind="topup", name="Recharge 10 €")
    code = "73918820114566"
    LineItemFactory(offer=voucher_offer, iccid=None, voucher_code=code, site=world["sd"])
    Referral.objects.filter(pk=world["referral"].pk).update(connectivity="topup")
    allocation = reserve(world).json()
    number = (
        world["api"]
        .post(f"allocations/{allocation['id']}/handover", {**HANDOVER, "signed_on_paper": True})
        .json()["receipt_number"]
    )
    pages = pdf_text(world["api"].get(f"receipts/{number}.pdf").content)
    # In groups of four, as people read it out and type it.
    assert ["7391 8820 1145 66" in page for page in pages] == [True, False]
    assert code not in "".join(pages) and "8820" not in pages[1]


def test_the_social_worker_sees_the_handover_but_never_the_receipt(world):
    allocation = reserve(world).json()
    number = (
        world["api"]
        .post(f"allocations/{allocation['id']}/handover", {**HANDOVER, "signed_on_paper": True})
        .json()["receipt_number"]
    )
    social = ApiClient(world["social_worker"])
    body = social.get(f"referrals/{world['referral'].pk}").json()
    assert body["status"] == "handed_over" and body["handed_over_at"] is not None
    assert social.get(f"receipts/{number}.pdf").status_code == 403


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"signature_png": None, "signed_on_paper": False}, "signature_required"),
        ({"signature_png": "bm90IGEgcG5n", "signed_on_paper": False}, "invalid_signature"),
        ({"payment": "free", "contribution_eur": "5.00"}, "invalid_contribution"),
        ({"payment": "card", "contribution_eur": "0"}, "invalid_contribution"),
    ],
)
def test_a_wrong_handover_changes_nothing(world, change, code):
    allocation = reserve(world).json()
    response = world["api"].post(f"allocations/{allocation['id']}/handover", {**HANDOVER, **change})
    assert response.status_code == 422 and response.json()["code"] == code
    assert Allocation.objects.get(pk=allocation["id"]).status == "held"
    assert not Handover.objects.exists() and not Receipt.objects.exists()


def test_a_blank_signature_pad_is_no_signature(world):
    import base64

    from PIL import Image

    blank = io.BytesIO()
    Image.new("RGBA", (400, 150), (0, 0, 0, 0)).save(blank, format="PNG")
    allocation = reserve(world).json()
    response = world["api"].post(
        f"allocations/{allocation['id']}/handover",
        {**HANDOVER, "signature_png": base64.b64encode(blank.getvalue()).decode()},
    )
    assert response.json()["code"] == "signature_required"


def test_an_error_in_the_middle_of_a_handover_leaves_nothing_changed(world, monkeypatch):
    allocation = reserve(world).json()

    def broken_printer(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("distribution.services.receipts.render_receipt", broken_printer)
    with pytest.raises(RuntimeError):
        world["api"].client.raise_request_exception = True
        from distribution.services import handover_record

        handover_record(user=world["mediator"], allocation=allocation["id"], signed_on_paper=True)
    world["phone"].refresh_from_db()
    assert world["phone"].status == "reserved"
    assert Allocation.objects.get(pk=allocation["id"]).status == "held"
    assert Referral.objects.get(pk=world["referral"].pk).status == "allocated"
    assert not Handover.objects.exists() and not Receipt.objects.exists()
    assert not NumberSequence.objects.filter(name="receipt", last__gt=0).exists()


def test_holds_expire_first_back_to_the_queue_then_no_show(world):
    first = reserve(world).json()
    Allocation.objects.filter(pk=first["id"]).update(hold_until=timezone.localdate() - dt.timedelta(days=1))
    call_command("expire_holds")
    assert Allocation.objects.get(pk=first["id"]).status == "expired"
    assert Referral.objects.get(pk=world["referral"].pk).status == "accepted"
    world["phone"].refresh_from_db()
    assert world["phone"].status == "ready"
    assert holds_expire() == {"released": 0, "back_to_accepted": 0, "no_show": 0}
    second = reserve(world).json()
    Allocation.objects.filter(pk=second["id"]).update(hold_until=timezone.localdate() - dt.timedelta(days=1))
    assert holds_expire()["no_show"] == 1
    assert Referral.objects.get(pk=world["referral"].pk).status == "no_show"


def test_suggestions_rank_the_site_first_then_the_grade(world):
    better_elsewhere = ready_phone(world["ly"], world["warehouse"], imei=valid_imei(31), grade="PREMIUM")
    better_here = ready_phone(world["sd"], world["warehouse"], imei=valid_imei(32), grade="A")
    found = world["api"].get(f"referrals/{world['referral'].pk}/suggestions").json()
    assert [s["device"]["asset_tag"] for s in found] == [
        better_here.asset_tag,
        world["phone"].asset_tag,
        better_elsewhere.asset_tag,
    ]
    assert found[2]["transfer_from"] == "LY" and found[0]["transfer_from"] is None
    assert all(s["line_item"]["id"] == world["sims"][1].pk for s in found)
    assert any("A" in why for why in found[0]["why"])


def test_scan_resolves_kit_and_receipt_numbers(world):
    allocation = reserve(world).json()
    hit = world["api"].get(f"scan/{allocation['number']}").json()
    assert (hit["type"], hit["id"]) == ("allocation", str(allocation["id"]))
    number = (
        world["api"]
        .post(f"allocations/{allocation['id']}/handover", {**HANDOVER, "signed_on_paper": True})
        .json()["receipt_number"]
    )
    assert world["api"].get(f"scan/{number}").json()["type"] == "receipt"


def test_the_handovers_export_is_pseudonymised_and_scoped(world):
    import csv

    allocation = reserve(world).json()
    number = (
        world["api"]
        .post(f"allocations/{allocation['id']}/handover", {**HANDOVER, "signed_on_paper": True})
        .json()["receipt_number"]
    )
    response = world["api"].get("exports/handovers.csv", {"sep": ";"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [row["receipt_number"] for row in rows] == [number]
    assert rows[0]["device"] == world["phone"].asset_tag and rows[0]["beneficiary"].startswith("B-")
    person = world["referral"].beneficiary
    assert person.last_name not in text and person.phone not in text
    other = ApiClient(UserFactory(mediator=True, site=world["ly"]))
    assert b"".join(other.get("exports/handovers.csv").streaming_content).decode("utf-8-sig").count("\n") == 1
    assert ApiClient(world["social_worker"]).get("exports/handovers.csv").status_code == 403
