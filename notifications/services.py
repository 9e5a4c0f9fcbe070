"""Queue messages in the caller's transaction and deliver them once, from the worker.

Domain services call `messages_queue` with plain data (addresses, a referral number, the templates' context):
notifications knows no referral or allocation model.
"""

import datetime as dt
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.backends import DeliveryFailure, PermanentFailure, Sms, TransientFailure, sms_backend
from notifications.enums import Channel, MessageStatus
from notifications.ics import method_of
from notifications.masking import mask
from notifications.models import EmailOptOut, Message
from notifications.rendering import render_email, render_sms

# Why a message was not sent, in words (the pages and the audit show these; the API gives the code too).
REASONS = {
    "opted_out": _("The social worker turned this kind of e-mail off."),
    "invalid_number": _("The SMS provider refused the phone number."),
    "provider_refused": _("The provider refused the message."),
    "provider_credentials": _("The provider refused Bagage's credentials: tell the administrator."),
    "provider_unavailable": _("The provider could not be reached; tried again several times."),
    "recipient_refused": _("The mail server refused the address."),
    "mail_unavailable": _("The mail server could not be reached; tried again several times."),
    "worker_stopped": _("The sending was interrupted; it is not tried again, so that nothing is sent twice."),
    "error": _("An unexpected error stopped the sending."),
}


def reason_words(code: str) -> str:
    return str(REASONS.get(code, REASONS["error"])) if code else ""


@dataclass
class Outgoing:
    """One message to queue: plain data only."""

    channel: str
    kind: str
    to: str
    context: dict
    language: str = "fr"
    referral_id: int | None = None
    user_id: int | None = None  # the recipient's account, for their opt-outs
    dedupe_key: str = ""
    extra: dict = field(default_factory=dict)


def messages_queue(outgoing: Iterable[Outgoing | None]) -> list[Message]:
    """Queue messages in the current transaction: one INSERT for the messages, one for the worker's task.

    Runs inside the caller's atomic block (a handover, a reservation): if it rolls back, nothing is sent.
    A message with a `dedupe_key` already queued once is not queued again (reminders).
    """
    rows = [
        Message(
            channel=item.channel,
            kind=item.kind,
            recipient=item.to,
            recipient_masked=mask(item.channel, item.to),
            language=item.language or "fr",
            referral_id=item.referral_id,
            context={**item.context, **({"user_id": item.user_id} if item.user_id else {})},
            dedupe_key=item.dedupe_key,
        )
        for item in outgoing
        if item is not None and item.to
    ]
    if not rows:
        return []
    if any(row.dedupe_key for row in rows):
        rows = _without_repeats(rows)
        if not rows:
            return []
    # No savepoint inside the caller's transaction (two queries saved); atomic on its own when called outside one.
    with transaction.atomic(savepoint=False):
        created = Message.objects.bulk_create(rows)
        _enqueue([row.pk for row in created])
    return created


