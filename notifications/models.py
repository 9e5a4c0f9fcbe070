from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.enums import Channel, MessageKind, MessageStatus


class Message(models.Model):
    """One e-mail or SMS, queued in the transaction of the event that causes it and sent by a worker, once.

    Notifications sit below every domain: the referral is a plain number and the content is rendered from the
    plain data the domain service handed over (`context`), as labels/ does.
    """

    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    status = models.CharField(_("status"), max_length=8, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    # The address needed to send, and the masked one every list shows.
    recipient = models.CharField(_("recipient"), max_length=254)
    recipient_masked = models.CharField(_("recipient (masked)"), max_length=254)
    language = models.CharField(_("language"), max_length=3, default="fr")
    referral_id = models.PositiveIntegerField(_("referral"), null=True, blank=True, db_index=True)
    # What the templates are filled with: plain JSON from the domain service.
    context = models.JSONField(default=dict, blank=True)
    # Set for the reminders: the same reminder is never queued twice, however often the scheduler runs.
    dedupe_key = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(name="message_channel_valid", condition=Q(channel__in=Channel.values)),
            models.CheckConstraint(name="message_kind_valid", condition=Q(kind__in=MessageKind.values)),
            models.CheckConstraint(name="message_status_valid", condition=Q(status__in=MessageStatus.values)),
            models.UniqueConstraint(
                fields=["dedupe_key"], condition=~Q(dedupe_key=""), name="message_dedupe_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.kind} → {self.recipient_masked} ({self.status})"

    @property
    def at(self):
        """When it last changed: sent, failed, or queued."""
        return self.sent_at or self.failed_at or self.created_at


class EmailOptOut(models.Model):
    """A user turned one kind of e-mail off for themselves."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_opt_outs")
    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="email_opt_out_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} off {self.kind}"
