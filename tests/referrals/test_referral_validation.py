"""Who may refer, how urgently, and a PATCH validated as a POST is.

Each test here was checked against a hand-made mutant of the code (issue 8): it fails on the
mutant and passes on the code as it is.
"""

import pytest

from referrals.enums import Authorisation
from referrals.models import Beneficiary, Referral, ReferralEvent
from tests.factories import SiteFactory
from tests.referrals.conftest import referral_payload

pytestmark = pytest.mark.django_db


# --- a refused organisation refers no one --------------------------------------------------------


def test_a_social_worker_of_a_refused_organisation_cannot_refer(api_a, org_a):
    org_a.authorisation = Authorisation.REFUSED
    org_a.save()
    response = api_a.post("referrals", referral_payload())
    assert response.status_code == 403, response.json()
    assert response.json()["code"] == "organisation_refused"
    assert not Referral.objects.exists() and not Beneficiary.objects.exists()
    assert not ReferralEvent.objects.exists()


def test_an_organisation_refused_through_the_api_cannot_refer(api_a, org_a, coordinator_api):
    decided = coordinator_api.post(f"organisations/{org_a.pk}/authorisation", {"status": "refused", "note": "Closed"})
    assert decided.status_code == 200, decided.json()
    response = api_a.post("referrals", referral_payload())
    assert (response.status_code, response.json()["code"]) == (403, "organisation_refused")
    assert not Referral.objects.exists()


# --- urgency ---------------------------------------------------------------------------------------


def test_high_urgency_with_a_justification_is_stored_as_high(api_a):
    response = api_a.post("referrals", referral_payload(urgency="high", urgency_justification="Court date on Monday"))
    assert response.status_code == 201, response.json()
    assert (response.json()["urgency"], response.json()["urgency_justification"]) == ("high", "Court date on Monday")
    referral = Referral.objects.get()
    assert (referral.urgency, referral.urgency_justification) == ("high", "Court date on Monday")
    again = api_a.get(f"referrals/{referral.pk}").json()
    assert (again["urgency"], again["urgency_justification"]) == ("high", "Court date on Monday")


@pytest.mark.parametrize("justification", [None, "", "   "])
def test_high_urgency_without_a_justification_is_refused(api_a, justification):
    payload = referral_payload(urgency="high")
    if justification is not None:
        payload["urgency_justification"] = justification
    response = api_a.post("referrals", payload)
    assert response.status_code == 422, response.json()
    assert (response.json()["code"], response.json()["field"]) == ("justification_required", "urgency_justification")
    assert not Referral.objects.exists() and not Beneficiary.objects.exists()


def test_raising_the_urgency_by_patch_needs_a_justification(api_a, referral_a):
    response = api_a.patch(f"referrals/{referral_a['id']}", {"urgency": "high"})
    assert (response.status_code, response.json()["code"]) == (422, "justification_required")
    assert Referral.objects.get().urgency == "normal"
    ok = api_a.patch(f"referrals/{referral_a['id']}", {"urgency": "high", "urgency_justification": "Eviction"})
    assert ok.status_code == 200, ok.json()
    assert Referral.objects.get().urgency == "high"


# --- a PATCH is validated as a POST is ------------------------------------------------------------


@pytest.mark.parametrize(
    ("patch", "code", "field"),
    [
        ({"beneficiary": {"postal_code": "9320"}}, "invalid_postal_code", "beneficiary.postal_code"),
        ({"beneficiary": {"postal_code": "00100"}}, "invalid_postal_code", "beneficiary.postal_code"),
        ({"beneficiary": {"phone": "12"}}, "invalid_phone", "beneficiary.phone"),
        ({"beneficiary": {"phone": "06 12 34"}}, "invalid_phone", "beneficiary.phone"),
        ({"beneficiary": {"email": "not-an-address"}}, "invalid_email", "beneficiary.email"),
        ({"beneficiary": {"first_name": "  "}}, "invalid_beneficiary", "beneficiary.first_name"),
        ({"beneficiary": {"birth_year": 1800}}, "invalid_beneficiary", "beneficiary.birth_year"),
        ({"needs": {"device_kinds": ["toaster"]}}, "validation_error", "needs.device_kinds"),
        ({"needs": {"connectivity": "carrier_pigeon"}}, "validation_error", "needs.connectivity"),
        ({"needs": {"device_kinds": [], "connectivity": "none"}}, "empty_needs", "needs"),
        ({"reason": "boredom"}, "validation_error", "reason"),
        ({"urgency": "extreme"}, "validation_error", "urgency"),
    ],
)
def test_a_bad_patch_answers_422_with_its_code_and_field_and_changes_nothing(api_a, referral_a, patch, code, field):
    before = api_a.get(f"referrals/{referral_a['id']}").json()
    events_before = ReferralEvent.objects.count()
    response = api_a.patch(f"referrals/{referral_a['id']}", patch)
    assert response.status_code == 422, response.json()
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    after = api_a.get(f"referrals/{referral_a['id']}").json()
    assert {k: v for k, v in after.items() if k != "allowed_actions"} == {
        k: v for k, v in before.items() if k != "allowed_actions"
    }
    person = Beneficiary.objects.get()
    assert (person.postal_code, person.phone, person.first_name) == ("93200", "+33612345678", "Amina")
    assert ReferralEvent.objects.count() == events_before


def test_a_patch_cannot_move_a_referral_to_a_site_that_is_not_a_reception_point(api_a, referral_a):
    SiteFactory(code="XW", is_reception_point=False)
    response = api_a.patch(f"referrals/{referral_a['id']}", {"site": "XW"})
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (422, "invalid_site", "site")
    assert Referral.objects.get().site.code == "SD"
