"""What referrals tell people, handed to notifications as plain data (notifications knows no referral model).

One call per event from the services: `referral_event_notify` from the life cycle's `_run`, and the data helpers
that distribution uses for the kit's messages.
"""

from django.conf import settings
from django.urls import reverse

from notifications.enums import Channel, MessageKind
from notifications.services import Outgoing, messages_queue
from referrals.models import Referral

# The transitions that tell the referring social worker, and the e-mail each sends.
TRANSITION_EMAILS = {
    "accept": MessageKind.REFERRAL_ACCEPTED,
    "ask_info": MessageKind.NEEDS_INFO,
    "reject": MessageKind.REFERRAL_REJECTED,
    "hand_over": MessageKind.HANDED_OVER,
    "no_show": MessageKind.NO_SHOW,
}


def referral_link(referral_id: int) -> str:
    return settings.BAGAGE_PUBLIC_URL.rstrip("/") + reverse("web:referral", args=[referral_id])


def referral_context(referral: Referral) -> dict:
    """What any message about the referral may say: e-mail leaves Bagage, so first name and initial only."""
    person = referral.beneficiary
    return {
        "referral_id": referral.pk,
        "person": person.short_name,
        "first_name": person.first_name,
        "link": referral_link(referral.pk),
    }


def social_worker_email(referral: Referral, kind: str, context: dict) -> Outgoing:
    worker = referral.social_worker
    return Outgoing(
        channel=Channel.EMAIL,
        kind=kind,
        to=worker.email,
        context=context,
        language=settings.LANGUAGE_CODE,
        referral_id=referral.pk,
        user_id=worker.pk,
    )


def person_sms(referral: Referral, kind: str, context: dict, *, dedupe_key: str = "") -> Outgoing | None:
    """The SMS to the person, or None without their consent (or after a "stop")."""
    person = referral.beneficiary
    if not person.sms_consent or not person.sms_phone or person.anonymised_at:
        return None
    return Outgoing(
        channel=Channel.SMS,
        kind=kind,
        to=person.sms_phone,
        # No personal data beyond the first name in an SMS.
        context={k: v for k, v in context.items() if k not in ("person", "link", "reason")},
        language=person.language,
        referral_id=referral.pk,
        dedupe_key=dedupe_key,
    )


def referral_event_notify(referral: Referral, transition: str, note: str = "") -> None:
    """Queue the social worker's e-mail for a transition that tells them something (in the caller's transaction)."""
    kind = TRANSITION_EMAILS.get(transition)
    if kind is None:
        return
    context = referral_context(referral)
    if kind in (MessageKind.NEEDS_INFO, MessageKind.REFERRAL_REJECTED):
        context["reason"] = note
    if kind == MessageKind.HANDED_OVER:
        context["kit"] = note
    messages_queue([social_worker_email(referral, kind, context)])
