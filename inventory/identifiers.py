"""Check digits and normal forms of the numbers that identify stock (python-stdnum)."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import imei as stdnum_imei
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError

from common.exceptions import ValidationFailed


def compact_digits(value: str) -> str:
    return "".join(ch for ch in str(value) if not ch.isspace() and ch not in "-./")


def clean_imei(value: str, field: str = "imei") -> str:
    """Return the 15-digit IMEI, or refuse a wrong length or check digit."""
    number = compact_digits(value)
    if not number.isdigit() or len(number) != 15:
        raise ValidationFailed(_("An IMEI has 15 digits."), "invalid_imei", field=field)
    try:
        stdnum_imei.validate(number)
    except StdnumError as exc:
        raise ValidationFailed(_("The IMEI check digit is wrong."), "invalid_imei", field=field) from exc
    return number


def clean_iccid(value: str, field: str = "iccid") -> str:
    """Return the ICCID (19 or 20 digits, 89 for telecom, Luhn check digit last)."""
    number = compact_digits(value).upper().removesuffix("F")
    if not number.isdigit() or len(number) not in (19, 20) or not number.startswith("89"):
        raise ValidationFailed(_("An ICCID has 19 or 20 digits and starts with 89."), "invalid_iccid", field=field)
    if not luhn.is_valid(number):
        raise ValidationFailed(_("The ICCID check digit is wrong."), "invalid_iccid", field=field)
    return number


# A number written without its country code (06 12 34 56 78) is read as French.
MSISDN_DEFAULT_REGION = "FR"


def clean_msisdn(value: str, field: str = "msisdn") -> str:
    """Return the SIM's phone number in international form (+33612345678), or refuse what is none."""
    try:
        number = phonenumbers.parse(value, MSISDN_DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationFailed(_("Not a phone number."), "invalid_msisdn", field=field) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationFailed(_("Not a phone number."), "invalid_msisdn", field=field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_msisdn(value: str) -> None:
    """The model's validator: the same rule as clean_msisdn, for forms and full_clean()."""
    if value:
        try:
            clean_msisdn(value)
        except ValidationFailed as exc:
            raise ValidationError(exc.message, code=exc.code) from exc


def looks_like_imei(code: str) -> bool:
    return len(code) == 15 and code.isdigit() and stdnum_imei.is_valid(code)


def looks_like_iccid(code: str) -> bool:
    return code.isdigit() and len(code) in (19, 20) and code.startswith("89") and luhn.is_valid(code)
