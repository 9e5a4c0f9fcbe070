"""A kit's compiled reads at their edges: ids no key reaches, and a caller whose role or state changed."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from common.exceptions import NotAllowed, NotFound
from distribution.services import allocation_release, allocation_reserve
from distribution.services.allocations import lock_allocation

pytestmark = pytest.mark.django_db

BEYOND_64_BITS = 2**63


def test_an_id_beyond_any_key_is_not_found_as_the_queryset_answered(world):
    """The queryset answered 404 without asking the database (Django drops an out-of-range lookup); the compiled
    read must not hand the value to a driver that cannot bind it (SQLite: OverflowError, a 500)."""
    with pytest.raises(NotFound):
        allocation_reserve(user=world["mediator"], referral=BEYOND_64_BITS)
    with pytest.raises(NotFound):
        lock_allocation(BEYOND_64_BITS, world["mediator"], "kit.reserve")
    with pytest.raises(NotFound):
        lock_allocation(-BEYOND_64_BITS - 1, world["mediator"], "kit.reserve")


def test_a_mediator_made_warehouse_or_deactivated_reaches_no_kit_through_a_kept_compilation(world):
    lea = world["mediator"]
    kit = allocation_reserve(user=lea, referral=world["referral"].pk, device=world["phone"].asset_tag)
    assert lock_allocation(kit.pk, lea, "kit.reserve").pk == kit.pk  # compiled for Léa, mediator, active
    lea.role = "warehouse"
    lea.save(update_fields=["role"])
    with pytest.raises(NotAllowed):
        allocation_release(user=lea, allocation=kit.pk)
    with pytest.raises(NotFound):
        lock_allocation(kit.pk, lea, "kit.reserve")
    lea.role, lea.is_active = "mediator", False
    lea.save(update_fields=["role", "is_active"])
    with pytest.raises(NotFound):
        lock_allocation(kit.pk, lea, "kit.reserve")


def test_the_compiled_reads_still_lock_only_their_own_rows_on_postgresql(world):
    if connection.vendor != "postgresql":
        pytest.skip("FOR UPDATE OF: PostgreSQL's")
    kit = allocation_reserve(user=world["mediator"], referral=world["referral"].pk, device=world["phone"].asset_tag)
    for _ in range(2):  # compiled, then reused
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            lock_allocation(kit.pk, world["mediator"], "kit.reserve", with_erasure=True)
        assert captured[0]["sql"].endswith('FOR UPDATE OF "distribution_allocation", "referrals_referral"')
