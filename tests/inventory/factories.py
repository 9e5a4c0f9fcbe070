"""Factories of donors, batches, devices, erasures, offers and SIM cards or vouchers.

`DeviceFactory(ready=True)` is a device as the workshop leaves it: graded, with its passed erasure and its
history (registered, erasure, made ready), so that nothing downstream meets a "ready" device never wiped.
"""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from inventory.enums import DeviceEventKind, DeviceStatus, ErasureMethod, ErasureResult
from inventory.models import DeviceEvent
from tests.accounts.factories import UserFactory
from tests.sites.factories import SiteFactory


def valid_imei(n: int) -> str:
    from stdnum import luhn

    body = f"35{(n * 104729) % 10**12:012d}"
    return body + luhn.calc_check_digit(body)


def valid_iccid(n: int) -> str:
    from stdnum import luhn

    body = f"893301{n:012d}"
    return body + luhn.calc_check_digit(body)


class DonorFactory(DjangoModelFactory):
    class Meta:
        model = "inventory.Donor"

    name = factory.Sequence(lambda n: f"Donor {n}")
    kind = "company"
    created_by = factory.SubFactory(UserFactory, coordinator=True)


class BatchFactory(DjangoModelFactory):
    class Meta:
        model = "inventory.Batch"

    donor = factory.SubFactory(DonorFactory)
    site = factory.SubFactory(SiteFactory, code="SD")
    received_on = factory.LazyFunction(lambda: dt.date(2026, 11, 2))
    created_by = factory.SelfAttribute("donor.created_by")


class ErasureFactory(DjangoModelFactory):
    """A passed erasure recorded two days ago by the device's creator."""

    class Meta:
        model = "inventory.Erasure"

    method = ErasureMethod.FACTORY_RESET
    tool = "Android recovery"
    operator = factory.SelfAttribute("device.created_by")
    result = ErasureResult.PASSED
    finished_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=2))
    recorded_at = factory.SelfAttribute("finished_at")
    certificate_ref = factory.Sequence(lambda n: f"CERT-{n + 1}")


def _as_the_workshop_leaves_it(device, create, extracted, **kwargs) -> None:
    """A wiped device's passed erasure and history rows: registered three days ago, wiped, then its status."""
    if not create:
        return
    now = timezone.now()
    erasure = ErasureFactory(device=device, **kwargs)
    rows = [
        (DeviceEventKind.REGISTERED, "", DeviceStatus.RECEIVED, now - dt.timedelta(days=3)),
        (DeviceEventKind.ERASURE, DeviceStatus.DIAGNOSED, DeviceStatus.WIPED, erasure.finished_at),
    ]
    if device.status != DeviceStatus.WIPED:
        rows.append((DeviceEventKind.TRANSITION, DeviceStatus.WIPED, device.status, now - dt.timedelta(days=1)))
    DeviceEvent.objects.bulk_create(
        DeviceEvent(
            device=device, by=device.created_by, kind=kind, from_status=before, to_status=after, site=device.site, at=at
        )
        for kind, before, after, at in rows
    )


class DeviceFactory(DjangoModelFactory):
    """A device written straight to the database (no history unless `ready`); life-cycle tests use services.

    `ready=True`: graded B, with its passed erasure and history (`workshop__method=...` changes the erasure);
    `wiped=True, status=...`: the same in another status (what the workflow's guards ask for is there).
    """

    class Meta:
        model = "inventory.Device"
        skip_postgeneration_save = True

    asset_tag = factory.Sequence(lambda n: f"SDTE26-{n + 1:04d}")
    kind = "smartphone"
    brand = "Samsung"
    model = "Galaxy A52"
    imei = factory.Sequence(valid_imei)
    site = factory.SubFactory(SiteFactory, code="SD")
    created_by = factory.SubFactory(UserFactory, warehouse=True)

    class Params:
        laptop = factory.Trait(
            kind="laptop",
            brand="Lenovo",
            model="ThinkPad T480",
            imei=None,
            serial_number=factory.Sequence(lambda n: f"PF1{n:05d}"),
            asset_tag=factory.Sequence(lambda n: f"SDPC26-{n + 1:04d}"),
            ram_gb=8,
            storage_gb=256,
            storage_type="ssd",
            cpu_mark=6000,
            os="Windows 11",
        )
        # Every guard of the workshop met (a grade, a passed erasure since it came in), in whatever status given.
        wiped = factory.Trait(grade="B", workshop=factory.PostGeneration(_as_the_workshop_leaves_it))
        ready = factory.Trait(wiped=True, status=DeviceStatus.READY)


class OfferFactory(DjangoModelFactory):
    class Meta:
        model = "inventory.Offer"

    operator = "Orange"
    name = "Mobicarte 20 Go"
    kind = "sim"
    validity_days = 30
    price = "10.00"
    data_gb = "20.0"
    created_by = factory.SubFactory(UserFactory, coordinator=True)


class LineItemFactory(DjangoModelFactory):
    class Meta:
        model = "inventory.LineItem"

    offer = factory.SubFactory(OfferFactory)
    iccid = factory.Sequence(valid_iccid)
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=210))
    site = factory.SubFactory(SiteFactory, code="SD")
    created_by = factory.SelfAttribute("offer.created_by")
