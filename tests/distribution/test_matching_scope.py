"""A mediator plans only their site, through the API as through the page."""

import pytest

from distribution.models import Proposal
from tests.conftest import ApiClient
from tests.distribution.conftest import ready_phone
from tests.factories import ReferralFactory, UserFactory, valid_imei

pytestmark = pytest.mark.django_db


@pytest.fixture
def lyon(world):
    """A referral waiting at Lyon, from the same validated partner, with a phone ready at Lyon."""
    referral = ReferralFactory(
        social_worker=world["social_worker"], site=world["ly"], status="accepted", connectivity="none"
    )
    ready_phone(world["ly"], world["warehouse"], imei=valid_imei(9191))
    return referral


def planned(body) -> set[int]:
    return {line["referral"] for line in body["lines"]} | {u["referral"] for u in body["unserved"]}


def test_a_mediators_network_plan_through_the_api_holds_only_their_sites_referrals(world, lyon):
    response = world["api"].post("matching/proposals", {})
    assert response.status_code == 201, response.json()
    assert planned(response.json()) == {world["referral"].pk}


def test_a_mediator_asking_the_api_for_another_sites_plan_is_refused_and_nothing_is_planned(world, lyon):
    response = world["api"].post("matching/proposals", {"site": "LY"})
    assert response.status_code == 403 and response.json()["code"] == "other_site"
    assert not Proposal.objects.exists()


def test_a_coordinator_plans_any_site_through_the_api(world, lyon):
    coordinator = ApiClient(UserFactory(coordinator=True, site=world["sd"]))
    lyon_plan = coordinator.post("matching/proposals", {"site": "LY"})
    assert lyon_plan.status_code == 201 and planned(lyon_plan.json()) == {lyon.pk}
    assert planned(coordinator.post("matching/proposals", {}).json()) == {world["referral"].pk, lyon.pk}
