"""GET /referrals/{id}/messages for whoever may read the referral; consent through the API; a mediator's stop."""

import pytest

from distribution.services import allocation_reserve
from notifications.models import Message
from notifications.services import message_deliver
from tests.conftest import ApiClient
from tests.factories import OrganisationFactory, UserFactory
from tests.notifications.conftest import consenting

pytestmark = pytest.mark.django_db


def test_the_referrals_messages_show_masked_recipients_and_status(world, folders):
    consenting(world["referral"])
    allocation_reserve(user=world["mediator"], referral=world["referral"])
    message_deliver(message_id=Message.objects.get(channel="sms").pk)
    answer = ApiClient(world["social_worker"]).get(f"referrals/{world['referral'].pk}/messages")
    assert answer.status_code == 200
    rows = {row["channel"]: row for row in answer.json()}
    assert rows["sms"]["status"] == "sent" and rows["sms"]["kind"] == "kit_ready"
    assert rows["sms"]["to"] == "+33 6••••••32"
    assert rows["email"]["status"] == "queued" and rows["email"]["to"] == "s•••d@ccas-sd.example.org"
    assert "698765432" not in answer.content.decode()


def test_another_organisation_gets_404(world):
    other = UserFactory(social_worker=True, organisation=OrganisationFactory(name="Autre"))
    answer = ApiClient(other).get(f"referrals/{world['referral'].pk}/messages")
    assert answer.status_code == 404


def test_a_failure_is_told_in_words(world, settings, httpserver):
    consenting(world["referral"])
    allocation_reserve(user=world["mediator"], referral=world["referral"])
    httpserver.expect_request("/1.0/auth/time").respond_with_data("1700000000")
    httpserver.expect_request("/1.0/sms/s/jobs", method="POST").respond_with_json(
        {"ids": [], "invalidReceivers": ["+33698765432"], "validReceivers": []}
    )
    settings.SMS_URL = f"ovh://A:B@ovh-eu/s?consumer_key=C&api={httpserver.url_for('/1.0')}"
    message_deliver(message_id=Message.objects.get(channel="sms").pk)
    rows = world["api"].get(f"referrals/{world['referral'].pk}/messages").json()
    (sms,) = [row for row in rows if row["channel"] == "sms"]
    assert (sms["status"], sms["reason"]) == ("failed", "invalid_number")
    assert sms["reason_text"] == "The SMS provider refused the phone number."


def test_a_mediator_records_stop_and_no_more_sms_is_queued(world):
    consenting(world["referral"])
    answer = world["api"].post(f"referrals/{world['referral'].pk}/sms-stop")
    assert answer.status_code == 200, answer.content
    assert answer.json()["beneficiary"]["sms_consent"] is False
    allocation_reserve(user=world["mediator"], referral=world["referral"])
    assert list(Message.objects.values_list("channel", flat=True)) == ["email"]


def test_a_social_worker_cannot_record_stop(world):
    consenting(world["referral"])
    answer = ApiClient(world["social_worker"]).post(f"referrals/{world['referral'].pk}/sms-stop")
    assert answer.status_code == 403
    world["referral"].beneficiary.refresh_from_db()
    assert world["referral"].beneficiary.sms_consent is True


def test_consent_without_any_phone_is_refused(world):
    world["referral"].status = "submitted"
    world["referral"].save()
    answer = ApiClient(world["social_worker"]).patch(
        f"referrals/{world['referral'].pk}",
        json={"beneficiary": {"sms_consent": True, "phone": "", "email": "a@b.fr"}},
    )
    assert answer.status_code == 422
    assert "beneficiary.sms_phone" in [e["field"] for e in answer.json().get("errors", [answer.json()])]


def test_consent_through_the_api_defaults_to_the_persons_phone(world):
    world["referral"].status = "submitted"
    world["referral"].save()
    answer = ApiClient(world["social_worker"]).patch(
        f"referrals/{world['referral'].pk}", json={"beneficiary": {"sms_consent": True}}
    )
    assert answer.status_code == 200, answer.content
    person = answer.json()["beneficiary"]
    assert person["sms_consent"] is True and person["sms_phone"] == person["phone"] != ""
