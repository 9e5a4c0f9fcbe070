"""Check digits and normal forms of the numbers that identify stock (python-stdnum)."""

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


def looks_like_imei(code: str) -> bool:
    return len(code) == 15 and code.isdigit() and stdnum_imei.is_valid(code)


def looks_like_iccid(code: str) -> bool:
    return code.isdigit() and len(code) in (19, 20) and code.startswith("89") and luhn.is_valid(code)
