"""Cleaning of what a social worker writes about a person and their needs, one function per part."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import FieldErrors, ValidationFailed
from common.validators import clean_phone, clean_postal_code, fold
from inventory.enums import DeviceKind
from labels.typeface import normalise, unprintable
from referrals.enums import Accessory, Connectivity, Eligibility, Reason, Urgency
from referrals.models import Beneficiary, Referral

BENEFICIARY_FIELDS = (
    "first_name",
    "last_name",
    "phone",
    "email",
    "postal_code",
    "birth_year",
    "language",
    "accessibility_needs",
    "eligibility",
    "eligibility_note",
    "sms_consent",
    "sms_phone",
)


def _limit(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def identity_key(*, first_name: str, last_name: str, birth_year: int, postal_code: str) -> str:
    """The key that spots the same person referred twice: folded names, birth year, postal code."""
    return f"{fold(last_name)}|{fold(first_name)}|{birth_year}|{postal_code}"


def clean_person_name(value: str, field: str, limit: int) -> str:
    """A person's name as the documents will print it: NFC, and only letters our embedded fonts can draw.

    What the form accepts, the receipt and the kit label print: a name in a script no font of labels.typeface
    covers (Chinese, an emoji…) is refused here, never printed as '?' or as empty boxes.
    """
    value = normalise(value).strip()
    if len(value) > limit:
        message = _("At most %(limit)s characters.") % {"limit": limit}
        raise ValidationFailed(message, "invalid_beneficiary", field=field)
    missing = unprintable(value)
    if missing:
        raise ValidationFailed(
            _(
                "These characters cannot be printed on the receipt and the labels: %(chars)s. Write the name in "
                "Latin, Cyrillic, Greek, Arabic or Ethiopic letters."
            )
            % {"chars": " ".join(missing)},
            "unprintable_name",
            field=field,
        )
    return value


def clean_beneficiary(data: Mapping[str, Any], *, partial_of: Beneficiary | None = None) -> dict:
    """Check the beneficiary's details, every field (all that are wrong are told at once); with `partial_of`,
    only the fields given change."""
    merged = {name: getattr(partial_of, name) for name in BENEFICIARY_FIELDS} if partial_of else {}
    merged.update({k: v for k, v in data.items() if k in BENEFICIARY_FIELDS})
    clean: dict[str, Any] = {}
    errors = FieldErrors()

    def fail(field: str, message: str, code: str = "invalid_beneficiary") -> None:
        errors.add(ValidationFailed(message, code, field=f"beneficiary.{field}"))

    for field in ("first_name", "last_name"):
        value = merged.get(field) or ""
        if not value.strip():
            fail(field, _("Required."))
        else:
            value = errors.check(clean_person_name, value, f"beneficiary.{field}", _limit(Beneficiary, field))
        clean[field] = value
    clean["phone"] = errors.check(clean_phone, merged.get("phone") or "", "beneficiary.phone")
    email = (merged.get("email") or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            fail("email", _("Not a valid e-mail address."), "invalid_email")
    clean["email"] = email
    if clean["phone"] == "" and not email:
        fail("phone", _("Give a phone number or an e-mail address, or both."), "contact_required")
    clean["sms_phone"] = errors.check(clean_phone, merged.get("sms_phone") or "", "beneficiary.sms_phone")
    consent = merged.get("sms_consent") or False
    if not isinstance(consent, bool):
        fail("sms_consent", _("Yes or no."))
        consent = False
    clean["sms_consent"] = consent
    if consent and not clean["sms_phone"]:
        # The person's own number unless another (a relative's) is given.
        clean["sms_phone"] = clean["phone"] or ""
        if not clean["sms_phone"]:
            fail("sms_phone", _("Give the number the SMS should go to."), "sms_phone_required")
    clean["postal_code"] = errors.check(clean_postal_code, merged.get("postal_code") or "", "beneficiary.postal_code")
    year = merged.get("birth_year")
    this_year = timezone.localdate().year
    if not isinstance(year, int) or isinstance(year, bool) or not (this_year - 110 <= year <= this_year - 15):
        fail(
            "birth_year",
            _("A year between %(first)s and %(last)s.") % {"first": this_year - 110, "last": this_year - 15},
        )
    clean["birth_year"] = year
    language = (merged.get("language") or "fr").strip().lower()
    if not (language.isascii() and language.isalpha() and 2 <= len(language) <= 3):
        fail("language", _("An ISO 639 code such as fr, en, ar, uk."))
    clean["language"] = language
    accessibility = (merged.get("accessibility_needs") or "").strip()
    if len(accessibility) > _limit(Beneficiary, "accessibility_needs"):
        fail("accessibility_needs", _("At most 200 characters (no health details: only what helps give the kit)."))
    clean["accessibility_needs"] = accessibility
    eligibility = list(dict.fromkeys(merged.get("eligibility") or []))
    unknown = [e for e in eligibility if e not in Eligibility.values]
    if not eligibility or unknown:
        fail("eligibility", _("Tick at least one criterion."))
    clean["eligibility"] = eligibility
    note = (merged.get("eligibility_note") or "").strip()
    if Eligibility.OTHER in eligibility and not note:
        fail("eligibility_note", _("Say which criterion when choosing “other”."), "eligibility_note_required")
    clean["eligibility_note"] = note[: _limit(Beneficiary, "eligibility_note")]
    errors.raise_if_any()
    clean["identity_key"] = identity_key(
        first_name=clean["first_name"], last_name=clean["last_name"], birth_year=year, postal_code=clean["postal_code"]
    )
    clean["phone_key"] = clean["phone"]
    return clean


def clean_needs(*, device_kinds: list[str], connectivity: str, accessories: list[str]) -> dict:
    """Check what is asked for, every part (all that are wrong are told at once)."""
    errors = FieldErrors()
    kinds = list(dict.fromkeys(device_kinds or []))
    if any(kind not in DeviceKind.values for kind in kinds):
        errors.add(
            ValidationFailed(
                _("Among: %(values)s.") % {"values": ", ".join(DeviceKind.values)}, field="needs.device_kinds"
            )
        )
    if connectivity not in Connectivity.values:
        errors.add(
            ValidationFailed(
                _("One of: %(values)s.") % {"values": ", ".join(Connectivity.values)}, field="needs.connectivity"
            )
        )
    elif not kinds and connectivity == Connectivity.NONE:
        errors.add(ValidationFailed(_("Ask for a device, connectivity, or both."), "empty_needs", field="needs"))
    extras = errors.check(clean_accessories, accessories, field="needs.accessories")
    errors.raise_if_any()
    return {"device_kinds": kinds, "connectivity": connectivity, "accessories": extras}


def clean_accessories(accessories: list[str] | None, field: str = "accessories") -> list[str]:
    """The accessories that go in a bag, each once, in the order given: known ones only."""
    extras = list(dict.fromkeys(accessories or []))
    if any(item not in Accessory.values for item in extras):
        raise ValidationFailed(_("Among: %(values)s.") % {"values": ", ".join(Accessory.values)}, field=field)
    return extras


def clean_request(*, reason: str, urgency: str, urgency_justification: str) -> dict:
    """Check what the kit is for and how urgent it is (all that is wrong is told at once)."""
    errors = FieldErrors()
    if reason not in Reason.values:
        errors.add(ValidationFailed(_("One of: %(values)s.") % {"values": ", ".join(Reason.values)}, field="reason"))
    if urgency not in Urgency.values:
        errors.add(ValidationFailed(_("normal or high"), field="urgency"))
    justification = (urgency_justification or "").strip()
    if urgency == Urgency.HIGH and not justification:
        errors.add(
            ValidationFailed(_("Say why it is urgent."), "justification_required", field="urgency_justification")
        )
    errors.raise_if_any()
    limit = _limit(Referral, "urgency_justification")
    return {"reason": reason, "urgency": urgency, "urgency_justification": justification[:limit]}


def clean_consent(consent: object) -> bool:
    """The person's consent, given before anything about them is recorded."""
    if consent is not True:
        raise ValidationFailed(
            _("The person's consent is required before anything is recorded."), "consent_required", field="consent"
        )
    return True


def referral_field_errors(
    *,
    beneficiary: Mapping[str, Any],
    device_kinds: list[str],
    connectivity: str,
    accessories: list[str],
    reason: str,
    urgency: str,
    urgency_justification: str,
    partial_of: Beneficiary | None = None,
) -> tuple[dict, FieldErrors]:
    """Check a referral's person, needs and request as the form orders them; return the clean parts and every
    refusal, for the service to raise at once and the form to show beside each field."""
    errors = FieldErrors()
    clean = {
        "beneficiary": errors.check(clean_beneficiary, beneficiary, partial_of=partial_of),
        "needs": errors.check(
            clean_needs, device_kinds=device_kinds, connectivity=connectivity, accessories=accessories
        ),
        "request": errors.check(
            clean_request, reason=reason, urgency=urgency, urgency_justification=urgency_justification
        ),
    }
    return clean, errors
