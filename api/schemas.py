"""Schemas shared by several routers."""

import datetime as dt
from typing import Annotated, Literal

from django.db.models import TextChoices
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from common.parsing import MAX_ID, day_in_range, day_range_message, parse_day, parse_id


class ErrorOut(Schema):
    detail: str
    code: str


# The error types below become the answer's `code` (api/errors.py): a client learns which rule refused.
OWN_ERROR_CODES = {"invalid_id", "invalid_day", "invalid_period"}


def _read_id(value: object) -> object:
    """Text goes through common.parsing.parse_id, as on the pages; a JSON number is checked by the bounds."""
    if isinstance(value, str):
        parsed = parse_id(value)
        if parsed is None:
            raise PydanticCustomError("invalid_id", "Not an id: a whole number from 1 to {max}.", {"max": MAX_ID})
        return parsed
    return value


# A database id: positive and within a 64-bit integer, so that a wild number answers 422,
# not a database overflow.
Id = Annotated[int, BeforeValidator(_read_id), Field(ge=1, le=MAX_ID)]


def _day_reader(code: str):
    def read(value: object) -> object:
        if isinstance(value, str):
            day = parse_day(value[:10] if len(value) > 10 and value[10:11] in ("T", " ") else value)
            if day is None:
                raise PydanticCustomError(code, day_range_message())
            return value
        return value

    def check(value: dt.date) -> dt.date:
        if not day_in_range(value):
            raise PydanticCustomError(code, day_range_message())
        return value

    return BeforeValidator(read), AfterValidator(check)


# A day (YYYY-MM-DD) between FIRST_DAY and LAST_DAY (2000–2100), read by common.parsing.parse_day.
_read_day, _check_day = _day_reader("invalid_day")
_read_period_day, _check_period_day = _day_reader("invalid_period")
Day = Annotated[dt.date, _read_day, _check_day]
# An instant (ISO 8601) whose day lies in the same range.
Instant = Annotated[dt.datetime, _read_day, _check_day]
# A day that bounds a report, a chart or an export: the same rule, refused as `invalid_period`.
PeriodDay = Annotated[dt.date, _read_period_day, _check_period_day]


def one_of(*values: str) -> object:
    """A string among `values` (plain strings or members of a TextChoices), an enum in the OpenAPI schema."""
    return Literal[tuple(getattr(value, "value", value) for value in values)]


def blank_or(choices: type[TextChoices]) -> object:
    """One of `choices`, or "" where the model's field is blank (not recorded yet)."""
    return choices | Literal[""]
