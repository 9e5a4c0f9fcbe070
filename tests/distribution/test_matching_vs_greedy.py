"""Through the database: on random contested networks the plan serves at least the greedy baseline's priority,
uses no stock twice, and every line of it can be reserved as proposed."""

import datetime as dt
import random

import pytest
from django.conf import settings
from django.utils import timezone

from distribution.matching import greedy_plan
from distribution.models import Allocation
from distribution.selectors import hold_until
from distribution.services.matching import planning_inputs, proposal_confirm, proposal_create
from inventory.models import Device, LineItem
from referrals.models import Beneficiary, Referral
from tests.factories import OfferFactory, SiteFactory, UserFactory, valid_iccid, valid_imei

pytestmark = pytest.mark.django_db

KINDS = ("smartphone", "tablet", "laptop")


def random_network(seed: int, referrals: int = 40, devices: int = 28, items: int = 24):
    """Three sites; laptops and SIM cards scarcer than wanted; some SIMs expire before the hold ends."""
    rng = random.Random(seed)
    sites = [SiteFactory(code=code) for code in ("SD", "LY", "GR")]
    coordinator = UserFactory(coordinator=True, site=sites[0])
    warehouse = UserFactory(warehouse=True, site=sites[0])
    social = UserFactory(social_worker=True)
    now = timezone.now()
    people = Beneficiary.objects.bulk_create(
        Beneficiary(
            first_name="Amina",
            last_name=f"R{n}",
            phone=f"+3360000{n:04d}",
            postal_code="93200",
            birth_year=1980,
            eligibility=["rsa"],
            consent_given_at=now,
            consent_recorded_by=social,
            consent_version_id="2026-01",
            identity_key=f"r{n}|amina|1980|93200",
            phone_key=f"+3360000{n:04d}",
        )
        for n in range(referrals)
    )
    organisation = social.membership.organisation
    rows = []
    for person in people:
        kinds = rng.choice([[], [rng.choice(KINDS)], rng.sample(KINDS, 2)])
        connectivity = rng.choice(["sim", "topup"] if not kinds else ["none", "sim", "topup"])
        urgent = rng.random() < 0.2
        rows.append(
            Referral(
                beneficiary=person,
                organisation=organisation,
                social_worker=social,
                site=rng.choice(sites),
                device_kinds=kinds,
                connectivity=connectivity,
                reason="administrative",
                urgency="high" if urgent else "normal",
                urgency_justification="hospital" if urgent else "",
                status="accepted",
                submitted_at=now - dt.timedelta(days=rng.randrange(0, 120)),
            )
        )
    Referral.objects.bulk_create(rows)
    Device.objects.bulk_create(
        Device(
            asset_tag=f"RND{seed}-{n:04d}",
            kind=(kind := rng.choices(KINDS, (5, 3, 1))[0]),
            brand="Bench",
            model="Random",
            imei=valid_imei(70_000 + seed * 1000 + n) if kind != "laptop" else None,
            serial_number=f"SN{seed}-{n}" if kind == "laptop" else None,
            grade=rng.choice(["PREMIUM", "A", "B", "C", "D"]),
            status="ready",
            site=rng.choice(sites),
            created_by=warehouse,
        )
        for n in range(devices)
    )
    offers = {kind: OfferFactory(kind=kind, created_by=warehouse) for kind in ("sim", "topup")}
    today = timezone.localdate()
    LineItem.objects.bulk_create(
        LineItem(
            offer=offers[(kind := rng.choice(["sim", "topup"]))],
            iccid=valid_iccid(80_000 + seed * 1000 + n) if kind == "sim" else None,
            voucher_code=f"9{seed:03d}{n:08d}" if kind == "topup" else None,
            expires_on=today + dt.timedelta(days=rng.randrange(1, 200)),
            site=rng.choice(sites),
            created_by=warehouse,
        )
        for n in range(items)
    )
    return coordinator


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_plan_through_the_database_is_never_worse_than_greedy(seed):
    coordinator = random_network(seed)
    needs, devices, items = planning_inputs(coordinator, None, timezone.localdate())
    greedy = greedy_plan(
        needs, devices, items, hold_until=hold_until(), urgent_bonus_days=settings.BAGAGE_URGENT_BONUS_DAYS
    )
    proposal = proposal_create(user=coordinator)
    lines = list(proposal.lines.all())
    assert proposal.served_priority >= greedy.served_priority
    assert len(lines) + len(proposal.unserved) == len(needs)
    used_devices = [line.device_id for line in lines if line.device_id]
    used_items = [line.line_item_id for line in lines if line.line_item_id]
    assert len(set(used_devices)) == len(used_devices) and len(set(used_items)) == len(used_items)
    # Every line is a kit allocation_reserve accepts as proposed: confirming all of them refuses none.
    answer = proposal_confirm(user=coordinator, proposal=proposal)
    assert answer["refused"] == [] and len(answer["reserved"]) == len(lines)
    assert Allocation.objects.filter(status="held").count() == len(lines)
