"""Read ids typed into a query string one way everywhere."""

import re

MAX_ID = 2**63 - 1  # the largest value a BigAutoField holds
ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


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
