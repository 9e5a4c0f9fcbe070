"""The information notice: coordinators publish a new version; nothing ever edits one."""

import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from common.integrity import atomic
from labels.notice import NoticeTooLong, render_notice
from referrals import policies
from referrals.exceptions import ValidationFailed
from referrals.models import NoticeVersion
from referrals.notice_texts import (
    DEFAULT_TEXTS,
    FALLBACK_LANGUAGE,
    HEADING_MAX,
    PARAGRAPH_MAX,
    SECTIONS_MAX,
    TITLE_MAX,
    filled_texts,
    notice_data,
    retention_snapshot,
)

LABEL = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")


def _invalid(message: str, field: str) -> ValidationFailed:
    return ValidationFailed(message, "invalid_notice", field=field)


def clean_notice_texts(texts: Mapping[str, Any]) -> dict[str, dict]:
    """Every language's title, sections and footer, trimmed; French required, nothing empty."""
    if not isinstance(texts, Mapping) or FALLBACK_LANGUAGE not in texts:
        raise _invalid(_("The notice needs a French text: it is shown when a language has no translation."), "texts")
    cleaned: dict[str, dict] = {}
    for language, text in texts.items():
        where = f"texts.{language}"
        if not isinstance(language, str) or not LANGUAGE.match(language):
            raise _invalid(_("A language is a two- or three-letter code such as fr or en."), "texts")
        if not isinstance(text, Mapping):
            raise _invalid(_("Each language needs a title and sections."), where)
        title = str(text.get("title") or "").strip()
        sections = text.get("sections") or []
        if not title or len(title) > TITLE_MAX:
            raise _invalid(_("Each language needs a title of at most %(max)s characters.") % {"max": TITLE_MAX}, where)
        if not isinstance(sections, list | tuple) or not 1 <= len(sections) <= SECTIONS_MAX:
            raise _invalid(_("Each language needs 1 to %(max)s sections.") % {"max": SECTIONS_MAX}, where)
        clean_sections = []
        for section in sections:
            if not isinstance(section, list | tuple) or len(section) != 2:
                raise _invalid(_("A section is a heading and a paragraph."), where)
            heading, paragraph = (str(part or "").strip() for part in section)
            if not heading or not paragraph or len(heading) > HEADING_MAX or len(paragraph) > PARAGRAPH_MAX:
                raise _invalid(
                    _("A section needs a heading (at most %(h)s characters) and a paragraph (at most %(p)s).")
                    % {"h": HEADING_MAX, "p": PARAGRAPH_MAX},
                    where,
                )
            clean_sections.append([heading, paragraph])
        footer = str(text.get("footer") or "").strip()
        if len(footer) > PARAGRAPH_MAX:
            raise _invalid(_("The footer is too long."), where)
        cleaned[language] = {"title": title, "sections": clean_sections, "footer": footer}
    return cleaned


def notice_build(*, label: str, texts: Mapping[str, Any], user=None) -> NoticeVersion:
    """An unsaved version: the texts cleaned, their placeholders filled from today's settings, and checked to
    fit the one printed page in every language."""
    label = (label or "").strip()
    if not LABEL.match(label):
        raise _invalid(_("A version is up to 20 letters, digits, dots or dashes, for example 2026-11."), "label")
    version = NoticeVersion(
        label=label,
        texts=filled_texts(clean_notice_texts(texts), label),
        charity_name=settings.BAGAGE_CHARITY_NAME,
        charity_contact=f"{settings.BAGAGE_CHARITY_ADDRESS}\n{settings.BAGAGE_CHARITY_EMAIL}",
        retention=retention_snapshot(),
        created_by=user,
    )
    for language in version.texts:
        try:
            render_notice(notice_data(version, language))
        except NoticeTooLong:
            raise _invalid(
                _("The %(language)s text does not fit on one printed page: shorten it.") % {"language": language},
                f"texts.{language}",
            ) from None
    return version


@atomic
def notice_publish(*, user, label: str, texts: Mapping[str, Any]) -> NoticeVersion:
    """A coordinator publishes a new version of the notice; it is the current one from now on."""
    policies.require(user, "notice.publish", _("Only coordinators publish the information notice."))
    version = notice_build(label=label, texts=texts, user=user)
    version.save(force_insert=True)
    return version


@atomic
def notice_seed() -> NoticeVersion:
    """The first version (BAGAGE_CONSENT_VERSION) from the default texts, if it is not there already."""
    existing = NoticeVersion.objects.filter(label=settings.BAGAGE_CONSENT_VERSION).first()
    if existing is not None:
        return existing
    version = notice_build(label=settings.BAGAGE_CONSENT_VERSION, texts=DEFAULT_TEXTS)
    version.save(force_insert=True)
    return version
