"""Retention of personal data (BAGAGE_RETENTION): anonymise people, delete old entries of the access log.

Nothing a statistic reads is touched: eligibility, the postal code's département, statuses and
dates stay, so the impact report is the same before and after. Each change writes a `retention`
line in the referral's history, which says what was done, never the values removed.

When a person is due after their last handover is distribution's business (it knows handovers):
its retention service picks those referrals and calls `beneficiary_anonymise` here.
"""

import calendar
import datetime as dt
from collections import Counter

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from common.integrity import atomic
from notifications.services import messages_forget
from referrals.departments import anonymous_postal_code
from referrals.enums import CLOSED_WITHOUT_HANDOVER_STATES, ReferralEventKind
from referrals.models import Beneficiary, BeneficiaryAccess, Referral, ReferralEvent

ANONYMOUS_NAME = "Anonyme"
# The model needs a phone number or an e-mail: a reserved domain that reaches no one (RFC 2606).
ANONYMOUS_EMAIL = "anonyme@anonyme.invalid"
# Birth year is read by no statistic: 0, the model's neutral value, rather than a plausible year.
ANONYMOUS_BIRTH_YEAR = 0
# Kept where a database constraint wants some text (a high urgency's reason, a rejection's reason).
REMOVED_TEXT = "—"


def months_ago(now: dt.datetime, months: int) -> dt.datetime:
    """`now` minus whole months (the day clamped to the month's end)."""
    year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
    month += 1
    return now.replace(year=year, month=month, day=min(now.day, calendar.monthrange(year, month)[1]))


def closed_referrals_due(now: dt.datetime | None = None) -> QuerySet[Referral]:
    """Referrals closed without a kit longer ago than BAGAGE_RETENTION["closed_referral_months"], not yet anonymised."""
    now = now or timezone.now()
    limit = months_ago(now, settings.BAGAGE_RETENTION["closed_referral_months"])
    return Referral.objects.filter(
        status__in=CLOSED_WITHOUT_HANDOVER_STATES,
        status_changed_at__lt=limit,
        beneficiary__anonymised_at__isnull=True,
    )


def access_log_due(now: dt.datetime | None = None) -> QuerySet[BeneficiaryAccess]:
    """Entries of the access log older than BAGAGE_RETENTION["access_log_months"]."""
    now = now or timezone.now()
    return BeneficiaryAccess.objects.filter(at__lt=months_ago(now, settings.BAGAGE_RETENTION["access_log_months"]))


@atomic
def beneficiary_anonymise(*, referral: Referral | int, now: dt.datetime | None = None) -> bool:
    """Replace the person's details with neutral values; keep what statistics read. False if done already.

    Kept: eligibility criteria, the département (as a postal code naming nothing else), consent's
    date and notice version, the referral's status, dates, needs and reason. Removed: names,
    phone, e-mail, birth year, language, accessibility needs, every free text about the person
    (eligibility note, the referral's notes and reasons, the notes of its history).
    """
    now = now or timezone.now()
    pk = referral if isinstance(referral, int) else referral.pk
    row = Referral.objects.select_for_update(of=("self",)).select_related("beneficiary").get(pk=pk)
    person = Beneficiary.objects.select_for_update().get(pk=row.beneficiary_id)
    if person.anonymised_at is not None:
        return False
    person.first_name = ANONYMOUS_NAME
    person.last_name = ANONYMOUS_NAME
    person.phone = ""
    person.email = ANONYMOUS_EMAIL
    person.postal_code = anonymous_postal_code(person.postal_code)
    person.birth_year = ANONYMOUS_BIRTH_YEAR
    person.language = "fr"
    person.accessibility_needs = ""
    person.eligibility_note = ""
    # Unique per row: anonymised people must not look like one another's duplicates.
    person.identity_key = f"anonymised|{person.pk}"
    person.phone_key = ""
    person.sms_consent = False
    person.sms_phone = ""
    person.anonymised_at = now
    person.save()
    row.notes = ""
    row.urgency_justification = REMOVED_TEXT if row.urgency_justification else ""
    row.decision_reason = REMOVED_TEXT if row.decision_reason else ""
    row.save(update_fields=["notes", "urgency_justification", "decision_reason", "updated_at"])
    ReferralEvent.objects.filter(referral=row).exclude(note="").update(note="")
    messages_forget(referral_id=row.pk)
    ReferralEvent.objects.create(
        referral=row,
        at=now,
        by=None,
        kind=ReferralEventKind.RETENTION,
        from_status=row.status,
        to_status=row.status,
        data={"action": "anonymised"},
    )
    return True


@atomic
def access_log_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the access log's entries past their retention; each referral's history says how many went."""
    now = now or timezone.now()
    due = access_log_due(now)
    per_referral = Counter(due.values_list("referral_id", flat=True))
    if not per_referral:
        return 0
    statuses = dict(Referral.objects.filter(pk__in=per_referral).values_list("pk", "status"))
    deleted, _ = due.delete()
    ReferralEvent.objects.bulk_create(
        ReferralEvent(
            referral_id=referral_id,
            at=now,
            by=None,
            kind=ReferralEventKind.RETENTION,
            from_status=statuses[referral_id],
            to_status=statuses[referral_id],
            data={"action": "access_log_purged", "entries": count},
        )
        for referral_id, count in per_referral.items()
    )
    return deleted
