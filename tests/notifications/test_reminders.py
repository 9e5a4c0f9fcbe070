"""The scheduler (expire_holds) queues the reminder two days before a hold ends, once, for consenting people."""

import datetime as dt

import pytest
from django.core.management import call_command

from distribution.services import allocation_reserve
from notifications.models import Message
from tests.notifications.conftest import consenting

pytestmark = pytest.mark.django_db


def test_the_hold_reminder_goes_once_on_the_right_day(world):
    consenting(world["referral"], language="en")
    allocation = allocation_reserve(user=world["mediator"], referral=world["referral"])
    Message.objects.all().delete()
    due = allocation.hold_until - dt.timedelta(days=2)
    from distribution.messaging import reminders_queue

    assert reminders_queue(today=due - dt.timedelta(days=1)) == 0
    assert reminders_queue(today=due) == 1
    assert reminders_queue(today=due) == 0  # the scheduler ran again: nothing twice
    reminder = Message.objects.get()
    assert (reminder.channel, reminder.kind, reminder.language) == ("sms", "hold_reminder", "en")


def test_no_reminder_without_consent(world):
    allocation = allocation_reserve(user=world["mediator"], referral=world["referral"])
    from distribution.messaging import reminders_queue

    assert reminders_queue(today=allocation.hold_until - dt.timedelta(days=2)) == 0


def test_expire_holds_queues_the_days_reminders(world, capsys, monkeypatch):
    from django.utils import timezone

    consenting(world["referral"])
    allocation = allocation_reserve(user=world["mediator"], referral=world["referral"])
    monkeypatch.setattr(timezone, "localdate", lambda *a: allocation.hold_until - dt.timedelta(days=2))
    call_command("expire_holds")
    call_command("expire_holds")
    assert Message.objects.filter(kind="hold_reminder").count() == 1
