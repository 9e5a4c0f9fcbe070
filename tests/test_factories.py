"""The factories' traits build situations the services would accept: what a test builds is never impossible."""

from distribution.enums import AllocationStatus
from inventory.enums import DeviceStatus, LineItemStatus
from inventory.workflows import has_passed_erasure
from referrals.enums import ReferralStatus
from tests.distribution.factories import AllocationFactory
from tests.inventory.factories import DeviceFactory
from tests.referrals.factories import ReferralFactory


def test_a_ready_device_comes_wiped_graded_and_with_its_history(db):
    device = DeviceFactory(ready=True)
    assert device.status == DeviceStatus.READY and device.grade
    assert device.erasures.get().result == "passed"
    assert has_passed_erasure(device) is None  # the workflow's own guard finds the erasure
    assert [e.to_status for e in device.events.all()] == ["received", "wiped", "ready"]
    assert not DeviceFactory().erasures.exists()  # a plain device has no history: the trait adds it


def test_an_accepted_referral_was_decided_by_a_mediator_of_its_site(db):
    referral = ReferralFactory(accepted=True)
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.decided_by.role == "mediator" and referral.decided_by.site == referral.site
    assert [e.to_status for e in referral.events.all()] == ["submitted", "accepted"]


def test_a_handed_over_kit_hands_over_everything_it_holds(db):
    kit = AllocationFactory(handed_over=True)
    assert kit.status == AllocationStatus.HANDED_OVER
    assert kit.device.status == DeviceStatus.HANDED_OVER and kit.line_item.status == LineItemStatus.HANDED_OVER
    assert kit.referral.status == ReferralStatus.HANDED_OVER and kit.handover.warranty_until
    assert [e.to_status for e in kit.referral.events.all()][-1] == "handed_over"
    assert [e.to_status for e in kit.device.events.all()][-2:] == ["reserved", "handed_over"]
    held = AllocationFactory()
    assert held.status == AllocationStatus.HELD and held.referral.status == ReferralStatus.ALLOCATED
    assert held.device.status == DeviceStatus.RESERVED and held.device.site == held.site
