"""The real worker: `manage.py db_worker` in its own process delivers what the reservation queued; retries."""

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from distribution.services import allocation_reserve
from notifications.models import Message
from notifications.services import message_deliver
from tests.notifications.conftest import consenting, read_mail

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    host, port = settings.get("HOST") or "127.0.0.1", settings.get("PORT") or 5432
    return f"postgres://{settings['USER']}@{host}:{port}/{settings['NAME']}"


def run_worker(folders, timeout: int = 180) -> None:
    """`manage.py db_worker` in its own process, on this test's database, until the queue is empty; e-mails and
    SMS into the folders `folders["mail"]` and `folders["sms"]`."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "EMAIL_URL": f"file://{folders['mail']}",
        "SMS_URL": f"file://{folders['sms']}",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_delivers_the_queued_email_and_sms_to_the_folders(world, tmp_path):
    consenting(world["referral"])
    allocation_reserve(user=world["mediator"], referral=world["referral"])
    mail, sms = tmp_path / "mail", tmp_path / "sms"
    run_worker({"mail": mail, "sms": sms})
    assert sorted(Message.objects.values_list("channel", "status")) == [("email", "sent"), ("sms", "sent")]
    (email_file,) = mail.iterdir()
    sent = read_mail(email_file)
    assert sent["to"] == world["social_worker"].email
    assert world["sd"].name in sent["plain"] and world["sd"].name in sent["html"]
    assert re.search(rf"n°\s{world['referral'].pk}\b", sent["subject"])  # French first: « Orientation n° 51 »
    (sms_file,) = sms.iterdir()
    assert json.loads(sms_file.read_text())["to"] == "+33698765432"
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db
def test_a_provider_down_is_tried_again_later_with_back_off_then_failed(world, settings, httpserver):
    """OVHcloud's API answering 503 (a local fake server): queued again later, then failed after the attempts."""
    consenting(world["referral"])
    allocation_reserve(user=world["mediator"], referral=world["referral"])
    sms = Message.objects.get(channel="sms")
    httpserver.expect_request("/1.0/auth/time").respond_with_data(str(int(timezone.now().timestamp())))
    httpserver.expect_request("/1.0/sms/sms-ab1-1/jobs", method="POST").respond_with_json(
        {"message": "Service unavailable"}, status=503
    )
    settings.SMS_URL = f"ovh://AK:AS@ovh-eu/sms-ab1-1?consumer_key=CK&api={httpserver.url_for('/1.0')}"
    settings.BAGAGE_MESSAGE_ATTEMPTS = 3
    before = timezone.now()
    assert message_deliver(message_id=sms.pk) == "queued"
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.error) == ("queued", 1, "provider_unavailable")
    first = DBTaskResult.objects.get(args_kwargs__args=[[sms.pk]])
    assert first.run_after >= before + dt.timedelta(seconds=settings.BAGAGE_MESSAGE_RETRY_SECONDS)
    assert message_deliver(message_id=sms.pk) == "queued"
    second = DBTaskResult.objects.filter(args_kwargs__args=[[sms.pk]]).exclude(pk=first.pk).get()
    assert second.run_after - first.run_after > dt.timedelta(seconds=settings.BAGAGE_MESSAGE_RETRY_SECONDS)
    assert message_deliver(message_id=sms.pk) == "failed"
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.error) == ("failed", 3, "provider_unavailable")
    posts = [r for r, _ in httpserver.log if r.path.endswith("/jobs")]
    assert len(posts) == 3
    assert message_deliver(message_id=sms.pk) == "not_queued"
