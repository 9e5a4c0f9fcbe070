"""The information notice's words: the default texts in French and English, and how a version's texts are read.

A version's texts are stored whole, per language, when it is published: what a person was told never changes
afterwards. Placeholders such as `{retention_beneficiary}` are filled from the settings at publication, so the
periods quoted are the ones configured that day; changing a setting calls for a new version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

from labels.notice import NoticeData, render_notice

if TYPE_CHECKING:
    from referrals.models import NoticeVersion

# The language every notice has, and the one shown when the person's language has no translation.
FALLBACK_LANGUAGE = "fr"

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}

TITLE_MAX, HEADING_MAX, PARAGRAPH_MAX, SECTIONS_MAX = 120, 120, 1200, 10

# Both languages carry the same placeholders; publish() fills them from the settings.
DEFAULT_TEXTS: dict[str, dict] = {
    "fr": {
        "title": "Vos données chez {charity}",
        "sections": [
            [
                "Qui garde vos données",
                "{charity}, {address}. Le travailleur social qui vous oriente les écrit dans Bagage, notre outil "
                "de suivi, avec votre accord.",
            ],
            [
                "Pourquoi",
                "Pour vous remettre un appareil et une connexion, pour suivre cette remise (garantie, retour, "
                "réparation), et pour compter notre action dans des statistiques sans votre nom.",
            ],
            [
                "Combien de temps",
                "Votre dossier est gardé {retention_beneficiary} mois après la dernière remise, puis effacé. "
                "Si rien ne vous est remis, il est effacé {retention_closed} mois après la clôture de "
                "l'orientation. La liste de qui a lu votre dossier est gardée {retention_access_log} mois. "
                "L'attestation de remise est gardée {retention_receipts} ans, comme toute pièce comptable.",
            ],
            [
                "Qui voit quoi",
                "Votre travailleur social et sa structure voient votre dossier et sa suite. Les médiateurs du "
                "lieu où vous venez chercher le matériel voient ce qu'il faut pour vous le remettre. Les "
                "coordinateurs de l'association peuvent le voir pour le suivi ; chaque lecture est notée. "
                "L'atelier ne voit jamais votre nom. Vos données ne sont ni vendues ni données à d'autres.",
            ],
            [
                "Les SMS",
                "Seulement si vous l'acceptez, nous envoyons un SMS au numéro que vous donnez (le vôtre ou celui "
                "d'un proche) : quand votre matériel est prêt (le lieu, son adresse, ses horaires et jusqu'à quand "
                "il vous attend), deux jours avant la fin de ce délai, et la veille d'un rendez-vous. Le SMS ne dit "
                "que votre prénom. Vous pouvez dire stop à tout moment au médiateur ; le numéro est effacé avec "
                "votre dossier.",
            ],
            [
                "Vos droits",
                "Vous pouvez demander à voir vos données, à les corriger, à les faire effacer, et vous opposer "
                "à leur usage. Si vous pensez que vos droits ne sont pas respectés, vous pouvez vous plaindre "
                "à la CNIL (www.cnil.fr, 3 place de Fontenoy, 75007 Paris).",
            ],
            [
                "Nous contacter",
                "Écrivez à {email}, ou demandez à votre travailleur social ou au médiateur du lieu d'accueil.",
            ],
        ],
        "footer": "Notice d'information, version {version}. Elle est aussi citée sur votre attestation de remise.",
    },
    "en": {
        "title": "Your data at {charity}",
        "sections": [
            [
                "Who keeps your data",
                "{charity}, {address}. The social worker who refers you writes it in Bagage, our follow-up "
                "tool, with your agreement.",
            ],
            [
                "Why",
                "To give you a device and a connection, to follow up on it (warranty, return, repair), and to "
                "count our work in statistics that never show your name.",
            ],
            [
                "For how long",
                "Your record is kept {retention_beneficiary} months after the last handover, then erased. If "
                "nothing is handed to you, it is erased {retention_closed} months after the referral is closed. "
                "The list of who read your record is kept {retention_access_log} months. The handover receipt "
                "is kept {retention_receipts} years, like any accounting record.",
            ],
            [
                "Who sees what",
                "Your social worker and their organisation see your record and what happens next. The mediators "
                "of the place where you collect the kit see what they need to give it to you. The charity's "
                "coordinators may see it to supervise; every reading is recorded. The workshop never sees your "
                "name. Your data is never sold or given to anyone else.",
            ],
            [
                "Text messages",
                "Only if you agree, we send a text message (SMS) to the number you give (yours or a relative's): "
                "when your kit is ready (the place, its address, its opening hours and until when it waits for "
                "you), two days before that date, and the day before an appointment. The message gives only your "
                "first name. You may say stop at any time to the mediator; the number is erased with your record.",
            ],
            [
                "Your rights",
                "You may ask to see your data, to correct it, to have it erased, and object to its use. If you "
                "think your rights are not respected, you may complain to the CNIL, the French data protection "
                "authority (www.cnil.fr, 3 place de Fontenoy, 75007 Paris).",
            ],
            [
                "Contact us",
                "Write to {email}, or ask your social worker or the mediator at the reception point.",
            ],
        ],
        "footer": "Information notice, version {version}. Your handover receipt cites it too.",
    },
}


def placeholders(version: str) -> dict[str, str]:
    """The values the placeholders take today: the charity and the retention settings."""
    retention = settings.BAGAGE_RETENTION
    return {
        "charity": settings.BAGAGE_CHARITY_NAME,
        "address": settings.BAGAGE_CHARITY_ADDRESS,
        "email": settings.BAGAGE_CHARITY_EMAIL,
        "version": version,
        "retention_beneficiary": str(retention["beneficiary_after_last_handover_months"]),
        "retention_closed": str(retention["closed_referral_months"]),
        "retention_access_log": str(retention["access_log_months"]),
        "retention_receipts": str(retention["receipts_years"]),
    }


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace the known `{name}` placeholders; any other brace is the author's and stays as written."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def filled_texts(texts: Mapping[str, Mapping], version: str) -> dict[str, dict]:
    """`texts` with every placeholder filled, as stored in a published version."""
    values = placeholders(version)
    return {
        language: {
            "title": fill(text["title"], values),
            "sections": [[fill(heading, values), fill(paragraph, values)] for heading, paragraph in text["sections"]],
            "footer": fill(text.get("footer", ""), values),
        }
        for language, text in texts.items()
    }


def retention_snapshot() -> dict[str, int]:
    return dict(settings.BAGAGE_RETENTION)


@dataclass(frozen=True)
class NoticeText:
    """A version's text in one language, and whether it is the French fallback for another language."""

    version: str
    language: str  # the language of the text given
    requested: str
    fallback: bool
    title: str
    sections: tuple[tuple[str, str], ...]
    footer: str
    charity: str
    contact: str


