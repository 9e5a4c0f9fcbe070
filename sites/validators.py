"""Rules for a site's public details: the national mediation-places file publishes them as they are."""

import re

import opening_hours
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from common.exceptions import ValidationFailed
from common.validators import clean_siret

INSEE_CODE = re.compile(r"^([013-9]\d|2[AB1-9])\d{3}$")


def validate_opening_hours(value: str) -> None:
    """OpenStreetMap's opening_hours syntax ("Mo-Fr 09:00-12:00,14:00-18:30; Sa 09:00-12:00"), read by a real
    parser (opening-hours-py). Empty is allowed: the hours are then left out of the file."""
    if value and not opening_hours.validate(value):
        raise ValidationError(
            _('Write the hours as OpenStreetMap does, e.g. "Mo-Fr 09:00-12:00,14:00-18:30; Sa 09:00-12:00".'),
            code="invalid_opening_hours",
        )


def validate_insee_code(value: str) -> None:
    if value and not INSEE_CODE.match(value):
        raise ValidationError(_("An INSEE code has five characters, e.g. 93066 or 2A004."), code="invalid_insee_code")


def validate_siret(value: str) -> None:
    if value:
        try:
            clean_siret(value)
        except ValidationFailed as exc:
            raise ValidationError(exc.message, code=exc.code) from exc
