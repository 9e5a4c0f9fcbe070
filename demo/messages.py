"""The demo's past messages, delivered: the e-mails and SMS its earlier events queued (referrals accepted, kits
ready, handed over…) go into a folder, as a real worker would have sent them, so that the referral pages, the
audit and `GET /referrals/{id}/messages` show messages sent. What the day's appointments queue afterwards stays
queued for the worker that `make run` starts beside the server (it prints them)."""

from pathlib import Path

from django.conf import settings
from django.core.mail import get_connection

from notifications.backends import sms_backend
from notifications.enums import MessageStatus
from notifications.models import Message
from notifications.services import messages_deliver


def deliver_earlier_messages(folder: Path | None = None) -> int:
    """Deliver every queued message into `folder` (var/demo-outbox by default): e-mails as .eml files in mail/,
    SMS as JSON files in sms/. Returns how many were sent."""
    folder = folder or Path(settings.VAR_DIR) / "demo-outbox"
    (folder / "mail").mkdir(parents=True, exist_ok=True)
    (folder / "sms").mkdir(parents=True, exist_ok=True)
    ids = list(Message.objects.filter(status=MessageStatus.QUEUED).order_by("pk").values_list("pk", flat=True))
    if not ids:
        return 0
    mail = get_connection("notifications.mail.FolderEmailBackend", file_path=str(folder / "mail"))
    sms = sms_backend((folder / "sms").as_uri())
    outcomes = messages_deliver(message_ids=ids, sweep=0, mail=mail, sms=sms)
    return sum(1 for outcome in outcomes.values() if outcome == MessageStatus.SENT)
