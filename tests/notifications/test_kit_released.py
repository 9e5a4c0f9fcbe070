"""A held kit that goes back to stock tells the social worker, who had been told it was ready."""

import datetime as dt

import pytest
from django.utils import timezone

from distribution.models import Allocation
from distribution.services import allocation_release, allocation_reserve, holds_expire
from notifications.models import Message
from notifications.rendering import render_email
from notifications.services import email_opt_outs_set, message_deliver
from tests.notifications.conftest import consenting

pytestmark = pytest.mark.django_db


def reserved_then_missed(world) -> Allocation:
    allocation = allocation_reserve(user=world["mediator"], referral=consenting(world["referral"]))
    Allocation.objects.filter(pk=allocation.pk).update(hold_until=timezone.localdate() - dt.timedelta(days=1))
    return allocation


def test_a_first_missed_kit_tells_the_social_worker_by_e_mail_and_the_person_nothing(world):
    allocation = reserved_then_missed(world)
    assert holds_expire()["back_to_accepted"] == 1
    released = Message.objects.get(kind="kit_released")
    assert released.channel == "email" and released.context["user_id"] == world["social_worker"].pk
    email = render_email("kit_released", released.context, "fr")
    day = (timezone.localdate() - dt.timedelta(days=1)).day
    # The hold's date is its last day: the kit could still be collected on it (not "avant le").
    assert f"n’est pas venu·e chercher le kit {allocation.number}, réservé jusqu’au {day} " in email.text
    assert "L’orientation attend un nouveau kit" in email.text and not email.attachments
    english = render_email("kit_released", released.context, "en")
    assert "did not collect the kit" in english.text and "went back to stock" in english.text


def test_a_no_show_sends_its_own_e_mail_not_a_release_too(world, settings):
    settings.BAGAGE_NO_SHOW_AFTER_MISSES = 1
    reserved_then_missed(world)
    assert holds_expire()["no_show"] == 1
    assert list(Message.objects.filter(channel="email").values_list("kind", flat=True)) == ["kit_ready", "no_show"]


def test_a_social_worker_may_turn_the_release_e_mail_off(world):
    email_opt_outs_set(user_id=world["social_worker"].pk, kinds=["kit_released"])
    allocation = allocation_reserve(user=world["mediator"], referral=world["referral"])
    allocation_release(user=world["mediator"], allocation=allocation)
    released = Message.objects.get(kind="kit_released")
    assert message_deliver(message_id=released.pk) == "skipped"
    released.refresh_from_db()
    assert (released.status, released.error) == ("skipped", "opted_out")
