"""Cleaning of stock fields, one function per field family, limits read from the models.

The API's service calls, the pages' forms and the CSV import all go through these, so a device
field is refused the same way, with the same message, wherever it comes from.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext as _
from stdnum import imei as stdnum_imei
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError

from common.exceptions import ValidationFailed
from inventory.enums import PHONE_KINDS, DeviceKind, Grade, OfferKind, StorageType
from inventory.models import MASK_MIN_LENGTH, Device, LineItem

# Fields a person may set on a device, at registration or later.
DEVICE_FIELDS = (
    "kind",
    "brand",
    "model",
    "serial_number",
    "imei",
    "imei2",
    "ram_gb",
    "storage_gb",
    "storage_type",
    "cpu",
    "cpu_mark",
    "os",
    "battery_health_pct",
    "grade",
    "location",
    "notes",
)
# A voucher code is as good as cash and is shown masked but for its last four characters:
# a shorter code would be guessed in few tries, or read whole from its mask.
VOUCHER_MIN_LENGTH = MASK_MIN_LENGTH


def compact_digits(value: str) -> str:
    return "".join(ch for ch in str(value) if not ch.isspace() and ch not in "-./")


def looks_like_imei(code: str) -> bool:
    return len(code) == 15 and code.isascii() and code.isdigit() and stdnum_imei.is_valid(code)


def looks_like_iccid(code: str) -> bool:
    return code.isascii() and code.isdigit() and len(code) in (19, 20) and code.startswith("89") and luhn.is_valid(code)


def clean_imei(value: str, field: str = "imei") -> str:
    """Return the 15-digit IMEI, or refuse a wrong length or check digit."""
    number = compact_digits(value)
    if not (number.isascii() and number.isdigit()) or len(number) != 15:
        raise ValidationFailed(_("An IMEI has 15 digits."), "invalid_imei", field=field)
    try:
        stdnum_imei.validate(number)
    except StdnumError as exc:
        raise ValidationFailed(_("The IMEI check digit is wrong."), "invalid_imei", field=field) from exc
    return number


def clean_iccid(value: str, field: str = "iccid") -> str:
    """Return the ICCID (19 or 20 digits, 89 for telecom, Luhn check digit last)."""
    number = compact_digits(value).upper().removesuffix("F")
    if not (number.isascii() and number.isdigit()) or len(number) not in (19, 20) or not number.startswith("89"):
        raise ValidationFailed(_("An ICCID has 19 or 20 digits and starts with 89."), "invalid_iccid", field=field)
    if not luhn.is_valid(number):
        raise ValidationFailed(_("The ICCID check digit is wrong."), "invalid_iccid", field=field)
    return number


# Two IMEIs scanned in one go (the box kept the first when the second came) make 30 digits: no phone maker's
# serial number is that; 16 digits and more, all digits, is taken for such a slip.
RUN_TOGETHER_DIGITS = 16


def check_phone_serial(kind: str | None, serial_number: str | None, field: str = "serial_number") -> None:
    """Refuse, for a phone, a "serial number" of 16 digits or more, all digits: IMEIs run together."""
    text = compact_digits(serial_number or "")
    if kind in PHONE_KINDS and text.isascii() and text.isdigit() and len(text) >= RUN_TOGETHER_DIGITS:
        raise ValidationFailed(
            _(
                "A phone's serial number is not %(count)s digits long: two IMEIs scanned together? "
                "Scan one code at a time."
            )
            % {"count": len(text)},
            "invalid_serial_number",
            field=field,
        )


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _max_length(model: type[models.Model], name: str) -> int | None:
    return model._meta.get_field(name).max_length


def _max_value(model: type[models.Model], name: str) -> int | None:
    for validator in model._meta.get_field(name).validators:
        if isinstance(validator, MaxValueValidator):
            return validator.limit_value
    return None


def _whole_number(value: Any, name: str) -> int | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, bool):
        raise ValueError(_("A whole number."))
    text = _text(value).replace(",", ".")
    try:
        number = Decimal(text)
    except ArithmeticError:
        raise ValueError(_("A whole number, not “%(text)s”.") % {"text": text}) from None
    if not number.is_finite() or number != number.to_integral_value() or number < 0:
        raise ValueError(_("A whole number, not “%(text)s”.") % {"text": text})
    limit = _max_value(Device, name)
    if limit is not None and number > limit:
        raise ValueError(_("At most %(limit)s.") % {"limit": limit})
    return int(number)


def _choice(value: Any, choices: type[models.TextChoices], *, upper: bool = False, blank: bool = True) -> str:
    text = _text(value)
    text = text.upper() if upper else text.lower()
    if (text or not blank) and text not in choices.values:
        raise ValueError(_("One of: %(values)s.") % {"values": ", ".join(choices.values)})
    return text


def _device_field(name: str, raw: Any) -> Any:
    if name == "kind":
        return _choice(raw, DeviceKind, blank=False)
    if name == "brand" and not _text(raw):
        raise ValueError(_("The brand is required."))
    if name in ("imei", "imei2"):
        return clean_imei(_text(raw), name) if _text(raw) else None
    if name == "storage_type":
        return _choice(raw, StorageType)
    if name == "grade":
        return _choice(raw, Grade, upper=True)
    field = Device._meta.get_field(name)
    if isinstance(field, models.PositiveIntegerField | models.PositiveSmallIntegerField):
        return _whole_number(raw, name)
    text = _text(raw)
    limit = _max_length(Device, name)
    if limit and len(text) > limit:
        raise ValueError(_("At most %(limit)s characters.") % {"limit": limit})
    # NULL, not "", for "no serial number": the unique constraint must not see two blanks as equal.
    return (text or None) if field.null else text


def device_field_errors(
    values: Mapping[str, Any], *, partial: bool = False
) -> tuple[dict, dict[str, ValidationFailed]]:
    """Normalise device fields; return the clean values and, per field, what is wrong.

    With `partial`, only the fields present are checked (an update).
    """
    clean: dict[str, Any] = {}
    errors: dict[str, ValidationFailed] = {}
    for name in DEVICE_FIELDS:
        if partial and name not in values:
            continue
        try:
            clean[name] = _device_field(name, values.get(name))
        except ValidationFailed as exc:
            errors[name] = exc
        except ValueError as exc:
            errors[name] = ValidationFailed(str(exc), f"invalid_{name}", field=name)
    if "serial_number" not in errors and clean.get("serial_number"):
        try:
            check_phone_serial(clean.get("kind") or values.get("kind"), clean["serial_number"])
        except ValidationFailed as exc:
            errors["serial_number"] = exc
    if clean.get("imei") and clean.get("imei") == clean.get("imei2"):
        errors["imei2"] = ValidationFailed(_("The second IMEI repeats the first."), "invalid_imei2", field="imei2")
    return clean, errors


def clean_device_fields(values: Mapping[str, Any], *, partial: bool = False) -> dict:
    """Normalise device fields, or refuse them naming the first wrong field (and listing all)."""
    unknown = set(values) - set(DEVICE_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    clean, errors = device_field_errors(values, partial=partial)
    if errors:
        raise ValidationFailed.gather(list(errors.values()))
    return clean


def clean_line_item_code(offer_kind: str, *, iccid: Any, voucher_code: Any) -> tuple[str | None, str | None]:
    """A SIM offer takes an ICCID, a top-up offer a voucher code: return (iccid, voucher_code)."""
    iccid, voucher = _text(iccid), _text(voucher_code)
    if offer_kind in (OfferKind.SIM, OfferKind.HOTSPOT):
        if voucher or not iccid:
            raise ValidationFailed(_("This offer takes SIM cards: give an ICCID."), field="iccid")
        return clean_iccid(iccid), None
    if iccid or not voucher:
        raise ValidationFailed(_("A top-up offer takes vouchers: give a voucher code."), field="voucher_code")
    limit = _max_length(LineItem, "voucher_code")
    if len(voucher) < VOUCHER_MIN_LENGTH:
        raise ValidationFailed(
            _("A voucher code has at least %(min)s characters.") % {"min": VOUCHER_MIN_LENGTH},
            "voucher_code_too_short",
            field="voucher_code",
        )
    if len(voucher) > limit:
        raise ValidationFailed(
            _("At most %(limit)s characters.") % {"limit": limit}, "invalid_voucher_code", field="voucher_code"
        )
    return None, voucher
