"""The audit trail: one read-only list of every state change, merged from each domain's history rows.

Reads are no changes: who read a person's details is the access log's (referrals.BeneficiaryAccess), never here,
so that opening a handover page never looks like a handover.

Each source is a `values()` queryset of the same columns; they are joined with UNION ALL and ordered by time in
the database, so a page costs one COUNT and one page query whatever the number of sources. Filters (who, which
object, when) apply inside each source, where the indexes are. History rows are append-only
(common.history.AppendOnly): nothing here can be edited after the fact.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import BigIntegerField, Case, F, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Cast, Coalesce, Concat

from accounts.models import AccountEvent, User
from distribution.models import Allocation, AllocationEvent, Handover, Receipt
from inventory.models import Device, DeviceEvent, LineItem, LineItemEvent, mask_secret
from notifications.models import Message
from referrals.models import AuthorisationDecision, Organisation, ReferralEvent


@dataclass(frozen=True)
class Source:
    object_type: str
    model: type
    object_field: str  # the changed object's id
    by_field: str | None = "by"  # None: done by Bagage itself (the worker)
    at_field: str = "at"
    only: Q | None = None  # the rows of the model that are this source's events
    action: str | None = None  # a field holding the action, or None for `default_action`
    default_action: str = "status"
    from_status: str | None = "from_status"
    to_status: str | None = "to_status"
    note: str | None = "note"


SOURCES = (
    Source("device", DeviceEvent, "device_id", action="kind"),
    Source("line_item", LineItemEvent, "item_id"),
    Source("referral", ReferralEvent, "referral_id", action="referral_kind"),
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
    # Messages about a referral (notifications): queued with the event that caused them, then sent, failed or
    # not sent; the channel and kind only, never the address or the text. Recorded under the referral.
    Source(
        "referral",
        Message,
        "referral_id",
        by_field=None,
        at_field="created_at",
        only=Q(referral_id__isnull=False),
        default_action="message_queued",
        from_status=None,
        to_status=None,
        note="message",
    ),
    Source(
        "referral",
        Message,
        "referral_id",
        by_field=None,
        at_field="sent_at",
        only=Q(referral_id__isnull=False, sent_at__isnull=False),
        default_action="message_sent",
        from_status=None,
        to_status=None,
        note="message",
    ),
    Source(
        "referral",
        Message,
        "referral_id",
        by_field=None,
        at_field="failed_at",
        only=Q(referral_id__isnull=False, failed_at__isnull=False),
        action="failure",
        from_status=None,
        to_status=None,
        note="message_reason",
    ),
)
OBJECT_TYPES = tuple(dict.fromkeys(source.object_type for source in SOURCES))
COLUMNS = ("a_at", "a_by_id", "a_by", "a_type", "a_object_id", "a_action", "a_from", "a_to", "a_note")


def _text(field: str | None, default: str = "") -> object:
    if field == "message":  # "sms kit_ready"
        return Concat(F("channel"), Value(" "), F("kind"), output_field=TextField())
    if field == "message_reason":  # "sms kit_ready: invalid_number", the reason's code when it was not sent
        return Concat(
            F("channel"),
            Value(" "),
            F("kind"),
            Case(When(error="", then=Value("")), default=Concat(Value(": "), F("error"))),
            output_field=TextField(),
        )
    if field == "failure":  # failed, or not sent on purpose (opted out)
        return Case(
            When(status="skipped", then=Value("message_skipped")),
            default=Value("message_failed"),
            output_field=TextField(),
        )
    if field == "referral_kind":  # a mediator recording a person's SMS "stop" (the consent off) is told apart
        return Case(
            When(kind="updated", data__changed=["sms_consent"], then=Value("sms_stopped")),
            default=Cast(F("kind"), TextField()),
            output_field=TextField(),
        )
    return Cast(F(field), TextField()) if field else Value(default, output_field=TextField())


def _source_rows(source: Source, *, user_id, object_id, since, until) -> QuerySet:
    qs = source.model.objects.all()
    if source.only is not None:
        qs = qs.filter(source.only)
    if user_id is not None:
        qs = qs.filter(**{f"{source.by_field}_id": user_id})
    if object_id is not None:
        qs = qs.filter(**{source.object_field: object_id})
    if since is not None:
        qs = qs.filter(**{f"{source.at_field}__gte": since})
    if until is not None:
        qs = qs.filter(**{f"{source.at_field}__lt": until})
    if source.by_field is None:
        by_id, by = Value(None, output_field=BigIntegerField()), Value("", output_field=TextField())
    else:
        by_id = Cast(F(f"{source.by_field}_id"), BigIntegerField())
        by = Coalesce(Cast(F(f"{source.by_field}__username"), TextField()), Value("", output_field=TextField()))
    columns = {
        "a_at": F(source.at_field),
        "a_by_id": by_id,
        "a_by": by,
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
    sources = [
        s
        for s in SOURCES
        if (object_type is None or s.object_type == object_type) and (user_id is None or s.by_field is not None)
    ]
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


@dataclass(frozen=True)
class ObjectRef:
    """An object of the trail as people know it: its number (asset tag, kit or receipt number, #id) or name."""

    object_type: str
    object_id: int
    number: str
    key: str | int  # what its page is found by: asset tag, receipt number, id
    page: str  # which page: "device", "kit", "receipt", "referral", "offer", "partner", "" for none


def _people(ids: set[int]) -> dict[int, str]:
    return {
        pk: f"{first} {last}".strip() or username
        for pk, first, last, username in User.objects.filter(pk__in=ids).values_list(
            "pk", "first_name", "last_name", "username"
        )
    }


def describe(entries: list[dict]) -> tuple[dict[int, str], dict[tuple[str, int], ObjectRef], dict[int, ObjectRef]]:
    """For a page of entry_out() rows: who by name (user id → name), each object by its number, and each
    handover's receipt (allocation id → receipt). One query per kind of object on the page, whatever its size."""
    ids: dict[str, set[int]] = {}
    for entry in entries:
        ids.setdefault(entry["object_type"], set()).add(entry["object_id"])
    people_ids = {e["by_id"] for e in entries if e["by_id"]} | ids.get("account", set())
    people = _people(people_ids)
    refs: dict[tuple[str, int], ObjectRef] = {}
    if ids.get("device"):
        for pk, tag in Device.objects.filter(pk__in=ids["device"]).values_list("pk", "asset_tag"):
            refs["device", pk] = ObjectRef("device", pk, tag, tag, "device")
    if ids.get("allocation"):
        for pk, number in Allocation.objects.filter(pk__in=ids["allocation"]).values_list("pk", "number"):
            refs["allocation", pk] = ObjectRef("allocation", pk, number, pk, "kit")
    if ids.get("line_item"):
        rows = LineItem.objects.filter(pk__in=ids["line_item"]).values_list("pk", "iccid", "voucher_code", "offer_id")
        for pk, iccid, voucher, offer_id in rows:
            refs["line_item", pk] = ObjectRef(
                "line_item", pk, iccid or mask_secret(voucher) or f"#{pk}", offer_id, "offer"
            )
    if ids.get("organisation"):
        for pk, name in Organisation.objects.filter(pk__in=ids["organisation"]).values_list("pk", "name"):
            refs["organisation", pk] = ObjectRef("organisation", pk, name, pk, "partner")
    for pk in ids.get("referral", ()):
        refs["referral", pk] = ObjectRef("referral", pk, f"#{pk}", pk, "referral")
    for pk in ids.get("account", ()):
        refs["account", pk] = ObjectRef("account", pk, people.get(pk, f"#{pk}"), pk, "")
    handed = {e["object_id"] for e in entries if e["object_type"] == "allocation" and e["action"] == "handover"}
    receipts = {
        allocation_id: ObjectRef("allocation", allocation_id, number, number, "receipt")
        for allocation_id, number in Receipt.objects.filter(handover__allocation_id__in=handed).values_list(
            "handover__allocation_id", "number"
        )
    }
    return people, refs, receipts


def find_object(number: str, object_type: str | None = None) -> tuple[str, int] | None:
    """The object a number names, as the audit page is asked for it: an asset tag, a kit number (A-…), a receipt
    number (R-…, its kit), a referral's #number, or with `object_type` that object's plain number."""
    text = number.strip()
    plain = text.lstrip("#")
    if plain.isascii() and plain.isdigit() and len(plain) < 18:  # "²".isdigit() is true
        return (object_type or "referral", int(plain)) if object_type != "device" else _device(text)
    if object_type in (None, "device") and (found := _device(text)):
        return found
    if object_type in (None, "allocation"):
        allocation = Allocation.objects.filter(number__iexact=text).values_list("pk", flat=True).first()
        if allocation is None:
            allocation = (
                Receipt.objects.filter(number__iexact=text).values_list("handover__allocation_id", flat=True).first()
            )
        if allocation is not None:
            return ("allocation", allocation)
    if object_type in (None, "line_item"):
        item = LineItem.objects.filter(iccid=text).values_list("pk", flat=True).first()
        if item is not None:
            return ("line_item", item)
    return None


def _device(text: str) -> tuple[str, int] | None:
    pk = Device.objects.filter(asset_tag__iexact=text).values_list("pk", flat=True).first()
    return ("device", pk) if pk is not None else None


def find_person(text: str) -> list[int]:
    """The accounts a name or username names: the username exactly, else the full name (first and last)."""
    text = " ".join(text.split())
    by_username = list(User.objects.filter(username__iexact=text).values_list("pk", flat=True))
    if by_username:
        return by_username
    people = User.objects.all()
    for word in text.split():
        people = people.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return list(people.values_list("pk", flat=True)[:5])
