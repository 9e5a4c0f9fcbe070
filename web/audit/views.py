"""The audit trail for coordinators: every state change, filtered by who, which object and when."""

import datetime as dt

from django.shortcuts import render
from django.utils import timezone

from accounts.models import User
from audit import policies, selectors
from common.parsing import parse_id
from web.permissions import allowed

PAGE_SIZE = 200


def _day(value: str | None, *, end: bool = False) -> dt.datetime | None:
    try:
        day = dt.date.fromisoformat(value or "")
    except ValueError:
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
            "entries": [selectors.entry_out(row) for row in entries[:PAGE_SIZE]],
            "filters": request.GET,
            "object_types": selectors.OBJECT_TYPES,
            "page_size": PAGE_SIZE,
        },
    )
