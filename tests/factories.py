"""Factories shared by the whole suite, one section per app."""

import factory
from factory.django import DjangoModelFactory

from accounts.enums import Role
from accounts.models import User
from referrals.enums import Authorisation, OrganisationKind
from referrals.models import Membership, Organisation
from referrals.validators import identity_key
from sites.models import Site

PASSWORD = "correct horse battery staple"


def valid_siret(n: int) -> str:
    """A SIRET with right check digits (SIREN and SIRET both pass Luhn)."""
    from stdnum import luhn

    siren = f"{(300000000 + n * 7919) % 10**8:08d}"
    siren += luhn.calc_check_digit(siren)
    nic = "0001"
    return siren + nic + luhn.calc_check_digit(siren + nic)


class SiteFactory(DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ("code",)

    code = factory.Iterator(["LI", "SD", "PA", "AN", "LY", "GR", "MA"])
    name = factory.LazyAttribute(lambda o: f"Site {o.code}")
    city = factory.LazyAttribute(lambda o: f"City {o.code}")
    postal_code = "75011"


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


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    role = Role.WAREHOUSE
    site = factory.SubFactory(SiteFactory, code="SD")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    class Params:
        # A social worker's organisation is a membership (referrals.Membership), made after the user.
        organisation = None
        warehouse = factory.Trait(role=Role.WAREHOUSE)
        mediator = factory.Trait(role=Role.MEDIATOR)
        coordinator = factory.Trait(role=Role.COORDINATOR)
        social_worker = factory.Trait(
            role=Role.SOCIAL_WORKER, site=None, organisation=factory.SubFactory(OrganisationFactory)
        )

    membership = factory.Maybe(
        "organisation",
        yes_declaration=factory.RelatedFactory(
            "tests.factories.MembershipFactory",
            factory_related_name="user",
            organisation=factory.SelfAttribute("..organisation"),
        ),
    )

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)


# --- inventory ---------------------------------------------------------------------------------


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
    received_on = factory.LazyFunction(lambda: __import__("datetime").date(2026, 11, 2))
    created_by = factory.SelfAttribute("donor.created_by")


class DeviceFactory(DjangoModelFactory):
    """A device written straight to the database (no history); tests of the life cycle use services."""

    class Meta:
        model = "inventory.Device"

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
        ready = factory.Trait(status="ready", grade="B")


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
    expires_on = factory.LazyFunction(lambda: __import__("datetime").date(2027, 6, 30))
    site = factory.SubFactory(SiteFactory, code="SD")
    created_by = factory.SelfAttribute("offer.created_by")


# --- referrals ---------------------------------------------------------------------------------


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
    consent_given_at = factory.LazyFunction(lambda: __import__("django.utils.timezone").utils.timezone.now())
    consent_recorded_by = factory.SubFactory(UserFactory, social_worker=True)
    consent_version = factory.LazyFunction(lambda: __import__("referrals.notices").notices.current_notice())
    identity_key = factory.LazyAttribute(
        lambda o: identity_key(
            first_name=o.first_name, last_name=o.last_name, birth_year=o.birth_year, postal_code=o.postal_code
        )
    )
    phone_key = factory.SelfAttribute("phone")


class ReferralFactory(DjangoModelFactory):
    """A referral written straight to the database; life-cycle tests go through the services."""

    class Meta:
        model = "referrals.Referral"

    social_worker = factory.SubFactory(UserFactory, social_worker=True)
    organisation = factory.SelfAttribute("social_worker.membership.organisation")
    beneficiary = factory.SubFactory(BeneficiaryFactory, consent_recorded_by=factory.SelfAttribute("..social_worker"))
    site = factory.SubFactory(SiteFactory, code="SD")
    device_kinds = factory.LazyFunction(lambda: ["smartphone"])
    connectivity = "sim"
    reason = "administrative"
