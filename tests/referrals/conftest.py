import pytest

from tests.conftest import ApiClient
from tests.factories import OrganisationFactory, SiteFactory, UserFactory

VALID_REFERRAL = {
    "beneficiary": {
        "first_name": "Amina",
        "last_name": "Diallo",
        "phone": "06 12 34 56 78",
        "postal_code": "93200",
        "birth_year": 1984,
        "language": "fr",
        "eligibility": ["rsa", "low_income"],
    },
    "needs": {"device_kinds": ["smartphone"], "connectivity": "sim", "accessories": ["charger"]},
    "reason": "administrative",
    "urgency": "normal",
    "site": "SD",
    "consent": True,
}


def referral_payload(**overrides):
    payload = {
        **VALID_REFERRAL,
        "beneficiary": dict(VALID_REFERRAL["beneficiary"]),
        "needs": dict(VALID_REFERRAL["needs"]),
    }
    for key, value in overrides.items():
        if key in ("beneficiary", "needs"):
            payload[key].update(value)
        else:
            payload[key] = value
    return payload


@pytest.fixture
def org_a(db):
    return OrganisationFactory(name="CCAS A")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(name="Association B")


@pytest.fixture
def sw_a(org_a):
    SiteFactory(code="SD")
    return UserFactory(social_worker=True, organisation=org_a, username="sw_a")


@pytest.fixture
def sw_b(org_b):
    return UserFactory(social_worker=True, organisation=org_b, username="sw_b")


@pytest.fixture
def api_a(sw_a):
    return ApiClient(sw_a)


@pytest.fixture
def api_b(sw_b):
    return ApiClient(sw_b)


@pytest.fixture
def referral_a(api_a):
    response = api_a.post("referrals", referral_payload())
    assert response.status_code == 201, response.json()
    return response.json()
