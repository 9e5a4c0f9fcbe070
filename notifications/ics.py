"""An appointment as an iCalendar file (RFC 5545): one event, in UTC, that any calendar imports.

A kit's appointment keeps one UID for its life: a moved appointment is the same event with a higher SEQUENCE (a
calendar replaces the old time instead of adding a second event), a cleared one a CANCEL of it.
"""

import datetime as dt
from email.utils import parseaddr


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, current = [], b""
    for ch in line:
        encoded = ch.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _organizer(sender: str) -> str:
    """The ORGANIZER line of a sender, "address" or "Name <address>" (DEFAULT_FROM_EMAIL): a calendar address is
    `mailto:` and the bare address (RFC 5545 CAL-ADDRESS), the name its CN, quoted when it holds a separator."""
    name, address = parseaddr(sender)
    name = "".join(ch for ch in name if ch != '"' and ch.isprintable()).strip() or "Bagage"
    if any(ch in name for ch in ";:,"):
        name = f'"{name}"'
    return f"ORGANIZER;CN={name}:mailto:{address or sender}"


def method_of(ics: bytes) -> str:
    """The iTIP method of a calendar file made here (PUBLISH or CANCEL), which its e-mail part must repeat."""
    return "CANCEL" if b"\r\nMETHOD:CANCEL\r\n" in ics else "PUBLISH"


def appointment_ics(
    *,
    uid: str,
    start: dt.datetime,
    minutes: int,
    summary: str,
    location: str,
    organizer: str,
    sequence: int = 0,
    cancelled: bool = False,
) -> bytes:
    """The .ics of one appointment (`start` timezone-aware): its `sequence`-th version, or its cancellation.
    `organizer`: the address that sends it (DEFAULT_FROM_EMAIL, with or without a name); iTIP (RFC 5546)
    requires one in a PUBLISH and a CANCEL, and calendars apply a cancellation only from the event's organizer."""
    utc = dt.UTC
    fmt = "%Y%m%dT%H%M%SZ"
    end = start + dt.timedelta(minutes=minutes)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Bagage//notifications//FR",
        "METHOD:CANCEL" if cancelled else "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        _organizer(organizer),
        f"SEQUENCE:{sequence}",
        f"DTSTAMP:{dt.datetime.now(utc).strftime(fmt)}",
        f"DTSTART:{start.astimezone(utc).strftime(fmt)}",
        f"DTEND:{end.astimezone(utc).strftime(fmt)}",
        f"SUMMARY:{_escape(summary)}",
        f"LOCATION:{_escape(location)}",
        *(["STATUS:CANCELLED"] if cancelled else []),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")
