"""The worker's task (django-tasks, database backend): deliver queued messages.

Enqueued in the transaction of the event that queued the messages: the task row and the message rows commit or
roll back together, so a rolled-back handover sends nothing.
"""

from django_tasks import task


@task()
def deliver_messages(message_ids: list[int]) -> dict[str, int]:
    """Send each message still queued; a transient failure is tried again later by a task of its own."""
    from notifications.services import message_deliver

    counts: dict[str, int] = {}
    for message_id in message_ids:
        outcome = message_deliver(message_id=message_id)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
