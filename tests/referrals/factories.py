"""Factories of partner organisations, their members, beneficiaries and referrals.

A referral in a later state comes with the history a real one has: `ReferralFactory(accepted=True)` was
submitted and accepted by a mediator of its site (decision and history rows); `handed_over=True` went on to
the handover (its kit is written by `tests.distribution.factories.AllocationFactory(handed_over=True)`).
"""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from referrals.enums import Authorisation, OrganisationKind, ReferralEventKind, ReferralStatus
from referrals.models import Membership, Organisation, ReferralEvent
from referrals.validators import identity_key
from tests.accounts.factories import UserFactory
from tests.sites.factories import SiteFactory


def valid_siret(n: int) -> str:
    """A SIRET with right check digits (SIREN and SIRET both pass Luhn)."""
    from stdnum import luhn

    siren = f"{(300000000 + n * 7919) % 10**8:08d}"
    siren += luhn.calc_check_digit(siren)
    nic = "0001"
    return siren + nic + luhn.calc_check_digit(siren + nic)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.CCAS
    siret = factory.Sequence(valid_siret)
    postal_code = "93200"
    department = "93"
    authorisation = Authorisation.VALIDATED

    class Params:
        pending = factory.Trait(authorisation=Authorisation.PENDING)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)


class BeneficiaryFactory(DjangoModelFactory):
    class Meta:
        model = "referrals.Beneficiary"

    first_name = "Amina"
    # Letters only: digits fold away in the identity key, and "Diallo1", "Diallo2" would be one person.
    last_name = factory.Sequence(lambda n: "Diallo" + "".join(chr(ord("a") + int(digit)) for digit in str(n)))
    phone = factory.Sequence(lambda n: f"+3361234{n:04d}")
    postal_code = "93200"
    birth_year = 1985
    eligibility = factory.LazyFunction(lambda: ["rsa"])
    consent_given_at = factory.LazyFunction(timezone.now)
    consent_recorded_by = factory.SubFactory(UserFactory, social_worker=True)
    consent_version = factory.LazyFunction(lambda: __import__("referrals.notices").notices.current_notice())
    # The key production writes (referrals.validators.identity_key), never one spelt by hand.
    identity_key = factory.LazyAttribute(
        lambda o: identity_key(
            first_name=o.first_name, last_name=o.last_name, birth_year=o.birth_year, postal_code=o.postal_code
        )
    )
    phone_key = factory.SelfAttribute("phone")


# The steps a referral takes to reach each status the traits build, as its history rows record them.
STEPS = {
    ReferralStatus.ACCEPTED: [ReferralStatus.ACCEPTED],
    ReferralStatus.ALLOCATED: [ReferralStatus.ACCEPTED, ReferralStatus.ALLOCATED],
    ReferralStatus.HANDED_OVER: [ReferralStatus.ACCEPTED, ReferralStatus.ALLOCATED, ReferralStatus.HANDED_OVER],
}


def _history(referral, create, extracted, **kwargs) -> None:
    """The submission and every status change up to the referral's status, by its social worker then a mediator."""
    if not create:
        return
    start = referral.submitted_at
    ReferralEvent.objects.create(
        referral=referral, by=referral.social_worker, kind=ReferralEventKind.SUBMITTED, to_status="submitted", at=start
    )
    before = ReferralStatus.SUBMITTED
    for n, status in enumerate(STEPS[referral.status], start=1):
        ReferralEvent.objects.create(
            referral=referral,
            by=referral.decided_by,
            kind=ReferralEventKind.TRANSITION,
            from_status=before,
            to_status=status,
            at=start + dt.timedelta(hours=n),
        )
        before = status


class ReferralFactory(DjangoModelFactory):
    """A referral written straight to the database; life-cycle tests go through the services.

    Traits `accepted`, `allocated` (a kit held) and `handed_over` build a referral as the services leave it in
    that status: decided by a mediator of its site, with its history rows.
    """

    class Meta:
        model = "referrals.Referral"
        skip_postgeneration_save = True

    social_worker = factory.SubFactory(UserFactory, social_worker=True)
    organisation = factory.SelfAttribute("social_worker.membership.organisation")
    beneficiary = factory.SubFactory(BeneficiaryFactory, consent_recorded_by=factory.SelfAttribute("..social_worker"))
    site = factory.SubFactory(SiteFactory, code="SD")
    device_kinds = factory.LazyFunction(lambda: ["smartphone"])
    connectivity = "sim"
    reason = "administrative"

    class Params:
        decided = factory.Trait(
            submitted_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=2)),
            decided_by=factory.SubFactory(UserFactory, mediator=True, site=factory.SelfAttribute("..site")),
            decided_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1)),
            status_changed_at=factory.SelfAttribute("decided_at"),
            history=factory.PostGeneration(_history),
        )
        accepted = factory.Trait(decided=True, status=ReferralStatus.ACCEPTED)
        allocated = factory.Trait(decided=True, status=ReferralStatus.ALLOCATED)
        handed_over = factory.Trait(decided=True, status=ReferralStatus.HANDED_OVER)
