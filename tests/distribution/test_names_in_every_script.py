"""A referral for a name in any script the form accepts goes through to a receipt and a kit label that print it."""

import pytest
from bidi import get_display

from distribution.models import Receipt
from tests.conftest import ApiClient
from tests.distribution.conftest import signature_b64
from tests.labels.scripts import NAMES, page_lines, pdffonts, visual_lines
from tests.referrals.conftest import referral_payload

pytestmark = pytest.mark.django_db

HANDOVER = {
    "checklist": {"device_starts": True, "sim_tested": True, "email_account": False, "first_steps_session": True},
    "contribution_eur": "0",
    "payment": "free",
    "accessories": [],
}


@pytest.mark.parametrize("script", ["latin", "cyrillic", "arabic", "ethiopic"])
def test_accept_reserve_handover_and_the_stored_receipt_and_kit_label_read_the_name_back(world, script, tmp_path):
    first, last = NAMES[script]
    submitted = ApiClient(world["social_worker"]).post(
        "referrals", referral_payload(beneficiary={"first_name": first, "last_name": last})
    )
    assert submitted.status_code == 201, submitted.json()
    referral = submitted.json()["id"]
    api = world["api"]
    assert api.post(f"referrals/{referral}/decision", {"decision": "accept"}).status_code == 200
    allocation = api.post("allocations", {"referral": referral, "device": world["phone"].asset_tag}).json()
    assert "id" in allocation, allocation

    label = api.get(f"allocations/{allocation['id']}/label.pdf", {"stock": "zebra_4x2"})
    assert label.status_code == 200
    # The initials, in the order a reader of their script sees them (the bidirectional algorithm's).
    initials = get_display(f"{first[0]}. {last[0]}. · ", base_dir="L").replace(" ", "")
    assert any(initials in line for line in visual_lines(label.content))
    assert all(font["emb"] == "yes" for font in pdffonts(label.content, tmp_path))

    handed = api.post(f"allocations/{allocation['id']}/handover", {**HANDOVER, "signature_png": signature_b64()})
    assert handed.status_code == 201, handed.json()
    stored = Receipt.objects.get(number=handed.json()["receipt_number"])
    content = api.get(f"receipts/{stored.number}.pdf").content
    name = f"{first} {last}"
    for page in (0, 1):
        assert name in page_lines(content, page)
    assert "?" not in "".join(page_lines(content))
    assert all(font["emb"] == "yes" for font in pdffonts(content, tmp_path))
