"""Factories of kits (allocations) and their handovers.

`AllocationFactory()` is a kit held for an accepted referral: a ready device (with its erasure and history)
and a SIM card, both reserved. `AllocationFactory(handed_over=True)` is the same kit handed over (signed on
paper): the kit, the device, the SIM card and the referral handed over, the handover row with its warranty,
and each one's history row (the referral's come from `ReferralFactory`'s traits). Tests of the services
themselves go through the services, not these.
"""

import datetime as dt

import factory
from django.conf import settings
from django.utils import timezone
from factory.django import DjangoModelFactory

from distribution.enums import AllocationStatus
from distribution.models import AllocationEvent
from distribution.selectors import add_months
from inventory.enums import DeviceEventKind, DeviceStatus, LineItemStatus
from inventory.models import DeviceEvent, LineItemEvent
from tests.accounts.factories import UserFactory
from tests.inventory.factories import DeviceFactory, LineItemFactory
from tests.referrals.factories import ReferralFactory


def _stock_moved(allocation, *, by, at, device_from, device_to, item_from, item_to) -> None:
    """The history rows of the kit's device and SIM card moving from one status to the next."""
    device, item = allocation.device, allocation.line_item
    if device is not None:
        DeviceEvent.objects.create(
            device=device,
            by=by,
            kind=DeviceEventKind.TRANSITION,
            from_status=device_from,
            to_status=device_to,
            site=device.site,
            at=at,
        )
    if item is not None:
        LineItemEvent.objects.create(item=item, by=by, from_status=item_from, to_status=item_to, at=at)


def _history(allocation, create, extracted, **kwargs) -> None:
    """The rows the services write: the kit held, device and SIM reserved; then all three handed over."""
    if not create:
        return
    at, by = allocation.created_at, allocation.created_by
    AllocationEvent.objects.create(allocation=allocation, by=by, to_status=AllocationStatus.HELD, at=at)
    _stock_moved(
        allocation,
        by=by,
        at=at,
        device_from=DeviceStatus.READY,
        device_to=DeviceStatus.RESERVED,
        item_from=LineItemStatus.AVAILABLE,
        item_to=LineItemStatus.RESERVED,
    )
    if allocation.status != AllocationStatus.HANDED_OVER:
        return
    handover = HandoverFactory(allocation=allocation)
    AllocationEvent.objects.create(
        allocation=allocation,
        by=handover.by,
        from_status=AllocationStatus.HELD,
        to_status=AllocationStatus.HANDED_OVER,
        at=handover.at,
    )
    _stock_moved(
        allocation,
        by=handover.by,
        at=handover.at,
        device_from=DeviceStatus.RESERVED,
        device_to=DeviceStatus.HANDED_OVER,
        item_from=LineItemStatus.RESERVED,
        item_to=LineItemStatus.HANDED_OVER,
    )


class HandoverFactory(DjangoModelFactory):
    """A handover signed on paper, today, by the mediator who reserved the kit; the warranty runs from today."""

    class Meta:
        model = "distribution.Handover"

    by = factory.SelfAttribute("allocation.created_by")
    signed_on_paper = True
    accessories = factory.SelfAttribute("allocation.accessories")
    warranty_until = factory.LazyFunction(lambda: add_months(timezone.localdate(), settings.BAGAGE_WARRANTY_MONTHS))
    notice_version = factory.SelfAttribute("allocation.referral.beneficiary.consent_version_id")


class AllocationFactory(DjangoModelFactory):
    class Meta:
        model = "distribution.Allocation"
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"A-TEST-{n + 1:06d}")
    referral = factory.SubFactory(ReferralFactory, allocated=True)
    site = factory.SelfAttribute("referral.site")
    created_by = factory.SubFactory(UserFactory, mediator=True, site=factory.SelfAttribute("..site"))
    created_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=2))
    hold_until = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))
    device = factory.SubFactory(DeviceFactory, ready=True, site=factory.SelfAttribute("..site"))
    device__status = DeviceStatus.RESERVED
    line_item = factory.SubFactory(LineItemFactory, site=factory.SelfAttribute("..site"))
    line_item__status = LineItemStatus.RESERVED
    status = AllocationStatus.HELD

    class Params:
        handed_over = factory.Trait(
            status=AllocationStatus.HANDED_OVER,
            referral=factory.SubFactory(ReferralFactory, handed_over=True),
            device__status=DeviceStatus.HANDED_OVER,
            line_item__status=LineItemStatus.HANDED_OVER,
            closed_at=factory.LazyFunction(timezone.now),
            closed_by=factory.SelfAttribute("created_by"),
        )

    history = factory.PostGeneration(_history)
