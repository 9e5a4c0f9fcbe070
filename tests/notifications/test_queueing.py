"""Messages are queued in the transaction of their event, and only where they may go."""

import json

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from distribution.services import allocation_reserve
from notifications.models import Message
from notifications.services import message_deliver
from referrals.services import referral_decide
from tests.factories import ReferralFactory
from tests.notifications.conftest import consenting, read_mail

pytestmark = pytest.mark.django_db


def test_reserving_a_kit_queues_an_email_and_an_sms_to_a_consenting_person(world):
    consenting(world["referral"])
    allocation_reserve(user=world["mediator"], referral=world["referral"])
    rows = {m.channel: m for m in Message.objects.all()}
    assert set(rows) == {"email", "sms"}
    assert rows["email"].recipient == world["social_worker"].email
    assert rows["sms"].recipient == "+33698765432"
    assert rows["sms"].recipient_masked == "+33 6••••••32"
    assert all(m.kind == "kit_ready" and m.status == "queued" for m in rows.values())
    assert DBTaskResult.objects.filter(status="READY").count() == 1


def test_no_sms_without_consent(world):
    consenting(world["referral"])
    person = world["referral"].beneficiary
    person.sms_consent = False  # a number on file, but no consent
    person.save()
    allocation_reserve(user=world["mediator"], referral=world["referral"])
    assert list(Message.objects.values_list("channel", flat=True)) == ["email"]


def test_a_rolled_back_reservation_queues_nothing(world):
    consenting(world["referral"])
    with pytest.raises(RuntimeError), transaction.atomic():
        allocation_reserve(user=world["mediator"], referral=world["referral"])
        raise RuntimeError("the request failed after the reservation")
    assert Message.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def test_a_decision_emails_the_social_worker_with_the_reason(folders, mediator_user):
    referral = ReferralFactory(site=mediator_user.site, status="submitted", social_worker__email="sw@example.org")
    referral.organisation.authorisation = "validated"
    referral.organisation.save()
    referral_decide(user=mediator_user, referral=referral, decision="needs_info", reason="Quel justificatif ?")
    message = Message.objects.get()
    assert (message.kind, message.referral_id) == ("needs_info", referral.pk)
    assert message_deliver(message_id=message.pk) == "sent"
    (mail,) = folders["mail"].iterdir()
    text = read_mail(mail)["plain"]
    assert "Quel justificatif ?" in text
    person = referral.beneficiary
    assert f"{person.first_name} {person.last_name[0].upper()}." in text
    assert person.last_name not in text  # first name and initial only: e-mail leaves Bagage
    assert f"/referrals/{referral.pk}/" in text


def test_each_message_is_sent_at_most_once(world, folders):
    consenting(world["referral"])
    allocation_reserve(user=world["mediator"], referral=world["referral"])
    sms = Message.objects.get(channel="sms")
    assert message_deliver(message_id=sms.pk) == "sent"
    assert message_deliver(message_id=sms.pk) == "not_queued"
    (file,) = folders["sms"].iterdir()
    payload = json.loads(file.read_text())
    assert payload["to"] == "+33698765432" and payload["kind"] == "kit_ready"
    assert payload["text"].startswith(f"Bonjour {world['referral'].beneficiary.first_name},")
    assert world["referral"].beneficiary.last_name not in payload["text"]


def test_an_opted_out_social_worker_gets_no_email_and_the_row_says_so(world, folders):
    from notifications.services import email_opt_outs_set

    email_opt_outs_set(user_id=world["social_worker"].pk, kinds=["kit_ready"])
    allocation_reserve(user=world["mediator"], referral=world["referral"])
    email = Message.objects.get(channel="email")
    assert message_deliver(message_id=email.pk) == "skipped"
    email.refresh_from_db()
    assert (email.status, email.error) == ("skipped", "opted_out")
    assert not folders["mail"].exists() or not list(folders["mail"].iterdir())
