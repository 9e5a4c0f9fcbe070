"""A stored receipt is served only while its bytes match the digest kept when it was issued."""

import pytest
from django.test import Client

from distribution.models import Receipt
from distribution.services.receipts import receipts_storage

pytestmark = pytest.mark.django_db


def issued(world) -> Receipt:
    allocation = world["api"].post("allocations", {"referral": world["referral"].pk}).json()
    response = world["api"].post(f"allocations/{allocation['id']}/handover", {"signed_on_paper": True})
    assert response.status_code == 201, response.json()
    return Receipt.objects.get(number=response.json()["receipt_number"])


def rewrite(receipt: Receipt, change) -> bytes:
    """Change the stored PDF on disk, as a disk fault or someone with access to the folder would."""
    path = receipts_storage().path(receipt.file)
    with open(path, "rb") as file:
        content = file.read()
    changed = change(content)
    assert changed != content
    with open(path, "wb") as file:
        file.write(changed)
    return changed


def one_byte_changed(content: bytes) -> bytes:
    # Same size: a digit of the receipt's text turned into another, deep inside the file.
    middle = len(content) // 2
    return content[:middle] + bytes([content[middle] ^ 0x01]) + content[middle + 1 :]


@pytest.mark.parametrize(
    "change",
    [one_byte_changed, lambda content: content + b"%% appended\n", lambda content: content[:-10]],
    ids=["one byte flipped", "bytes appended", "truncated"],
)
def test_a_receipt_changed_on_disk_is_refused_as_tampered_never_served_as_the_original(world, change):
    receipt = issued(world)
    original = world["api"].get(f"receipts/{receipt.number}.pdf")
    assert original.status_code == 200
    changed = rewrite(receipt, change)
    response = world["api"].get(f"receipts/{receipt.number}.pdf")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "receipt_tampered" and receipt.number in response.json()["detail"]
    assert changed not in response.content and b"%PDF" not in response.content
    # The receipt page's PDF frame refuses it too.
    page = Client()
    page.force_login(world["mediator"])
    framed = page.get(f"/receipts/{receipt.number}.pdf")
    assert framed.status_code == 404 and b"%PDF" not in framed.content


def test_the_duplicate_of_a_tampered_receipt_is_drawn_again_and_stamped(world):
    receipt = issued(world)
    rewrite(receipt, one_byte_changed)
    duplicate = world["api"].get(f"receipts/{receipt.number}.pdf", {"copy": "duplicate"})
    assert duplicate.status_code == 200 and duplicate.content.startswith(b"%PDF")
    with receipts_storage().open(receipt.file, "rb") as stored:
        assert duplicate.content != stored.read()


def test_a_receipt_whose_file_is_gone_is_refused_not_a_server_error(world):
    receipt = issued(world)
    receipts_storage().delete(receipt.file)
    response = world["api"].get(f"receipts/{receipt.number}.pdf")
    assert response.status_code == 404 and response.json()["code"] == "receipt_tampered"
    page = Client()
    page.force_login(world["mediator"])
    assert page.get(f"/receipts/{receipt.number}.pdf").status_code == 404
