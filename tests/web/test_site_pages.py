"""The sites' pages: staff read them, coordinators keep the public details up to date through site_update."""

import pytest
from django.test import Client

from common.exceptions import NotAllowed, ValidationFailed
from sites.models import DEFAULT_SERVICES, Site
from sites.services import site_update
from sites.validators import validate_opening_hours
from tests.factories import SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "hours",
    [
        "Mo-Fr 09:00-17:00",
        "Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00",
        "Tu,Th 14:00-18:00; PH off",
        "24/7",
        "",
    ],
)
def test_opening_hours_in_openstreetmap_format_are_accepted(hours):
    validate_opening_hours(hours)


@pytest.mark.parametrize(
    "hours",
    [
        "lundi-vendredi 9h-17h",
        "Mo-Fr 9h-17h",
        "Mo-Zz 09:00-17:00",
        "Mo-Fr 09:00-",
        "tous les jours",
        "Mo-Fr 25:00-26:00",
    ],
)
def test_opening_hours_in_another_format_are_refused(hours):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        validate_opening_hours(hours)
    assert caught.value.code == "invalid_opening_hours"


def test_a_coordinator_updates_a_site_and_its_phone_is_stored_in_international_format():
    coordinator = UserFactory(coordinator=True)
    site = SiteFactory(code="LI")
    before = site.updated_at
    site_update(user=coordinator, site=site, phone="03 20 55 12 34", opening_hours="Mo-Fr 09:00-17:00", siret="")
    site.refresh_from_db()
    assert site.phone == "+33320551234"
    assert site.opening_hours == "Mo-Fr 09:00-17:00"
    assert site.updated_at > before


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"opening_hours": "lundi 9h-17h"}, "opening_hours"),
        ({"siret": "12345678901234"}, "siret"),
        ({"insee_code": "7501"}, "insee_code"),
        ({"services": ["Vente"]}, "services"),
        ({"code": "ZZ"}, "code"),
    ],
)
def test_site_update_refuses_a_bad_value_and_changes_nothing(changes, field):
    site = SiteFactory(code="LI", opening_hours="Mo-Fr 09:30-17:00")
    with pytest.raises(ValidationFailed) as caught:
        site_update(user=UserFactory(coordinator=True), site=site, **changes)
    assert caught.value.extra["field"] == field
    stored = Site.objects.get(code="LI")
    assert stored.opening_hours == "Mo-Fr 09:30-17:00"
    assert stored.siret == ""


@pytest.mark.parametrize("role", ["warehouse", "mediator", "social_worker"])
def test_only_coordinators_update_sites(role):
    with pytest.raises(NotAllowed):
        site_update(user=UserFactory(**{role: True}), site=SiteFactory(code="LI"), name="Autre")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_sites_page_lists_sites_and_what_is_published():
    SiteFactory(code="LI", address="12 rue de Paris", postal_code="59000", city="Lille")
    SiteFactory(code="SD", is_reception_point=False)
    page = signed_in(UserFactory(mediator=True)).get("/sites/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="published-LI">oui' in html or 'data-testid="published-LI">yes' in html
    assert "/api/v1/sites/lieux-mediation-numerique.csv" in html


def test_a_coordinator_edits_a_site_from_its_page():
    site = SiteFactory(code="LI", address="12 rue de Paris", postal_code="59000", city="Lille")
    client = signed_in(UserFactory(coordinator=True))
    page = client.get("/sites/LI/")
    assert page.status_code == 200
    assert 'name="opening_hours"' in page.content.decode()
    data = {
        "name": "Lille Fives",
        "address": "12 rue de Paris",
        "postal_code": "59000",
        "city": "Lille",
        "opening_hours": "Mo-Fr 10:00-18:00",
        "phone": "03 20 55 12 34",
        "services": list(DEFAULT_SERVICES),
        "is_reception_point": "on",
        "is_active": "on",
    }
    response = client.post("/sites/LI/", data)
    assert response.status_code == 302
    site.refresh_from_db()
    assert (site.name, site.opening_hours, site.phone) == ("Lille Fives", "Mo-Fr 10:00-18:00", "+33320551234")
    slots = client.post("/sites/LI/", {**data, "pickup_slot_minutes": "20", "pickup_slot_capacity": "4"})
    assert slots.status_code == 302
    site.refresh_from_db()
    assert (site.pickup_slot_minutes, site.pickup_slot_capacity) == (20, 4)
    wrong = client.post("/sites/LI/", {**data, "opening_hours": "du lundi au vendredi"})
    assert wrong.status_code == 200
    assert "OpenStreetMap" in wrong.content.decode()
    site.refresh_from_db()
    assert site.opening_hours == "Mo-Fr 10:00-18:00"


def test_a_mediator_reads_a_site_but_cannot_post():
    SiteFactory(code="LI")
    client = signed_in(UserFactory(mediator=True))
    page = client.get("/sites/LI/")
    assert page.status_code == 200
    assert 'name="opening_hours"' not in page.content.decode()
    assert client.post("/sites/LI/", {"name": "X"}).status_code == 403
    assert Site.objects.get(code="LI").name != "X"


def test_social_workers_do_not_see_the_sites_pages():
    assert signed_in(UserFactory(social_worker=True)).get("/sites/").status_code == 403
