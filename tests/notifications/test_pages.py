"""The referral page shows the messages (failures in words) and lets a mediator record a stop; the form records
SMS consent."""

import pytest
from django.test import Client

from distribution.services import allocation_reserve
from notifications.models import Message
from tests.factories import PASSWORD
from tests.notifications.conftest import consenting

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_referral_page_lists_the_messages_with_the_reason_in_words(world):
    consenting(world["referral"])
    allocation_reserve(user=world["mediator"], referral=world["referral"])
    Message.objects.filter(channel="sms").update(status="failed", error="invalid_number")
    page = signed_in(world["mediator"]).get(f"/referrals/{world['referral'].pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "+33 6••••••32" in html
    assert "Le prestataire SMS a refusé le numéro de téléphone." in html


def test_a_mediator_records_stop_from_the_page(world):
    consenting(world["referral"])
    client = signed_in(world["mediator"])
    answer = client.post(f"/referrals/{world['referral'].pk}/", {"action": "sms_stop"})
    assert answer.status_code == 302
    world["referral"].beneficiary.refresh_from_db()
    assert world["referral"].beneficiary.sms_consent is False
    assert world["referral"].beneficiary.sms_stopped_at is not None


def test_the_social_worker_cannot_record_stop_from_the_page(world):
    consenting(world["referral"])
    answer = signed_in(world["social_worker"]).post(f"/referrals/{world['referral'].pk}/", {"action": "sms_stop"})
    assert answer.status_code == 403
    world["referral"].beneficiary.refresh_from_db()
    assert world["referral"].beneficiary.sms_consent is True


def test_the_referral_form_explains_the_sms(world):
    page = signed_in(world["social_worker"]).get("/referrals/new/")
    html = page.content.decode()
    assert 'name="sms_consent"' in html and 'name="sms_phone"' in html


def test_a_social_worker_turns_kit_ready_emails_off_for_themselves(world, folders):
    from notifications.services import message_deliver

    client = signed_in(world["social_worker"])
    page = client.get("/messages/settings/")
    assert page.status_code == 200 and 'value="kit_ready"' in page.content.decode()
    wanted = ["referral_accepted", "needs_info", "referral_rejected", "handed_over", "no_show"]
    assert client.post("/messages/settings/", {"wanted": wanted}).status_code == 302
    allocation_reserve(user=world["mediator"], referral=world["referral"])
    email = Message.objects.get(channel="email")
    assert message_deliver(message_id=email.pk) == "skipped"
    assert 'value="kit_ready"' in client.get("/messages/settings/").content.decode()
