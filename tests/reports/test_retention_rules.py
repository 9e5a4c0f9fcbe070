"""Retention's two clocks: the last handover of any kind, and the closing of a referral that got no kit."""

import datetime as dt

import pytest
from django.utils import timezone

from distribution import services as distribution
from distribution.models import Handover
from referrals.models import Beneficiary, Referral
from tests.factories import BeneficiaryFactory, LineItemFactory, OfferFactory, ReferralFactory
from tests.reports.conftest import device

pytestmark = pytest.mark.django_db


def months(n: int) -> dt.timedelta:
    return dt.timedelta(days=n * 31)


def anonymised(referral) -> bool:
    return Beneficiary.objects.get(referral=referral).anonymised_at is not None


def test_a_recent_top_up_keeps_a_person_whose_kit_is_old(network):
    people = network["referrals"]
    person = people["phone_sim"]
    LineItemFactory(
        offer=OfferFactory(created_by=network["warehouse"]),
        site=network["sd"],
        expires_on=timezone.localdate() + dt.timedelta(days=200),
    )
    top_up = distribution.allocation_reserve(user=network["mediator"], referral=person.pk, kind="topup")
    distribution.handover_record(user=network["mediator"], allocation=top_up, signed_on_paper=True)
    now = timezone.now()
    # The kit 25 months ago (warranty over), the top-up 14 months ago, inside the kit's year of support.
    for key in ("phone_sim", "laptop"):
        Handover.objects.filter(allocation__referral=people[key], allocation__kind="kit").update(
            at=now - months(25), warranty_until=(now - months(1)).date()
        )
    Handover.objects.filter(allocation=top_up).update(at=now - months(14))
    done = distribution.retention_apply()
    assert not anonymised(person)
    # The same old kit without a top-up since: due, so the dates above are past the retention period.
    assert anonymised(people["laptop"]) and done["beneficiaries_after_handover"] == 1


def test_a_waiting_or_handed_over_referral_whose_status_changed_long_ago_is_never_anonymised_as_closed(network):
    sw, site = network["referrals"]["phone_sim"].social_worker, network["sd"]
    waiting = {
        status: ReferralFactory(
            social_worker=sw, site=site, status=status, beneficiary=BeneficiaryFactory(consent_recorded_by=sw)
        )
        for status in ("submitted", "needs_info", "accepted")
    }
    allocated = ReferralFactory(
        social_worker=sw,
        site=site,
        status="accepted",
        device_kinds=["laptop"],
        connectivity="none",
        beneficiary=BeneficiaryFactory(consent_recorded_by=sw),
    )
    distribution.allocation_reserve(
        user=network["mediator"], referral=allocated.pk, device=device(site, network["warehouse"], "laptop")
    )
    waiting["allocated"] = allocated
    waiting["handed_over"] = network["referrals"]["tablet"]
    waiting["rejected (control)"] = network["referrals"]["rejected"]
    Referral.objects.filter(pk__in=[r.pk for r in waiting.values()]).update(
        status_changed_at=timezone.now() - months(60)
    )
    assert {r.status for r in Referral.objects.filter(pk__in=[r.pk for r in waiting.values()])} == {
        "submitted",
        "needs_info",
        "accepted",
        "allocated",
        "handed_over",
        "rejected",
    }
    distribution.retention_apply()
    kept = {status: not anonymised(referral) for status, referral in waiting.items()}
    assert kept == {
        "submitted": True,
        "needs_info": True,
        "accepted": True,
        "allocated": True,
        "handed_over": True,
        "rejected (control)": False,
    }
