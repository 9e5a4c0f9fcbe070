"""A small network built through the services: referrals accepted, kits reserved, handed over, returned, missed.

The expected figures of every report test are worked out by hand from this data (see `network`).
"""

import datetime as dt

import pytest
from django.utils import timezone

from distribution import services as distribution
from inventory import services as inventory
from referrals import services as referrals
from referrals.models import Referral
from tests.conftest import ApiClient
from tests.distribution.conftest import ready_phone
from tests.factories import (
    BeneficiaryFactory,
    DeviceFactory,
    LineItemFactory,
    OfferFactory,
    OrganisationFactory,
    ReferralFactory,
    SiteFactory,
    UserFactory,
    valid_imei,
)

_serial = iter(range(1, 10_000))


def accepted(site, social_worker, decider, *, kinds, connectivity="none", eligibility, postal_code, days_ago):
    """A referral submitted `days_ago`, accepted by `decider` through the service."""
    referral = ReferralFactory(
        social_worker=social_worker,
        site=site,
        status="submitted",
        device_kinds=kinds,
        connectivity=connectivity,
        beneficiary=BeneficiaryFactory(
            eligibility=eligibility, postal_code=postal_code, consent_recorded_by=social_worker
        ),
    )
    submitted = timezone.now() - dt.timedelta(days=days_ago)
    Referral.objects.filter(pk=referral.pk).update(submitted_at=submitted, status_changed_at=submitted)
    return referrals.referral_decide(user=decider, referral=referral, decision="accept")


def device(site, warehouse, kind):
    n = next(_serial)
    if kind in ("smartphone", "feature_phone"):
        return ready_phone(site, warehouse, kind=kind, imei=valid_imei(7000 + n))
    return ready_phone(site, warehouse, kind=kind, imei=None, serial_number=f"SN-{kind}-{n}")


def hand_over(user, referral, device=None, **reserve):
    allocation = distribution.allocation_reserve(user=user, referral=referral.pk, device=device, **reserve)
    return distribution.handover_record(user=user, allocation=allocation, signed_on_paper=True)


@pytest.fixture
def network(db):
    """Saint-Denis and Lyon; four kits handed over, one returned, one missed, one referral rejected, one recycled.

    | referral | site | kit | eligibility | postal code | days waited |
    | phone_sim | SD | smartphone + SIM | rsa | 93200 | 10 |
    | laptop | SD | laptop | aah, rsa | 69001 | 20 |
    | phone_returned | SD | smartphone, back for repair | refugee | 97400 | 4 |
    | tablet | LY | tablet | low_income | 20100 | 30 |
    | rejected | SD (Mission locale) | — | rsa | 75011 | — |
    | missed | SD | smartphone held, not collected | rsa | 93000 | — |
    """
    sd, ly = SiteFactory(code="SD"), SiteFactory(code="LY")
    mediator = UserFactory(mediator=True, site=sd)
    coordinator = UserFactory(coordinator=True, site=sd)
    warehouse = UserFactory(warehouse=True, site=sd)
    ccas = OrganisationFactory(name="CCAS", kind="ccas")
    mission = OrganisationFactory(name="Mission locale", kind="mission_locale")
    sw = UserFactory(social_worker=True, organisation=ccas)
    sw_ml = UserFactory(social_worker=True, organisation=mission)
    offer = OfferFactory(created_by=warehouse)
    sim = LineItemFactory(offer=offer, site=sd, expires_on=timezone.localdate() + dt.timedelta(days=300))

    phone_sim = accepted(
        sd,
        sw,
        mediator,
        kinds=["smartphone"],
        connectivity="sim",
        eligibility=["rsa"],
        postal_code="93200",
        days_ago=10,
    )
    hand_over(mediator, phone_sim, device(sd, warehouse, "smartphone"), line_item=sim.pk)
    laptop = accepted(sd, sw, mediator, kinds=["laptop"], eligibility=["aah", "rsa"], postal_code="69001", days_ago=20)
    hand_over(mediator, laptop, device(sd, warehouse, "laptop"))
    returned = accepted(
        sd, sw, mediator, kinds=["smartphone"], eligibility=["refugee"], postal_code="97400", days_ago=4
    )
    given = device(sd, warehouse, "smartphone")
    hand_over(mediator, returned, given)
    distribution.device_return(user=mediator, device=given, reason="faulty", outcome="repair")
    tablet = accepted(
        ly, sw, coordinator, kinds=["tablet"], eligibility=["low_income"], postal_code="20100", days_ago=30
    )
    hand_over(coordinator, tablet, device(ly, warehouse, "tablet"))

    rejected = ReferralFactory(
        social_worker=sw_ml,
        site=sd,
        status="submitted",
        beneficiary=BeneficiaryFactory(eligibility=["rsa"], postal_code="75011", consent_recorded_by=sw_ml),
    )
    referrals.referral_decide(user=mediator, referral=rejected, decision="reject", reason="Outside our area")
    missed = accepted(sd, sw, mediator, kinds=["smartphone"], eligibility=["rsa"], postal_code="93000", days_ago=2)
    distribution.allocation_reserve(user=mediator, referral=missed.pk, device=device(sd, warehouse, "smartphone"))
    distribution.holds_expire(today=timezone.localdate() + dt.timedelta(days=30))

    scrap = DeviceFactory(site=sd, created_by=warehouse, imei=valid_imei(99_001))
    inventory.device_transition(user=warehouse, device=scrap, to="recycled", note="screen broken beyond repair")
    return {
        "sd": sd,
        "ly": ly,
        "mediator": mediator,
        "coordinator": coordinator,
        "warehouse": warehouse,
        "ccas": ccas,
        "mission": mission,
        "referrals": {
            "phone_sim": phone_sim,
            "laptop": laptop,
            "returned": returned,
            "tablet": tablet,
            "rejected": rejected,
            "missed": missed,
        },
        "api": ApiClient(coordinator),
    }
