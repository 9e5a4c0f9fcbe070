from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")


class MessageKind(models.TextChoices):
    REFERRAL_ACCEPTED = "referral_accepted", _("referral accepted")
    NEEDS_INFO = "needs_info", _("more information needed")
    REFERRAL_REJECTED = "referral_rejected", _("referral rejected")
    KIT_READY = "kit_ready", _("kit ready")
    KIT_RELEASED = "kit_released", _("kit no longer held")
    HOLD_REMINDER = "hold_reminder", _("reminder before the hold ends")
    PICKUP_REMINDER = "pickup_reminder", _("reminder of the appointment")
    HANDED_OVER = "handed_over", _("kit handed over")
    NO_SHOW = "no_show", _("kit never collected")


# The kinds a social worker receives by e-mail, each of which they may turn off for themselves.
EMAIL_KINDS = (
    MessageKind.REFERRAL_ACCEPTED,
    MessageKind.NEEDS_INFO,
    MessageKind.REFERRAL_REJECTED,
    MessageKind.KIT_READY,
    MessageKind.KIT_RELEASED,
    MessageKind.HANDED_OVER,
    MessageKind.NO_SHOW,
)
# The kinds the person receives by SMS, with their consent only.
SMS_KINDS = (MessageKind.KIT_READY, MessageKind.HOLD_REMINDER, MessageKind.PICKUP_REMINDER)


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    # Claimed by one worker, being sent: the API shows it as queued. A row left here by a worker that died
    # mid-send is never sent again (at most once) and is told as failed by `messages_reap`.
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    SKIPPED = "skipped", _("not sent")
