"""Read the ids and days typed into a URL, a query string or a form one way everywhere.

Every page and every API operation reads an id with `parse_id` and a day with `parse_day`, so that a
number no column holds or a year no calendar arithmetic survives (9999-12-31 + 1 day) is refused at
the door as bad input, never met deep down as an OverflowError.
"""

import datetime as dt
import re

from django.utils.translation import gettext as _

from common.exceptions import ValidationFailed

MAX_ID = 2**63 - 1  # the largest value a BigAutoField holds
ASCII_DIGITS = re.compile(r"[0-9]{1,19}")

# The days Bagage knows: its data starts this century and nothing it plans goes past the next one.
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)
ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# A report, a chart or an export covers at most this many years: the work of one request stays bounded.
MAX_PERIOD_YEARS = 10


def parse_id(text: str | None) -> int | None:
    """Return the positive id that `text` spells in ASCII digits ("#12" too), or None.

    `str.isdigit()` accepts superscripts and other scripts' digits that `int()` then refuses or
    the database cannot hold; this accepts only what a primary key can be.
    """
    if text is None:
        return None
    text = text.strip().removeprefix("#")
    if not ASCII_DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def day_in_range(day: dt.date) -> bool:
    """Whether `day` lies between FIRST_DAY and LAST_DAY (a datetime counts by its date)."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return FIRST_DAY <= day <= LAST_DAY


def parse_day(text: str | None) -> dt.date | None:
    """Return the day `text` spells as YYYY-MM-DD (ASCII digits) between FIRST_DAY and LAST_DAY, or None."""
    if text is None:
        return None
    match = ISO_DAY.fullmatch(text.strip())
    if match is None:
        return None
    try:
        day = dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
    return day if day_in_range(day) else None


def day_range_message() -> str:
    return _("Write a day between %(first)s and %(last)s (YYYY-MM-DD).") % {
        "first": FIRST_DAY.isoformat(),
        "last": LAST_DAY.isoformat(),
    }


def check_period(start: dt.date | None, end: dt.date | None, *, field: str = "from") -> None:
    """Refuse (422 `invalid_period`) a period with a day out of range, ending before it starts, or too long.

    Either end may be missing (an open period is bounded by the data it filters); both given, they span
    at most MAX_PERIOD_YEARS years.
    """
    for name, day in ((field, start), ("to", end)):
        if day is not None and not day_in_range(day):
            raise ValidationFailed(day_range_message(), "invalid_period", field=name)
    if start is None or end is None:
        return
    if start > end:
        raise ValidationFailed(_("The period ends before it starts."), "invalid_period", field=field)
    if end > _years_after(start, MAX_PERIOD_YEARS):
        raise ValidationFailed(
            _("A period covers at most %(years)s years.") % {"years": MAX_PERIOD_YEARS}, "invalid_period", field=field
        )


def _years_after(day: dt.date, years: int) -> dt.date:
    """The same day `years` later, less one day (29 February falls back to the 28th)."""
    try:
        later = day.replace(year=day.year + years)
    except ValueError:
        later = day.replace(year=day.year + years, day=28)
    return later - dt.timedelta(days=1)


# A list filter's values (statuses, kinds, grades, site codes): a handful in use. Each is a bound value of the query
# (and of its count); thousands would outgrow what the database binds in one statement (65,535 on PostgreSQL).
MAX_FILTER_VALUES = 50


def filter_values(text: str, *, upper: bool = False) -> list[str]:
    """A comma-separated filter's distinct values, in order, the first MAX_FILTER_VALUES of them (an unknown
    value finds nothing, as before)."""
    values = (text.upper() if upper else text).split(",")
    return list(dict.fromkeys(values))[:MAX_FILTER_VALUES]
