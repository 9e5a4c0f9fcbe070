"""Factories shared by the whole suite, one section per app."""

import factory
from factory.django import DjangoModelFactory

from accounts.enums import Role
from accounts.models import User
from inventory.models import Site
from referrals.enums import Authorisation, OrganisationKind
from referrals.models import Organisation

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
        warehouse = factory.Trait(role=Role.WAREHOUSE)
        mediator = factory.Trait(role=Role.MEDIATOR)
        coordinator = factory.Trait(role=Role.COORDINATOR)
        social_worker = factory.Trait(
            role=Role.SOCIAL_WORKER, site=None, organisation=factory.SubFactory(OrganisationFactory)
        )

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()
