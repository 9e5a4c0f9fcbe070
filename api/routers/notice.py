"""The information notice: read it in the person's language, print it, publish a new version (coordinators)."""

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from api.schemas import Id
from common.exceptions import NotFound
from referrals import policies, services
from referrals.notice_texts import notice_pdf, notice_text
from referrals.notices import current_notice, notice_get, notice_versions

router = Router(tags=["notice"])


class NoticeQuery(Schema):
    lang: str = Field("fr", max_length=10, description="The person's language; French when it has no translation.")
    version: str | None = Field(None, max_length=20, description="A published version; the current one if omitted.")


class NoticePdfQuery(NoticeQuery):
    referral: Id | None = Field(
        None, description="Print this referral's number on the page (only if you may read it), and its version."
    )


class SectionOut(Schema):
    heading: str
    text: str


class NoticeOut(Schema):
    version: str
    current: bool
    published_at: datetime
    language: str = Field(description="The language of the text returned.")
    requested_language: str
    fallback: bool = Field(description="True when the requested language has no translation: the text is French.")
    languages: list[str] = Field(description="The languages this version is written in.")
    title: str
    charity: str
    contact: str
    sections: list[SectionOut]
    footer: str
    retention: dict[str, int]


class NoticeVersionOut(Schema):
    version: str
    current: bool
    published_at: datetime
    published_by: str | None
    languages: list[str]


class NoticeTextIn(Schema):
    title: str = Field(max_length=120)
    sections: list[tuple[str, str]] = Field(min_length=1, max_length=10, description="[heading, paragraph] pairs.")
    footer: str = Field("", max_length=1200)


class NoticeIn(Schema):
    version: str = Field(max_length=20, description="A new label, e.g. 2026-11.")
    texts: dict[str, NoticeTextIn] = Field(
        description="Per language code; French required. Placeholders such as {retention_beneficiary}, {charity}, "
        "{email} are filled from the settings when published."
    )


def _version(label: str | None):
    if not label:
        return current_notice()
    version = notice_get(label)
    if version is None:
        raise NotFound(f"No information notice has the version {label}.", "unknown_notice_version")
    return version


def _notice_out(version, lang: str) -> dict:
    text = notice_text(version, lang)
    return {
        "version": version.label,
        "current": version.pk == current_notice().pk,
        "published_at": version.created_at,
        "language": text.language,
        "requested_language": text.requested,
        "fallback": text.fallback,
        "languages": sorted(version.texts),
        "title": text.title,
        "charity": text.charity,
        "contact": text.contact,
        "sections": [{"heading": heading, "text": paragraph} for heading, paragraph in text.sections],
        "footer": text.footer,
        "retention": version.retention,
    }


@router.get("/notice", response=NoticeOut)
def notice_read(request: HttpRequest, query: Query[NoticeQuery]):
    """The information notice in the person's language (French, flagged `fallback`, when it has no translation):
    the current version, or `version`."""
    policies.require(request.auth, "notice.read")
    return _notice_out(_version(query.version), query.lang)


@router.get("/notice.pdf", response={200: None})
def notice_print(request: HttpRequest, query: Query[NoticePdfQuery]):
    """One printable A4 page. With `referral`, the page carries that referral's number (nothing else about the
    person) and, unless `version` says otherwise, the version that person was given."""
    user = policies.require(request.auth, "notice.read")
    number = None
    label = query.version
    if query.referral is not None:
        # Only a referral the user may read: anyone else's number is a 404, as a guessed id is everywhere.
        referral = policies.referrals_for(user).filter(pk=query.referral).select_related("beneficiary").first()
        if referral is None:
            raise NotFound(f"No referral #{query.referral}.")
        number = referral.pk
        label = label or referral.beneficiary.consent_version_id
    version = _version(label)
    text = notice_text(version, query.lang)
    response = HttpResponse(notice_pdf(version, query.lang, number), content_type="application/pdf")
    suffix = f"-{number}" if number else ""
    response["Content-Disposition"] = f'inline; filename="notice-{version.label}-{text.language}{suffix}.pdf"'
    response["Content-Language"] = text.language
    return response


@router.get("/notices", response=list[NoticeVersionOut])
def notice_list(request: HttpRequest):
    """Every published version, the current first."""
    policies.require(request.auth, "notice.read")
    versions = list(notice_versions().select_related("created_by"))
    return [
        {
            "version": v.label,
            "current": i == 0,
            "published_at": v.created_at,
            "published_by": (v.created_by.get_full_name() or v.created_by.username) if v.created_by else None,
            "languages": sorted(v.texts),
        }
        for i, v in enumerate(versions)
    ]


@router.post("/notices", response={201: NoticeOut})
def notice_create(request: HttpRequest, payload: NoticeIn):
    """Publish a new version (coordinators). It becomes current; referrals made before keep theirs."""
    user = policies.require(request.auth, "notice.publish")
    texts = {language: text.model_dump() for language, text in payload.texts.items()}
    version = services.notice_publish(user=user, label=payload.version, texts=texts)
    return Status(201, _notice_out(version, "fr"))
