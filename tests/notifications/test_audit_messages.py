"""The audit trail records messages (queued, sent, failed or not sent) and a person's SMS "stop", without the
address or the text: the channel, the kind and the reason only."""

import pytest
from django.test import Client

from audit.selectors import audit_entries, entry_out
from distribution.services import allocation_reserve
from notifications.models import EmailOptOut, Message
from notifications.services import message_deliver
from referrals.services import beneficiary_sms_stop
from tests.factories import PASSWORD, UserFactory
from tests.notifications.conftest import consenting

pytestmark = pytest.mark.django_db


def trail(referral_id: int) -> list[tuple[str, str]]:
    rows = [entry_out(row) for row in audit_entries(object_type="referral", object_id=referral_id)]
    return sorted((row["action"], row["note"]) for row in rows if row["action"].startswith(("message", "sms")))


def test_the_audit_records_messages_queued_sent_not_sent_and_the_persons_stop(world, folders):
    referral = consenting(world["referral"])
    EmailOptOut.objects.create(user=world["social_worker"], kind="kit_ready")
    allocation_reserve(user=world["mediator"], referral=referral)
    email, sms = Message.objects.get(channel="email"), Message.objects.get(channel="sms")
    assert message_deliver(message_id=sms.pk) == "sent"
    assert message_deliver(message_id=email.pk) == "skipped"
    beneficiary_sms_stop(user=world["mediator"], referral=referral.pk)
    assert trail(referral.pk) == [
        ("message_queued", "email kit_ready"),
        ("message_queued", "sms kit_ready"),
        ("message_sent", "sms kit_ready"),
        ("message_skipped", "email kit_ready: opted_out"),
        ("sms_stopped", ""),
    ]
    rows = [entry_out(row) for row in audit_entries(object_type="referral", object_id=referral.pk)]
    stop = next(row for row in rows if row["action"] == "sms_stopped")
    assert stop["by_id"] == world["mediator"].pk  # who recorded it; the worker's rows have nobody
    everything = repr(list(audit_entries()))
    assert "+33698765432" not in everything and world["social_worker"].email not in everything


def test_a_failure_is_in_the_audit_with_its_reason_and_the_page_says_it_in_french(world, folders, settings):
    referral = consenting(world["referral"])
    allocation_reserve(user=world["mediator"], referral=referral)
    Message.objects.filter(channel="sms").update(
        status="failed", error="invalid_number", failed_at=Message.objects.get(channel="sms").created_at
    )
    assert ("message_failed", "sms kit_ready: invalid_number") in trail(referral.pk)
    client = Client()
    coordinator = UserFactory(coordinator=True, site=world["sd"])
    assert client.login(username=coordinator.username, password=PASSWORD)
    html = client.get("/audit/", {"object_type": "referral", "object_id": str(referral.pk)}).content.decode()
    assert "Échec d’un message" in html
    assert "Le prestataire SMS a refusé le numéro de téléphone." in html


def test_the_audit_filtered_by_a_person_leaves_the_workers_rows_out(world, folders):
    allocation_reserve(user=world["mediator"], referral=consenting(world["referral"]))
    rows = [entry_out(row) for row in audit_entries(user_id=world["mediator"].pk)]
    assert rows and not [row for row in rows if row["action"].startswith("message")]
