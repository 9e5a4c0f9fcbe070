"""Factories of sites."""

import factory
from factory.django import DjangoModelFactory

from sites.models import Site


class SiteFactory(DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ("code",)

    code = factory.Iterator(["LI", "SD", "PA", "AN", "LY", "GR", "MA"])
    name = factory.LazyAttribute(lambda o: f"Site {o.code}")
    city = factory.LazyAttribute(lambda o: f"City {o.code}")
    postal_code = "75011"
