"""Right of access: one person's data as JSON, for coordinators, logged as a read of personal data."""

import pytest

from referrals.models import BeneficiaryAccess
from tests.conftest import ApiClient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_coordinator_exports_everything_held_about_a_person(network):
    referral = network["referrals"]["returned"]
    response = network["api"].get(f"beneficiaries/{referral.pk}/export")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["referral"] == referral.pk
    person = body["beneficiary"]
    assert person["last_name"] == referral.beneficiary.last_name and person["postal_code"] == "97400"
    assert person["eligibility"] == ["refugee"] and person["consent_version"]
    assert body["request"]["status"] == "handed_over" and body["request"]["device_kinds"] == ["smartphone"]
    assert [e["to_status"] for e in body["history"]][:2] == ["accepted", "allocated"]
    (kit,) = body["kits"]
    assert kit["device"]["kind"] == "smartphone" and kit["receipt_number"].startswith("R-")
    assert kit["handed_over_at"] and kit["warranty_until"]
    assert body["returns"][0]["outcome"] == "repair"


def test_the_export_is_logged_as_a_read_of_personal_data(network):
    referral = network["referrals"]["laptop"]
    network["api"].get(f"beneficiaries/{referral.pk}/export")
    access = BeneficiaryAccess.objects.get(referral=referral)
    assert (access.action, access.user) == ("export", network["coordinator"])
    # The next export lists that access (who read the person's data, by role).
    body = network["api"].get(f"beneficiaries/{referral.pk}/export").json()
    assert [(a["action"], a["role"]) for a in body["accesses"]][:1] == [("export", "coordinator")]


@pytest.mark.parametrize("role", ["mediator", "social_worker", "warehouse"])
def test_only_coordinators_export_a_persons_data(network, role):
    user = network["mediator"] if role == "mediator" else UserFactory(**{role: True})
    response = ApiClient(user).get(f"beneficiaries/{network['referrals']['laptop'].pk}/export")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert not BeneficiaryAccess.objects.filter(action="export").exists()


def test_an_unknown_referral_answers_404(network):
    response = network["api"].get("beneficiaries/999999/export")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
