"""Reads of the information notice: the published versions and the current one.

A version's text in a language and its printed page are in referrals.notice_texts.
"""

from django.db.models import QuerySet

from referrals.models import NoticeVersion


def notice_versions() -> QuerySet[NoticeVersion]:
    """Every published version, the current (latest) first."""
    return NoticeVersion.objects.order_by("-created_at", "-id")


def current_notice() -> NoticeVersion:
    """The version a person is given today: the latest published."""
    version = notice_versions().first()
    if version is None:
        # The migration seeds the first version; a database flushed since (tests, `manage.py flush`) gets it back
        # from the settings, so that a referral always names the notice its person was given.
        from referrals.services.notices import notice_seed

        version = notice_seed()
    return version


def notice_get(label: str) -> NoticeVersion | None:
    return NoticeVersion.objects.filter(label=label).first()
