"""Reading ids from text one way everywhere: ASCII digits only, within a 64-bit integer."""

MAX_ID = 2**63 - 1


def parse_id(text: object) -> int | None:
    """The id written in `text`, or None: "²", "-1", "1e3", " 7 " or 10**30 are not ids."""
    value = str(text if text is not None else "").strip()
    if not value or len(value) > 19 or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None
