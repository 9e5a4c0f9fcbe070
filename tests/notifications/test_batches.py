"""The worker's batches: one task sends its messages and the others due now, each once; the tasks it covered are
finished rather than run for nothing; a message waiting for its retry is not taken early."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from notifications.models import Message
from notifications.services import Outgoing, messages_deliver, messages_queue
from notifications.tasks import deliver_messages

pytestmark = pytest.mark.django_db


def queue_pairs(n: int) -> list[list[int]]:
    """n events, each queueing an e-mail and an SMS with its own task (as a reservation does)."""
    site = {"name": "Saint-Denis", "address": "12 rue de la République", "opening_hours": ""}
    events = []
    for i in range(n):
        context = {
            "referral_id": i + 1,
            "person": "Amina T.",
            "first_name": "Amina",
            "site": site,
            "hold_until": "2026-12-17",
            "link": "https://bagage.example.org/r/1/",
            "kit": "A-1",
            "pickup_at": "",
        }
        with transaction.atomic():
            rows = messages_queue(
                [
                    Outgoing("email", "kit_ready", f"sw{i}@example.org", context, referral_id=i + 1),
                    Outgoing("sms", "kit_ready", f"+336000000{i:02d}", context, referral_id=i + 1),
                ]
            )
        events.append([row.pk for row in rows])
    return events


def run(task_ids_args: list[int]) -> dict:
    return deliver_messages.call(task_ids_args)


def test_one_task_sends_every_due_message_once_and_finishes_the_tasks_it_covered(folders):
    events = queue_pairs(5)
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 5
    counts = run(events[0])
    assert counts == {"sent": 10, "tasks_covered": 5}  # its own task is READY too while called directly
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    assert len(list(folders["mail"].iterdir())) == 5 and len(list(folders["sms"].iterdir())) == 5
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    # Run again, a covered task's messages are not sent twice.
    assert run(events[3]) == {"not_queued": 2}
    assert len(list(folders["mail"].iterdir())) == 5


def test_a_task_whose_messages_another_batch_took_is_not_finished_when_one_of_them_was_not_taken(folders):
    events = queue_pairs(2)
    messages_deliver(message_ids=[events[1][0]], sweep=0)  # sent alone, before the batch
    run(events[0])
    second = DBTaskResult.objects.filter(args_kwargs__args=[events[1]]).get()
    assert second.status == TaskResultStatus.READY  # its first message was not in the batch: it runs for itself


def test_a_message_waiting_for_its_retry_is_not_taken_by_a_batch_before_its_time(folders):
    events = queue_pairs(2)
    later = timezone.now() + dt.timedelta(minutes=5)
    Message.objects.filter(pk__in=events[1]).update(next_attempt_at=later)
    counts = run(events[0])
    assert counts == {"sent": 2}
    assert set(Message.objects.filter(pk__in=events[1]).values_list("status", flat=True)) == {"queued"}
