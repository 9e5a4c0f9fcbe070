"""The audit trail: one read-only list of every state change, merged from each domain's history rows.

Each source is a `values()` queryset of the same columns; they are joined with UNION ALL and ordered by time in
the database, so a page costs one COUNT and one page query whatever the number of sources. Filters (who, which
object, when) apply inside each source, where the indexes are. History rows are append-only
(common.history.AppendOnly): nothing here can be edited after the fact.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import BigIntegerField, F, QuerySet, TextField, Value
from django.db.models.functions import Cast, Coalesce

from accounts.models import AccountEvent
from distribution.models import AllocationEvent, Handover
from inventory.models import DeviceEvent, LineItemEvent
from referrals.models import AuthorisationDecision, BeneficiaryAccess, ReferralEvent


@dataclass(frozen=True)
class Source:
    object_type: str
    model: type
    object_field: str  # the changed object's id
    by_field: str = "by"
    action: str | None = None  # a field holding the action, or None for `default_action`
    default_action: str = "status"
    from_status: str | None = "from_status"
    to_status: str | None = "to_status"
    note: str | None = "note"


SOURCES = (
    Source("device", DeviceEvent, "device_id", action="kind"),
    Source("line_item", LineItemEvent, "item_id"),
    Source("referral", ReferralEvent, "referral_id", action="kind"),
    Source(
        "referral",
        BeneficiaryAccess,
        "referral_id",
        by_field="user",
        action="action",
        from_status=None,
        to_status=None,
        note=None,
    ),
    Source(
        "organisation",
        AuthorisationDecision,
        "organisation_id",
        default_action="authorisation",
        from_status=None,
        to_status="status",
    ),
    Source("allocation", AllocationEvent, "allocation_id"),
    Source(
        "allocation", Handover, "allocation_id", default_action="handover", from_status=None, to_status=None, note=None
    ),
    Source("account", AccountEvent, "user_id", action="kind", from_status=None, to_status=None),
)
OBJECT_TYPES = tuple(dict.fromkeys(source.object_type for source in SOURCES))
COLUMNS = ("a_at", "a_by_id", "a_by", "a_type", "a_object_id", "a_action", "a_from", "a_to", "a_note")


def _text(field: str | None, default: str = "") -> object:
    return Cast(F(field), TextField()) if field else Value(default, output_field=TextField())


def _source_rows(source: Source, *, user_id, object_id, since, until) -> QuerySet:
    qs = source.model.objects.all()
    if user_id is not None:
        qs = qs.filter(**{f"{source.by_field}_id": user_id})
    if object_id is not None:
        qs = qs.filter(**{source.object_field: object_id})
    if since is not None:
        qs = qs.filter(at__gte=since)
    if until is not None:
        qs = qs.filter(at__lt=until)
    columns = {
        "a_at": F("at"),
        "a_by_id": Cast(F(f"{source.by_field}_id"), BigIntegerField()),
        "a_by": Coalesce(Cast(F(f"{source.by_field}__username"), TextField()), Value("", output_field=TextField())),
        "a_type": Value(source.object_type, output_field=TextField()),
        "a_object_id": Cast(F(source.object_field), BigIntegerField()),
        "a_action": _text(source.action, source.default_action),
        "a_from": _text(source.from_status),
        "a_to": _text(source.to_status),
        "a_note": _text(source.note),
    }
    return qs.order_by().annotate(**columns).values(*COLUMNS)


def audit_entries(
    *,
    user_id: int | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet:
    """Every recorded change, newest first, as dicts of COLUMNS; filters are all optional."""
    sources = [s for s in SOURCES if object_type is None or s.object_type == object_type]
    parts = [_source_rows(s, user_id=user_id, object_id=object_id, since=since, until=until) for s in sources]
    first, rest = parts[0], parts[1:]
    return first.union(*rest, all=True).order_by("-a_at", "a_type", "-a_object_id")


def entry_out(row: dict) -> dict:
    """One row of `audit_entries` under the API's names."""
    return {
        "at": row["a_at"],
        "by_id": row["a_by_id"],
        "by": row["a_by"],
        "object_type": row["a_type"],
        "object_id": row["a_object_id"],
        "action": row["a_action"],
        "from_status": row["a_from"],
        "to_status": row["a_to"],
        "note": row["a_note"],
    }
