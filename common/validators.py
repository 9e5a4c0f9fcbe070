"""Cleaning rules that more than one domain needs: one function per field family.

Each raises ValidationFailed with the field's name, so that the API, the forms and the
imports all give the same message next to the same field.
"""

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siret as stdnum_siret

from common.exceptions import ValidationFailed

DEFAULT_PHONE_REGION = "FR"


def fold(text: str) -> str:
    """Lower case, accents and everything but letters removed: "Émilie-Rose" → "emilierose"."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z]", "", text)


def fold_words(text: str) -> str:
    """Lower case without accents, words joined by underscores: "N° de série" → "n_de_serie"."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return "_".join("".join(ch if ch.isalnum() else " " for ch in text).split())


def clean_siret(value: str, field: str = "siret") -> str:
    """A SIRET with valid check digits (La Poste's establishments follow their own rule: stdnum knows it)."""
    try:
        return stdnum_siret.validate(value or "")
    except StdnumError as exc:
        raise ValidationFailed(
            _("%(value)s is not a valid SIRET.") % {"value": value}, "invalid_siret", field=field
        ) from exc


def clean_postal_code(value: str, field: str = "postal_code") -> str:
    value = (value or "").strip()
    if not re.fullmatch(r"[0-9]{5}", value) or value.startswith("00"):
        raise ValidationFailed(_("A French postal code has 5 digits."), "invalid_postal_code", field=field)
    return value


# Corsica shares the 20 prefix: 200xx–201xx are Corse-du-Sud (2A), 202xx–206xx Haute-Corse (2B).
CORSICA_SPLIT = "20200"
# Overseas départements and collectivities have three-digit numbers (971 Guadeloupe … 976 Mayotte, 98x).
OVERSEAS_PREFIXES = ("97", "98")


def department_of(postal_code: str) -> str:
    """The département of a French postal code: "93", 2A/2B for Corsica, three digits overseas ("974")."""
    code = (postal_code or "").strip()
    if code.startswith(OVERSEAS_PREFIXES):
        return code[:3]
    if code.startswith("20"):
        return "2A" if code < CORSICA_SPLIT else "2B"
    return code[:2]


def clean_text(value: str | None, model, name: str, *, field: str | None = None) -> str:
    """Free text, stripped, within the model field's max_length (a flood is refused, never cut)."""
    text = (value or "").strip()
    limit = model._meta.get_field(name).max_length
    if limit and len(text) > limit:
        raise ValidationFailed(_("At most %(limit)s characters.") % {"limit": limit}, "too_long", field=field or name)
    return text


def clean_phone(value: str, field: str = "phone", *, required: bool = False, code: str = "invalid_phone") -> str:
    """A phone number in E.164 (+33…), French by default: "06 12 34 56 78" → "+33612345678"."""
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationFailed(_("Required."), code, field=field)
        return ""
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationFailed(
            _("Write a French number (06 12 34 56 78) or an international one (+…)."), code, field=field
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone_number(value: str) -> None:
    """The models' validator for phone numbers: the same rule as clean_phone, for forms and full_clean()."""
    if value:
        try:
            clean_phone(value)
        except ValidationFailed as exc:
            raise DjangoValidationError(exc.message, code=exc.code) from exc