def _without_repeats(rows: list[Message]) -> list[Message]:
    keys = [row.dedupe_key for row in rows if row.dedupe_key]
    seen = set(Message.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
    return [row for row in rows if not row.dedupe_key or row.dedupe_key not in seen]


def _enqueue(ids: list[int], run_after: dt.datetime | None = None) -> None:
    from notifications.tasks import deliver_messages

    task = deliver_messages.using(run_after=run_after) if run_after else deliver_messages
    task.enqueue(ids)


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 2 min, 8 min, 32 min…: a provider that is down gets time to come back."""
    return dt.timedelta(seconds=settings.BAGAGE_MESSAGE_RETRY_SECONDS * 4 ** (attempts - 1))


class _Delivery:
    """What one batch of messages shares: the mail connection, the SMS backend and the opt-outs, each made once."""

    def __init__(self, messages: list[Message], mail=None, sms=None):
        self.mail = mail
        self.sms = sms
        wanted = {(m.context.get("user_id"), m.kind) for m in messages if m.channel == Channel.EMAIL}
        wanted = {pair for pair in wanted if pair[0]}
        self.opted_out: set[tuple[int, str]] = set()
        if wanted:
            self.opted_out = set(
                EmailOptOut.objects.filter(
                    user_id__in={user for user, _kind in wanted}, kind__in={kind for _user, kind in wanted}
                ).values_list("user_id", "kind")
            )

    def send(self, message: Message) -> None:
        if message.channel == Channel.EMAIL:
            self._email(message)
        else:
            self._sms(message)

    def _email(self, message: Message) -> None:
        if (message.context.get("user_id"), message.kind) in self.opted_out:
            raise _OptedOut()
        content = render_email(message.kind, message.context, message.language)
        email = EmailMultiAlternatives(
            subject=content.subject,
            body=content.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            headers={"Auto-Submitted": "auto-generated"},
        )
        email.attach_alternative(content.html, "text/html")
        for name, data, mimetype in content.attachments:
            if mimetype == "text/calendar":
                email.attach(calendar_part(name, data))
            else:
                email.attach(name, data, mimetype)
        try:
            if self.mail is None:
                self.mail = get_connection()
                self.mail.open()
            self.mail.send_messages([email])
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
            raise PermanentFailure("recipient_refused", str(exc)) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.close()  # a broken connection is opened afresh for the next message
            raise TransientFailure("mail_unavailable", str(exc)) from exc

    def _sms(self, message: Message) -> None:
        text = render_sms(message.kind, message.context, message.language)
        if self.sms is None:
            self.sms = sms_backend()
        self.sms.send(Sms(to=message.recipient, text=text, kind=message.kind, reference=str(message.pk)))

    def close(self) -> None:
        if self.mail is not None:
            try:
                self.mail.close()
            except (smtplib.SMTPException, OSError):
                pass
            self.mail = None


class _OptedOut(Exception):
    pass


# How many due messages a worker takes at once besides its own, and how many sent ones it marks in one UPDATE.
SWEEP = 200
MARK_EVERY = 25


def _claim(message_ids: list[int], sweep: int) -> list[Message]:
    """Move from queued to sending, in one statement, the task's own messages and up to `sweep` other messages due
    now; return those this worker claimed. A message is claimed by one worker only: the UPDATE re-checks `queued`
    row by row, and on PostgreSQL the sweep skips the rows another worker is claiming (SKIP LOCKED)."""
    table = connection.ops.quote_name(Message._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    own = ", ".join(["%s"] * len(message_ids)) or "NULL"
    skip_locked = " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    sql = (
        f"UPDATE {table} SET status = %s, attempts = attempts + 1 "
        f"WHERE status = %s AND (id IN ({own}) OR id IN ("
        f"SELECT id FROM {table} WHERE status = %s AND (next_attempt_at IS NULL OR next_attempt_at <= %s) "
        f"ORDER BY id LIMIT %s{skip_locked})) RETURNING *"
    )
    params = [MessageStatus.SENDING, MessageStatus.QUEUED, *message_ids, MessageStatus.QUEUED, now, sweep]
    return sorted(Message.objects.raw(sql, params), key=lambda message: message.pk)


def messages_deliver(*, message_ids: list[int], sweep: int = SWEEP, mail=None, sms=None) -> dict[int, str]:
    """Send the queued messages among `message_ids`, and up to `sweep` others due now, each at most once.

    Each is claimed first (queued → sending, which only one worker can do), then sent; the sent ones are marked in
    groups of MARK_EVERY. A worker that dies after sending and before marking leaves its messages `sending`: never
    sent again, told as failed by `messages_reap`. A transient failure queues the message again with back-off.
    Returns each claimed message's new status; the task's own ids not claimed are `not_queued`.
    `mail` (a mail connection) and `sms` (an SMS backend) replace those the settings name (the demo delivers its
    past messages into a folder).
    """
    outcomes: dict[int, str] = dict.fromkeys(message_ids, "not_queued")
    claimed = _claim(message_ids, sweep)
    if not claimed:
        return outcomes
    delivery = _Delivery(claimed, mail=mail, sms=sms)
    sent: list[int] = []
    try:
        for message in claimed:
            outcomes[message.pk] = _deliver_one(delivery, message, sent)
            if len(sent) >= MARK_EVERY:
                _mark_sent(sent)
    finally:
        delivery.close()
        _mark_sent(sent)
    return outcomes


def _deliver_one(delivery: _Delivery, message: Message, sent: list[int]) -> str:
    now = timezone.now()
    try:
        delivery.send(message)
    except _OptedOut:
        return _close(message, MessageStatus.SKIPPED, "opted_out")
    except PermanentFailure as exc:
        return _close(message, MessageStatus.FAILED, exc.reason)
    except Exception as exc:  # transient, or a bug: try again later, a few times
        reason = exc.reason if isinstance(exc, DeliveryFailure) else "error"
        if message.attempts >= settings.BAGAGE_MESSAGE_ATTEMPTS:
            return _close(message, MessageStatus.FAILED, reason)
        with transaction.atomic():
            Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
                status=MessageStatus.QUEUED, error=reason, next_attempt_at=now + backoff(message.attempts)
            )
            _enqueue([message.pk], run_after=now + backoff(message.attempts))
        return MessageStatus.QUEUED
    sent.append(message.pk)
    return MessageStatus.SENT


def _mark_sent(sent: list[int]) -> None:
    if sent:
        Message.objects.filter(pk__in=sent, status=MessageStatus.SENDING).update(
            status=MessageStatus.SENT, sent_at=timezone.now(), error=""
        )
        sent.clear()


def message_deliver(*, message_id: int) -> str:
    """Send one queued message, at most once (no other with it). Returns its new status, or `not_queued`."""
    return messages_deliver(message_ids=[message_id], sweep=0)[message_id]


def _close(message: Message, status: str, reason: str) -> str:
    Message.objects.filter(pk=message.pk).update(status=status, error=reason, failed_at=timezone.now())
    return status


def messages_reap(*, older_than: dt.timedelta = dt.timedelta(hours=1)) -> int:
    """Messages left `sending` by a worker that died mid-send are told as failed, never sent again."""
    return Message.objects.filter(
        status=MessageStatus.SENDING, created_at__lt=timezone.now() - older_than, sent_at__isnull=True
    ).update(status=MessageStatus.FAILED, error="worker_stopped", failed_at=timezone.now())


def calendar_part(name: str, ics: bytes) -> MIMEText:
    """A calendar file as its e-mail part: `text/calendar` with the iTIP method of the file (RFC 6047), which mail
    clients read to offer "add to calendar" or to remove the cancelled event."""
    part = MIMEText(ics.decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", method_of(ics))
    part.add_header("Content-Disposition", "attachment", filename=name)
    return part


def email_opt_outs(user_id: int) -> set[str]:
    return set(EmailOptOut.objects.filter(user_id=user_id).values_list("kind", flat=True))


@transaction.atomic
def email_opt_outs_set(*, user_id: int, kinds: Iterable[str]) -> set[str]:
    """Replace the kinds of e-mail a user turned off."""
    from notifications.enums import EMAIL_KINDS

    wanted = {kind for kind in kinds if kind in EMAIL_KINDS}
    EmailOptOut.objects.filter(user_id=user_id).exclude(kind__in=wanted).delete()
    for kind in wanted:
        try:
            with transaction.atomic():
                EmailOptOut.objects.get_or_create(user_id=user_id, kind=kind)
        except IntegrityError:
            pass
    return wanted


def referral_messages(referral_id: int) -> list[Message]:
    """What was sent (or queued, or failed) about a referral, oldest first."""
    return list(Message.objects.filter(referral_id=referral_id).order_by("created_at", "id"))


def messages_forget(*, referral_id: int) -> int:
    """Retention: a referral's messages keep their kind, status and dates; the address and the data go."""
    return (
        Message.objects.filter(referral_id=referral_id)
        .exclude(context={})
        .update(recipient=F("recipient_masked"), context={})
    )
