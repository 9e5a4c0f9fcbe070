"""Factories of accounts: one trait per role; a social worker comes with their organisation's membership."""

import factory
from factory.django import DjangoModelFactory

from accounts.enums import Role
from accounts.models import User
from tests.sites.factories import SiteFactory

PASSWORD = "correct horse battery staple"


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
            role=Role.SOCIAL_WORKER,
            site=None,
            organisation=factory.SubFactory("tests.referrals.factories.OrganisationFactory"),
        )

    membership = factory.Maybe(
        "organisation",
        yes_declaration=factory.RelatedFactory(
            "tests.referrals.factories.MembershipFactory",
            factory_related_name="user",
            organisation=factory.SelfAttribute("..organisation"),
        ),
    )

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()
