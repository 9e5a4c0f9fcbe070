"""The worker's task (django-tasks, database backend): deliver queued messages.

Enqueued in the transaction of the event that queued the messages: the task row and the message rows commit or
roll back together, so a rolled-back handover sends nothing.
"""

from django.utils import timezone
from django_tasks import TaskResultStatus, task


@task()
def deliver_messages(message_ids: list[int]) -> dict[str, int]:
    """Send each message still queued, and the other messages due now with them (in batches: one claim, one
    rendering and one write each, one UPDATE per group sent); a transient failure is tried again later by a task
    of its own. The waiting tasks whose messages this batch took are finished here, not run for nothing."""
    from notifications.services import messages_deliver

    outcomes = messages_deliver(message_ids=message_ids)
    counts: dict[str, int] = {}
    for outcome in outcomes.values():
        counts[outcome] = counts.get(outcome, 0) + 1
    claimed = {message_id for message_id, outcome in outcomes.items() if outcome != "not_queued"}
    if len(claimed) > len(message_ids):
        counts["tasks_covered"] = tasks_covered(claimed)
    return counts


def tasks_covered(claimed: set[int], limit: int = 500) -> int:
    """Finish the waiting delivery tasks whose every message `claimed` holds (this worker took them in its
    batch): run, each would find nothing queued. A task another worker is taking is not READY any more and is
    left alone (the UPDATE re-checks READY row by row)."""
    from django_tasks_db.models import DBTaskResult

    waiting = (
        DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=deliver_messages.module_path)
        .order_by("enqueued_at")
        .values_list("pk", "args_kwargs")[:limit]
    )
    covered = [pk for pk, arguments in waiting if _ids(arguments) and _ids(arguments) <= claimed]
    if not covered:
        return 0
    now = timezone.now()
    return DBTaskResult.objects.filter(pk__in=covered, status=TaskResultStatus.READY).update(
        status=TaskResultStatus.SUCCESSFUL,
        started_at=now,
        finished_at=now,
        return_value={"sent_in_another_batch": True},
        exception_class_path="",
        traceback="",
    )


def _ids(arguments: dict) -> set[int]:
    args = arguments.get("args") or [arguments.get("kwargs", {}).get("message_ids", [])]
    try:
        return {int(message_id) for message_id in args[0]}
    except (TypeError, ValueError, IndexError):
        return set()
