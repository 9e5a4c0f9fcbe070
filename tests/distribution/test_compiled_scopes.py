"""A kit's locked reads are compiled once per connection (common.compiled): each caller still gets their own scope."""

import pytest

from common.exceptions import Conflict, NotFound
from distribution.models import Allocation
from distribution.services import allocation_release, allocation_reserve, handover_record
from inventory.models import LineItem
from referrals.models import Referral
from tests.distribution.conftest import signature_b64
from tests.factories import ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_mediator_of_another_site_finds_no_kit_after_one_of_this_site_locked_it(world):
    """Same connection, same compiled reads: the second mediator's scope is their site's, not the first's."""
    lea, lyon = world["mediator"], UserFactory(mediator=True, site=world["ly"], username="malik")
    with pytest.raises(NotFound):
        allocation_reserve(user=lyon, referral=world["referral"].pk, device=world["phone"].asset_tag)
    allocation = allocation_reserve(user=lea, referral=world["referral"].pk, device=world["phone"].asset_tag)
    for attempt in (
        lambda: handover_record(user=lyon, allocation=allocation.pk, signature_png=signature_b64()),
        lambda: allocation_release(user=lyon, allocation=allocation.pk),
        lambda: allocation_reserve(user=lyon, referral=world["referral"].pk),
    ):
        with pytest.raises(NotFound):
            attempt()
    # Moved to Lyon, Léa no longer reaches Saint-Denis' kit either; a coordinator does, anywhere.
    lea.site = world["ly"]
    lea.save(update_fields=["site"])
    with pytest.raises(NotFound):
        allocation_release(user=lea, allocation=allocation.pk)
    coordinator = UserFactory(coordinator=True, username="camille")
    handover = handover_record(user=coordinator, allocation=allocation.pk, signature_png=signature_b64())
    assert handover.allocation.status == "handed_over"
    assert Allocation.objects.get(pk=allocation.pk).status == "handed_over"
    assert Referral.objects.get(pk=world["referral"].pk).status == "handed_over"


def test_a_kit_takes_the_sim_that_fits_its_own_site_and_need(world):
    """The SIM chosen by a compiled read: this site's first to expire that outlasts the hold, each call anew."""
    first = allocation_reserve(user=world["mediator"], referral=world["referral"].pk)
    assert first.line_item == world["sims"][1]  # 200 days: the first to expire after the hold (5 days is too soon)
    allocation_release(user=world["mediator"], allocation=first.pk)
    LineItem.objects.filter(pk=world["sims"][1].pk).update(status="void")
    again = allocation_reserve(user=world["mediator"], referral=world["referral"].pk)
    assert again.line_item == world["sims"][0]


def test_a_kit_takes_a_device_of_a_kind_its_own_referral_accepts(world):
    """The device chosen by a compiled read, kept per kinds accepted: a laptop's referral never gets the phone."""
    laptop_only = ReferralFactory(
        social_worker=world["social_worker"],
        site=world["sd"],
        status="accepted",
        connectivity="none",
        device_kinds=["laptop"],
    )
    kit = allocation_reserve(user=world["mediator"], referral=world["referral"].pk)
    assert kit.device == world["phone"]
    allocation_release(user=world["mediator"], allocation=kit.pk)
    with pytest.raises(Conflict) as refused:
        allocation_reserve(user=world["mediator"], referral=laptop_only.pk)
    assert refused.value.code == "no_fitting_device"
    assert allocation_reserve(user=world["mediator"], referral=world["referral"].pk).device == world["phone"]
