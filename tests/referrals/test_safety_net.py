"""Rules of referrals that a refactor could break without any other test noticing.

Each test here was checked against a hand-made mutant of the code (issue 8): it fails on the
mutant and passes on the code as it is.
"""

import pytest

from referrals.enums import Authorisation
from referrals.models import Beneficiary, BeneficiaryAccess, Referral, ReferralEvent
from tests.factories import ReferralFactory, SiteFactory, UserFactory
from tests.referrals.conftest import referral_payload

pytestmark = pytest.mark.django_db


# --- reads of personal details are logged for every member of staff ------------------------------


def test_a_coordinators_read_of_a_beneficiary_is_logged(referral_a, coordinator_api, coordinator_user):
    assert not BeneficiaryAccess.objects.exists()
    response = coordinator_api.get(f"referrals/{referral_a['id']}")
    assert response.status_code == 200
    assert response.json()["beneficiary"]["last_name"] == "Diallo"
    access = BeneficiaryAccess.objects.get()
    assert (access.user, access.referral_id, access.action) == (coordinator_user, referral_a["id"], "read")


def test_a_mediators_read_of_a_beneficiary_is_logged(referral_a, mediator_api, mediator_user):
    assert mediator_api.get(f"referrals/{referral_a['id']}").status_code == 200
    assert list(BeneficiaryAccess.objects.values_list("user", "action")) == [(mediator_user.pk, "read")]


def test_the_referring_social_workers_reads_are_not_logged(api_a, referral_a):
    for _ in range(2):
        assert api_a.get(f"referrals/{referral_a['id']}").status_code == 200
    assert not BeneficiaryAccess.objects.exists()


def test_a_coordinators_decision_is_logged_as_a_decision(referral_a, coordinator_api, coordinator_user):
    response = coordinator_api.post(f"referrals/{referral_a['id']}/decision", {"decision": "accept"})
    assert response.status_code == 200, response.json()
    access = BeneficiaryAccess.objects.get()
    assert (access.user, access.action) == (coordinator_user, "decide")


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


# --- the access log costs a constant number of queries --------------------------------------------


@pytest.mark.parametrize("rows", [3, 30])
def test_the_access_log_costs_a_constant_number_of_queries(coordinator_api, django_assert_max_num_queries, rows):
    readers = [UserFactory(mediator=True) for _ in range(3)]
    for n in range(rows):
        referral = ReferralFactory()
        BeneficiaryAccess.objects.create(referral=referral, user=readers[n % 3], action="read")
    coordinator_api.get("me")  # the token's last use is written once, not on every request
    with django_assert_max_num_queries(5):
        response = coordinator_api.get("access-log", {"page_size": 50})
    body = response.json()
    assert body["count"] == len(body["items"]) == rows
    assert {item["user"] for item in body["items"]} == {reader.username for reader in readers}


def test_the_access_log_is_newest_first_and_filters(coordinator_api):
    reader, other = UserFactory(mediator=True, username="reader"), UserFactory(mediator=True, username="other")
    first, second = ReferralFactory(), ReferralFactory()
    BeneficiaryAccess.objects.create(referral=first, user=reader)
    BeneficiaryAccess.objects.create(referral=second, user=other)
    items = coordinator_api.get("access-log").json()["items"]
    assert [(i["user"], i["referral"]) for i in items] == [("other", second.pk), ("reader", first.pk)]
    assert [i["user"] for i in coordinator_api.get("access-log", {"user": "reader"}).json()["items"]] == ["reader"]
    by_referral = coordinator_api.get("access-log", {"referral": second.pk}).json()["items"]
    assert [i["referral"] for i in by_referral] == [second.pk]


def test_only_coordinators_read_the_access_log(mediator_api, social_worker_api, warehouse_api):
    for api in (mediator_api, social_worker_api, warehouse_api):
        response = api.get("access-log")
        assert (response.status_code, response.json()["code"]) == (403, "forbidden")