def base_language(language: str | None) -> str:
    """`en-GB`, `EN` → `en`; empty → French."""
    return (language or FALLBACK_LANGUAGE).strip().lower().replace("_", "-").split("-")[0] or FALLBACK_LANGUAGE


def notice_text(version: NoticeVersion, language: str | None) -> NoticeText:
    """The version's text in `language`, or its French text (flagged as a fallback) when it has no such translation."""
    requested = base_language(language)
    used = requested if requested in version.texts else FALLBACK_LANGUAGE
    text = version.texts[used]
    return NoticeText(
        version=version.label,
        language=used,
        requested=requested,
        fallback=used != requested,
        title=text["title"],
        sections=tuple((heading, paragraph) for heading, paragraph in text["sections"]),
        footer=text.get("footer", ""),
        charity=version.charity_name,
        contact=version.charity_contact,
    )


# Words around the texts on paper, in the languages notices are written in; others read the French ones.
PRINT_WORDS = {
    "fr": {"version": "Version {version} du {date}", "referral": "Votre orientation : n° {number}"},
    "en": {"version": "Version {version} of {date}", "referral": "Your referral: no. {number}"},
}


def notice_data(version: NoticeVersion, language: str | None, referral_number: int | None = None) -> NoticeData:
    """What the printed page shows: the version's text, and the referral number when printed for one person."""
    text = notice_text(version, language)
    words = PRINT_WORDS.get(text.language, PRINT_WORDS[FALLBACK_LANGUAGE])
    date = version.created_at.date().strftime("%d/%m/%Y" if text.language == "fr" else "%Y-%m-%d")
    return NoticeData(
        title=text.title,
        version=words["version"].format(version=version.label, date=date),
        charity=text.charity,
        contact=text.contact,
        sections=text.sections,
        footer=text.footer,
        referral=words["referral"].format(number=referral_number) if referral_number else "",
        published_at=version.created_at,
    )


def notice_pdf(version: NoticeVersion, language: str | None, referral_number: int | None = None) -> bytes:
    return render_notice(notice_data(version, language, referral_number))


# Where a person reads their notice again: the public page web/urls.py serves at /notice/<version>/.
PUBLIC_PATH = "/notice/{version}/"
ON_PAPER = {"fr": "sur papier au lieu d’accueil", "en": "on paper at the reception point"}
OR = {"fr": "ou", "en": "or"}


def notice_for_receipt(label: str, language: str = FALLBACK_LANGUAGE) -> tuple[str, str]:
    """(version, where to read it) for the handover receipt's notice line (labels.receipt.ReceiptData's
    `notice_version` and `notice_where`), in the receipt's language."""
    language = base_language(language) if base_language(language) in ON_PAPER else FALLBACK_LANGUAGE
    public_url = settings.BAGAGE_PUBLIC_URL.rstrip("/")
    if not public_url:
        return label, ON_PAPER[language][0].upper() + ON_PAPER[language][1:]
    return label, f"{public_url}{PUBLIC_PATH.format(version=label)}, {OR[language]} {ON_PAPER[language]}"
