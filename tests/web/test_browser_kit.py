"""Accept → reserve → sign → receipt, in Chromium at the handover desk's tablet width."""

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from distribution.models import Handover
from referrals.models import BeneficiaryAccess
from tests.browser import page  # noqa: F401  (fixture)
from tests.distribution.conftest import ready_phone
from tests.factories import (
    BeneficiaryFactory,
    LineItemFactory,
    OfferFactory,
    ReferralFactory,
    SiteFactory,
    UserFactory,
    valid_imei,
)
from tests.labels.reader import scan_pdf
from tests.web.test_browser_referral import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def shot(page, name: str, width: int) -> None:  # noqa: F811
    page.set_viewport_size({"width": width, "height": 900})
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"kit-{name}-{width}.png"), full_page=True)


def draw_signature(page) -> None:  # noqa: F811
    pad = page.get_by_test_id("signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y = box["x"], box["y"]
    page.mouse.move(x + 40, y + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 25):
        page.mouse.move(x + 40 + step * 18, y + box["height"] * (0.7 - 0.4 * ((step % 6) / 6)), steps=3)
    page.mouse.up()
    page.mouse.move(x + 120, y + box["height"] * 0.3)
    page.mouse.down()
    page.mouse.move(x + 200, y + box["height"] * 0.8, steps=8)
    page.mouse.up()


def test_accept_reserve_sign_and_print_the_receipt_in_a_real_browser(page, live_server):  # noqa: F811
    sd = SiteFactory(code="SD", name="Saint-Denis")
    mediator = UserFactory(mediator=True, site=sd, username="lea", first_name="Léa", last_name="Martin")
    warehouse = UserFactory(warehouse=True, site=sd)
    person = BeneficiaryFactory(first_name="Amina", last_name="Diallo")
    referral = ReferralFactory(site=sd, status="submitted", connectivity="sim", beneficiary=person)
    phone = ready_phone(sd, warehouse, imei=valid_imei(4242))
    LineItemFactory(offer=OfferFactory(created_by=warehouse), site=sd)

    sign_in(page, live_server, "lea")
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    page.get_by_role("button", name="Accepter").click()
    assert page.get_by_test_id("status").inner_text() == "Acceptée"

    page.get_by_role("link", name="Réserver un kit").click()
    page.wait_for_url(f"**/referrals/{referral.pk}/kit/")
    choices = page.get_by_role("group", name="Kits proposés").get_by_role("radio")
    assert choices.count() == 1 and choices.first.is_checked()
    assert phone.asset_tag in page.get_by_role("group", name="Kits proposés").inner_text()
    shot(page, "reserve", 1024)
    shot(page, "reserve", 390)
    page.get_by_role("button", name="Réserver").click()
    page.wait_for_url(re.compile(r"/kits/\d+/$"))
    assert page.get_by_test_id("status").inner_text() == "Mis de côté"
    kit_number = page.get_by_role("heading", level=1).inner_text().split()[1]
    shot(page, "kit", 1024)
    shot(page, "kit", 390)

    # Back on the tablet's width, where the menu stays open.
    page.set_viewport_size({"width": 1024, "height": 900})
    page.get_by_role("navigation").get_by_role("link", name="Kits").click()
    page.wait_for_url("**/kits/")
    row = page.get_by_test_id("kit-row").filter(has_text=kit_number)
    assert "A. D." in row.inner_text() and phone.asset_tag in row.inner_text()
    shot(page, "shelf", 1024)
    shot(page, "shelf", 390)

    page.set_viewport_size({"width": 1024, "height": 768})
    row.get_by_role("link", name="Remettre").click()
    page.wait_for_url(re.compile(r"/kits/\d+/handover/$"))
    assert page.get_by_test_id("person-name").inner_text() == "Amina Diallo"
    assert BeneficiaryAccess.objects.filter(referral=referral, user=mediator, action="handover").exists()
    for label in ("L’appareil démarre", "Carte SIM insérée et testée", "Adresse e-mail créée ou vérifiée"):
        page.get_by_label(label).check()
    page.get_by_label("Premiers pas faits ou rendez-vous pris").check()
    page.get_by_label("Espèces").check()
    page.get_by_label("Participation (€)").fill("5")
    # Enter in a field hands nothing over: only the button does.
    page.get_by_label("Participation (€)").press("Enter")
    page.wait_for_timeout(300)
    assert page.url.endswith("/handover/") and not Handover.objects.exists()

    # A stroke drawn, cleared, drawn again: the cleared one must not be sent.
    draw_signature(page)
    page.get_by_role("button", name="Effacer").click()
    draw_signature(page)
    shot(page, "handover", 1024)
    shot(page, "handover", 390)
    page.set_viewport_size({"width": 1024, "height": 768})
    page.get_by_role("button", name="Remettre et imprimer le reçu").click()
    page.wait_for_url(re.compile(r"/receipts/R-\d{4}-\d{6}/$"))
    number = page.get_by_test_id("receipt-number").inner_text()
    assert page.get_by_role("button", name="Imprimer").is_visible()
    page.wait_for_load_state("networkidle")
    shot(page, "receipt", 1024)

    pdf = page.request.get(f"{live_server.url}/receipts/{number}.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert number in [hit.text for hit in scan_pdf(pdf.body(), dpi=200)]
    receipt_page = pdfium.PdfDocument(pdf.body())[0].render(scale=100 / 72).to_pil()
    receipt_page.save(ARTIFACTS / "kit-receipt-pdf.png")
    handover = Handover.objects.get()
    assert handover.receipt.number == number and handover.signature_sha256 and not handover.signed_on_paper
    assert handover.checklist == {
        "device_starts": True,
        "sim_tested": True,
        "email_account": True,
        "first_steps_session": True,
    }
    assert str(handover.contribution_eur) == "5.00" and handover.payment == "cash"
