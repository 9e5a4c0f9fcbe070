"""The audit trail for coordinators: every state change, filtered by who, which object and when."""

import datetime as dt

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.enums import AccountEventKind
from accounts.models import User
from audit import policies, selectors
from common.parsing import parse_day, parse_id
from distribution.enums import AllocationStatus
from inventory.enums import DeviceEventKind, DeviceStatus, LineItemStatus
from referrals.enums import Authorisation, ReferralEventKind, ReferralStatus
from web.permissions import allowed
from web.templatetags.bagage import ACCESS_ACTIONS, note_in_words

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
COMMON_ACTIONS = {"status": _("Status change"), "authorisation": _("Authorisation decision"), "handover": _("Handover")}
ACTIONS = {
    "device": {kind.value: kind.label for kind in DeviceEventKind},
    "referral": {**{kind.value: kind.label for kind in ReferralEventKind}, **ACCESS_ACTIONS},
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
        "note": note_in_words(entry["note"]),
    }


def _day(value: str | None, *, end: bool = False) -> dt.datetime | None:
    day = parse_day(value)
    if day is None:
        return None
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start + dt.timedelta(days=1) if end else start


@allowed(policies, "audit.read")
def audit_log(request):
    username = (request.GET.get("user") or "").strip()
    user_id = None
    if username:
        user_id = User.objects.filter(username__iexact=username).values_list("pk", flat=True).first() or 0
    object_type = request.GET.get("object_type") or None
    if object_type not in selectors.OBJECT_TYPES:
        object_type = None
    entries = selectors.audit_entries(
        user_id=user_id,
        object_type=object_type,
        object_id=parse_id(request.GET.get("object_id")),
        since=_day(request.GET.get("from")),
        until=_day(request.GET.get("to"), end=True),
    )
    return render(
        request,
        "web/audit_log.html",
        {
            "entries": [in_words(selectors.entry_out(row)) for row in entries[:PAGE_SIZE]],
            "filters": request.GET,
            "object_types": [(kind, OBJECT_NAMES[kind]) for kind in selectors.OBJECT_TYPES],
            "page_size": PAGE_SIZE,
        },
    )
