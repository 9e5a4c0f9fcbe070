"""A handover retried over a flaky connection gives one receipt (the Idempotency-Key header)."""

import pytest

from distribution.models import Allocation, Receipt

pytestmark = pytest.mark.django_db


def test_a_retried_handover_gives_one_receipt(world):
    allocation = world["api"].post("allocations", {"referral": world["referral"].pk}, headers={"Idempotency-Key": "a"})
    assert (
        world["api"].post("allocations", {"referral": world["referral"].pk}, headers={"Idempotency-Key": "a"}).json()
        == allocation.json()
    )
    path = f"allocations/{allocation.json()['id']}/handover"
    first = world["api"].post(path, {"signed_on_paper": True}, headers={"Idempotency-Key": "h"})
    again = world["api"].post(path, {"signed_on_paper": True}, headers={"Idempotency-Key": "h"})
    assert first.status_code == again.status_code == 201
    assert again.json()["receipt_number"] == first.json()["receipt_number"]
    assert Receipt.objects.count() == 1 and Allocation.objects.count() == 1
