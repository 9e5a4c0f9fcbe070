"""Issue 23's "Done when", through the pages: a kit reserved with an appointment queues an e-mail to the social
worker and an SMS to a consenting person (none without consent), a real worker process delivers both to the folder
backends, the reminders go out once when expire_holds runs on the right day, and the referral's messages say sent.

Runs on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from distribution.models import Allocation
from notifications.models import Message
from tests.conftest import ApiClient
from tests.distribution.conftest import ready_phone
from tests.factories import PASSWORD, ReferralFactory, valid_imei
from tests.notifications.conftest import consenting, read_mail
from tests.notifications.test_worker import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def reserve_through_the_page(client, referral, when: dt.datetime) -> Allocation:
    url = reverse("web:kit_reserve", args=[referral.pk])
    page = client.get(url).content.decode()
    assert f'<option value="{when.isoformat()}">' in page, "the slot is offered"
    choice = page.split('name="choice" id="choice-1" value="')[1].split('"')[0]
    answer = client.post(url, {"choice": choice, "pickup_at": when.isoformat()})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    return Allocation.objects.get(referral=referral, status="held")


def test_a_kit_reserved_with_an_appointment_tells_both_delivers_and_reminds_once(world, tmp_path, monkeypatch):
    site = world["sd"]
    site.opening_hours = "Mo-Su 09:00-12:30,13:30-17:00"
    site.address = "3 rue du Landy"
    site.save()
    folders = {"mail": tmp_path / "mail", "sms": tmp_path / "sms"}
    consenting(world["referral"])
    silent = ReferralFactory(
        social_worker=world["social_worker"], site=site, status="accepted", connectivity="none"
    )  # no SMS consent
    ready_phone(site, world["warehouse"], imei=valid_imei(9191))
    day = timezone.localdate() + dt.timedelta(days=3)
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    other = timezone.make_aware(dt.datetime.combine(day, dt.time(14)))

    client = Client()
    assert client.login(username=world["mediator"].username, password=PASSWORD)
    kit = reserve_through_the_page(client, world["referral"], when)
    reserve_through_the_page(client, silent, other)
    assert kit.pickup_at == when

    queued = sorted(Message.objects.values_list("referral_id", "channel", "kind", "status"))
    assert queued == sorted(
        [
            (world["referral"].pk, "email", "kit_ready", "queued"),
            (world["referral"].pk, "sms", "kit_ready", "queued"),
            (silent.pk, "email", "kit_ready", "queued"),
        ]
    )

    run_worker(folders)
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    mails = [read_mail(path) for path in sorted(folders["mail"].iterdir())]
    assert len(mails) == 2 and all(m["to"] == world["social_worker"].email for m in mails)
    ours = next(m for m in mails if str(world["referral"].pk) in m["subject"])
    assert "10:00" in ours["plain"] and "rendez-vous.ics" in ours["attachments"]
    ics = ours["attachments"]["rendez-vous.ics"].decode()
    assert f"DTSTART:{when.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}" in ics
    (sms_file,) = folders["sms"].iterdir()
    sms = json.loads(sms_file.read_text())
    assert sms["to"] == "+33698765432" and "10:00" in sms["text"] and day.strftime("%d/%m") in sms["text"]

    # The scheduler: nothing the day before that day, the reminder the day before the appointment, once.
    for today in (day - dt.timedelta(days=2), day - dt.timedelta(days=1), day - dt.timedelta(days=1)):
        monkeypatch.setattr(timezone, "localdate", lambda *a, today=today: today)
        call_command("expire_holds", stdout=io.StringIO())
        if today == day - dt.timedelta(days=2):
            assert not Message.objects.filter(kind="pickup_reminder").exists()
    monkeypatch.undo()
    reminders = Message.objects.filter(kind="pickup_reminder")
    assert list(reminders.values_list("referral_id", "channel")) == [(world["referral"].pk, "sms")]

    run_worker(folders)
    texts = sorted(json.loads(p.read_text())["kind"] for p in folders["sms"].iterdir())
    assert texts == ["kit_ready", "pickup_reminder"]

    answer = ApiClient(world["social_worker"]).get(f"referrals/{world['referral'].pk}/messages")
    assert answer.status_code == 200
    rows = sorted((row["channel"], row["kind"], row["status"]) for row in answer.json())
    assert rows == [("email", "kit_ready", "sent"), ("sms", "kit_ready", "sent"), ("sms", "pickup_reminder", "sent")]
    silent_rows = ApiClient(world["social_worker"]).get(f"referrals/{silent.pk}/messages").json()
    assert [(row["channel"], row["status"]) for row in silent_rows] == [("email", "sent")]
