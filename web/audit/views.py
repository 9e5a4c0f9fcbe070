"""The audit trail for coordinators: every state change, filtered by who, which object and when."""

import datetime as dt
from types import SimpleNamespace

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.enums import AccountEventKind
from audit import policies, selectors
from common.parsing import day_range_message, parse_day
from distribution.enums import AllocationStatus
from inventory.enums import DeviceEventKind, DeviceStatus, LineItemStatus
from notifications.enums import Channel, MessageKind
from notifications.services import reason_words
from referrals.enums import Authorisation, ReferralEventKind, ReferralStatus
from web.permissions import allowed
from web.templatetags.bagage import device_event_note, note_in_words

PAGE_SIZE = 200

OBJECT_NAMES = {
    "device": _("Device"),
    "line_item": _("Connectivity line"),
    "referral": _("Referral"),
    "organisation": _("Organisation"),
    "allocation": _("Kit"),
    "account": _("Account"),
}
STATUSES = {
    "device": DeviceStatus,
    "line_item": LineItemStatus,
    "referral": ReferralStatus,
    "organisation": Authorisation,
    "allocation": AllocationStatus,
}
COMMON_ACTIONS = {
    "status": _("Status change"),
    "authorisation": _("Authorisation decision"),
    "handover": _("Handover"),
    "message_queued": _("Message queued"),
    "message_sent": _("Message sent"),
    "message_failed": _("Message failed"),
    "message_skipped": _("Message not sent"),
    "sms_stopped": _("SMS stopped by the person"),
}
ACTIONS = {
    "device": {kind.value: kind.label for kind in DeviceEventKind},
    "referral": {kind.value: kind.label for kind in ReferralEventKind},
    "account": {kind.value: kind.label for kind in AccountEventKind},
}


def _status(object_type: str, value: str) -> str:
    choices = STATUSES.get(object_type)
    try:
        return str(choices(value).label) if choices and value else value
    except ValueError:
        return value


def in_words(entry: dict) -> dict:
    """An entry with words for its codes, in the reader's language."""
    kind = entry["object_type"]
    return {
        **entry,
        "object_name": str(OBJECT_NAMES.get(kind, kind)),
        "action_name": str(
            ACTIONS.get(kind, {}).get(entry["action"]) or COMMON_ACTIONS.get(entry["action"], entry["action"])
        ),
        "from_name": _status(kind, entry["from_status"]),
        "to_name": _status(kind, entry["to_status"]),
        "note": _note(entry),
    }


def _day(value: str | None, *, end: bool = False) -> dt.datetime | None:
    day = parse_day(value)
    if day is None:
        raise ValueError(value)  # not a day Bagage reads (YYYY-MM-DD, 2000–2100): refused in words
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start + dt.timedelta(days=1) if end else start


# The page each kind of object opens on (selectors.ObjectRef.page), by the key it gives.
OBJECT_PAGES = {
    "device": "web:device",
    "kit": "web:kit",
    "receipt": "web:receipt",
    "referral": "web:referral",
    "offer": "web:offer",
    "partner": "web:partner",
}


def _link(ref) -> str:
    return reverse(OBJECT_PAGES[ref.page], args=[ref.key]) if ref and ref.page in OBJECT_PAGES else ""


def _filters(query) -> tuple[dict, list[str]]:
    """The page's filters from the query string, and what is refused, in words: a filter never silently ignored."""
    refused: list[str] = []
    filters: dict = {}
    person = (query.get("user") or "").strip()
    if person:
        found = selectors.find_person(person)
        if len(found) == 1:
            filters["user_id"] = found[0]
        elif not found:
            refused.append(gettext("No account is called “%(name)s”.") % {"name": person})
        else:
            refused.append(
                gettext("Several accounts match “%(name)s”: give the username or the full name.") % {"name": person}
            )
    object_type = query.get("object_type") or None
    if object_type and object_type not in selectors.OBJECT_TYPES:
        refused.append(gettext("Unknown kind of object."))
        object_type = None
    filters["object_type"] = object_type
    number = (query.get("object_id") or "").strip()
    if number:
        found = selectors.find_object(number, object_type)
        if found is None:
            refused.append(
                gettext("Nothing of that kind has the number “%(number)s”.") % {"number": number}
                if object_type
                else gettext("No asset tag, kit, receipt, SIM card or referral has the number “%(number)s”.")
                % {"number": number}
            )
        else:
            filters["object_type"], filters["object_id"] = found
    for name, end in (("from", False), ("to", True)):
        value = (query.get(name) or "").strip()
        if value:
            try:
                filters["until" if end else "since"] = _day(value, end=end)
            except ValueError:
                not_a_day = gettext("“%(value)s” is not a date.") % {"value": value}
                refused.append(f"{not_a_day} {day_range_message()}")
    if filters.get("since") and filters.get("until") and filters["since"] >= filters["until"]:
        refused.append(gettext("The start of the period comes after its end."))
    return filters, refused


def _message_note(note: str) -> str:
    """ "sms kit_ready: invalid_number" → "SMS, kit ready: The SMS provider refused the phone number." """
    head, _colon, reason = note.partition(": ")
    channel, _space, kind = head.partition(" ")
    if channel not in Channel.values:  # put into words already
        return note
    words = f"{_label(Channel, channel)}, {_label(MessageKind, kind)}"
    return f"{words}: {reason_words(reason)}" if reason else words


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _note(entry: dict) -> str:
    """A history note with the codes some services write into it put into words, as the history pages do."""
    if entry["action"].startswith("message_"):
        return _message_note(entry["note"])
    if entry["object_type"] != "device":
        return note_in_words(entry["note"])
    return device_event_note(SimpleNamespace(kind=entry["action"], note=entry["note"], data={}))


@allowed(policies, "audit.read")
def audit_log(request):
    filters, refused = _filters(request.GET)
    rows = [] if refused else [selectors.entry_out(row) for row in selectors.audit_entries(**filters)[:PAGE_SIZE]]
    people, refs, receipts = selectors.describe(rows)
    entries = []
    for entry in map(in_words, rows):
        ref = refs.get((entry["object_type"], entry["object_id"]))
        receipt = receipts.get(entry["object_id"]) if entry["action"] == "handover" else None
        entries.append(
            {
                **entry,
                "by_name": people.get(entry["by_id"], entry["by"]),
                "number": ref.number if ref else f"#{entry['object_id']}",
                "url": _link(ref),
                "receipt": receipt.number if receipt else "",
                "receipt_url": _link(receipt),
                "note_words": _note(entry),
            }
        )
    return render(
        request,
        "web/audit_log.html",
        {
            "entries": entries,
            "filters": request.GET,
            "refused": refused,
            "object_types": [(kind, OBJECT_NAMES[kind]) for kind in selectors.OBJECT_TYPES],
            "page_size": PAGE_SIZE,
        },
        status=400 if refused else 200,
    )
