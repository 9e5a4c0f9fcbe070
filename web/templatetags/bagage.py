"""Words for the codes stored in the database, in the reader's language: no raw code in a sentence people read."""

import datetime as dt
import re

import phonenumbers
from django import template
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from common.validators import DEFAULT_PHONE_REGION
from distribution.appointments import words as appointment_words
from distribution.enums import AllocationKind, AllocationStatus, ReturnOutcome, ReturnReason
from inventory.enums import DeviceKind, DeviceStatus, ErasureMethod, ErasureResult, LineItemStatus
from inventory.models import Device
from labels.stocks import STOCKS
from referrals import policies as referral_policies
from referrals.enums import Accessory, ReferralStatus

register = template.Library()

# Languages a beneficiary may speak (the referral form offers them by their own names); named here in
# the reader's language. An unknown code falls back to the code itself.
LANGUAGE_NAMES = {
    "fr": _("French"),
    "en": _("English"),
    "ar": _("Arabic"),
    "uk": _("Ukrainian"),
    "ru": _("Russian"),
    "es": _("Spanish"),
    "pt": _("Portuguese"),
    "tr": _("Turkish"),
    "ro": _("Romanian"),
    "ps": _("Pashto"),
    "fa": _("Persian"),
    "ti": _("Tigrinya"),
    "so": _("Somali"),
}

# What a member of staff did with a beneficiary's details (BeneficiaryAccess.action).
ACCESS_ACTIONS = {
    "read": _("Read the details"),
    "decide": _("Read the details to decide"),
    "cancel": _("Read the details to cancel"),
    "events": _("Read the history"),
    "export": _("Exported the person's data"),
    "handover": _("Read the details to hand over the kit"),
    "admin": _("Read the details in the administration"),
    "receipt": _("Read the handover receipt"),
    "receipt_duplicate": _("Read a copy of the handover receipt"),
}

# A row of a CSV import report (inventory.services.ImportRow.status).
IMPORT_STATUSES = {
    "created": _("Created"),
    "valid": _("Valid"),
    "already_imported": _("Imported already"),
    "error": _("Error"),
}

# Label stocks in the reader's language (labels.stocks describes them in English, for logs and the API).
STOCK_DESCRIPTIONS = {
    "brother_62x29": _("Brother DK-11209, 62 × 29 mm pre-cut labels (QL, 300 dpi)"),
    "brother_62": _("Brother 62 mm continuous roll, cut at 40 mm (QL, 300 dpi)"),
    "zebra_4x2": _("Zebra 4 × 2 in, 101.6 × 50.8 mm (203 dpi)"),
    "dymo_99012": _("Dymo 99012, 89 × 36 mm (LabelWriter, 300 dpi)"),
    "avery_l7163": _("Avery L7163, A4 sheet of 14 labels, 99.1 × 38.1 mm (laser, 300 dpi)"),
    "avery_l7651": _("Avery L7651, A4 sheet of 65 labels, 38.1 × 21.2 mm (laser, 300 dpi)"),
}

# Keys of an import row's errors that are no column of the file.
IMPORT_ERROR_KEYS = {"duplicate": _("Duplicate")}

# History notes are stored as facts: the services write a fixed English pattern with codes and ISO dates (for logs
# and the API), and pages put it into words in the reader's language (`note_in_words`). Notes written before as
# translated sentences (`rendu : faulty`, `non retiré au …`) are recognised too. Any other note is a person's own
# words and is shown as written.
# erasure_record: "<method> with <tool>: <result> (<certificate>)".
_ERASURE_NOTE = re.compile(r"^(?P<method>\w+) with (?P<tool>.*): (?P<result>\w+)(?: \((?P<ref>.*)\))?$")
# device_register: "batch #12"; batch_import_devices: "CSV import into batch #12".
_BATCH_NOTE = re.compile(r"^(?P<csv>CSV import into )?batch #(?P<batch>\d+)$")
# referrals_expire: "no answer for 60 days".
_EXPIRY_NOTE = re.compile(r"^no answer for (?P<days>\d+) days$")
# device_return: "returned: faulty" (before: the sentence in the request's language).
_RETURN_NOTE = re.compile(r"^(?:returned|rendu) ?: (?P<reason>\w+)$")
# holds_expire: "not collected by 2026-12-17", on the referral prefixed with the kit's number.
_NOT_COLLECTED_NOTE = re.compile(r"^(?:not collected by|non retiré au) (?P<date>\d{4}-\d{2}-\d{2})$")
_APPOINTMENT_NOTE = re.compile(r"^appointment (?P<when>\d{4}-\d{2}-\d{2}T[\d:.+-]+)$")
_KIT_PREFIX = re.compile(r"^(?P<number>A-\d{4}-\d+): (?P<rest>.+)$", re.DOTALL)
# line_items_expire: "past its date (2026-11-30)"; line_items_add: "delivery".
_PAST_DATE_NOTE = re.compile(r"^past its date \((?P<date>\d{4}-\d{2}-\d{2})\)$")
# apply_retention: "receipt R-2026-000001 deleted after 10 years".
_RECEIPT_PURGED_NOTE = re.compile(r"^receipt (?P<number>R-\d{4}-\d+) deleted after (?P<years>\d+) years$")


def _day(iso: str) -> str:
    import datetime as dt

    from django.utils import formats

    try:
        return formats.date_format(dt.date.fromisoformat(iso), "SHORT_DATE_FORMAT")
    except ValueError:
        return iso


def note_in_words(note: str | None) -> str:
    """A history or audit note in the reader's language when Bagage wrote it; a person's note as written."""
    note = note or ""
    if match := _KIT_PREFIX.match(note):
        return f"{match['number']}: {note_in_words(match['rest'])}"
    if match := _ERASURE_NOTE.match(note):
        if match["method"] in ErasureMethod.values and match["result"] in ErasureResult.values:
            text = gettext("%(method)s with %(tool)s: %(result)s") % {
                "method": erasure_method(match["method"]),
                "tool": match["tool"],
                "result": erasure_result(match["result"]).lower(),
            }
            return f"{text} ({match['ref']})" if match["ref"] else text
    if match := _BATCH_NOTE.match(note):
        if match["csv"]:
            return gettext("CSV import into batch no. %(batch)s") % {"batch": match["batch"]}
        return gettext("Batch no. %(batch)s") % {"batch": match["batch"]}
    if match := _EXPIRY_NOTE.match(note):
        days = int(match["days"])
        return ngettext("No answer for %(days)s day", "No answer for %(days)s days", days) % {"days": days}
    if (match := _RETURN_NOTE.match(note)) and match["reason"] in ReturnReason.values:
        return gettext("Brought back: %(reason)s") % {"reason": _label(ReturnReason, match["reason"]).lower()}
    if match := _NOT_COLLECTED_NOTE.match(note):
        return gettext("Not collected by %(date)s") % {"date": _day(match["date"])}
    if match := _PAST_DATE_NOTE.match(note):
        return gettext("Past its date (%(date)s)") % {"date": _day(match["date"])}
    if note == "delivery":
        return gettext("Delivery")
    if note == "appointment cleared":
        return gettext("Appointment cancelled")
    if match := _APPOINTMENT_NOTE.match(note):
        try:
            when = dt.datetime.fromisoformat(match["when"])
        except ValueError:
            return note
        return gettext("Appointment: %(when)s") % {"when": appointment_words(when)}
    if match := _RECEIPT_PURGED_NOTE.match(note):
        years = int(match["years"])
        return ngettext(
            "Receipt %(number)s deleted after %(years)s year",
            "Receipt %(number)s deleted after %(years)s years",
            years,
        ) % {"number": match["number"], "years": years}
    return note


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return "" if value is None else str(value)


def _described_by(field) -> str:
    ids = [f"{field.auto_id}_helptext"] if field.help_text else []
    if field.errors:
        ids.append(f"{field.auto_id}_errors")
    return " ".join(ids)


@register.filter
def described_by(field) -> str:
    """The ids of a form field's help text and errors, for the aria-describedby of a group."""
    return _described_by(field)


@register.filter
def widget_described(field):
    """A form field's widget, linked to its help text and its errors so that screen readers read them."""
    attrs = {}
    if ids := _described_by(field):
        attrs["aria-describedby"] = ids
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def referral_status(value: str) -> str:
    return _label(ReferralStatus, value)


@register.filter
def device_status(value: str) -> str:
    return _label(DeviceStatus, value)


@register.filter
def device_kinds(values) -> str:
    return ", ".join(_label(DeviceKind, value) for value in values or [])


@register.filter
def line_item_status(value: str) -> str:
    return _label(LineItemStatus, value)


@register.filter
def erasure_method(value: str) -> str:
    return _label(ErasureMethod, value)


@register.filter
def erasure_result(value: str) -> str:
    return _label(ErasureResult, value)


@register.filter
def language_name(code: str) -> str:
    name = LANGUAGE_NAMES.get(code or "")
    return str(name) if name else (code or "")


@register.filter
def access_action(value: str) -> str:
    name = ACCESS_ACTIONS.get(value or "")
    return str(name) if name else (value or "")


@register.filter
def import_status(value: str) -> str:
    name = IMPORT_STATUSES.get(value or "")
    return str(name) if name else (value or "")


@register.filter
def import_field(name: str) -> str:
    """The column a CSV import error is about, as the device form names it."""
    if name in IMPORT_ERROR_KEYS:
        return str(IMPORT_ERROR_KEYS[name])
    try:
        return capfirst(str(Device._meta.get_field(name).verbose_name))
    except Exception:  # FieldDoesNotExist, or a name that is no field at all
        return name


@register.filter
def label_stock(name: str) -> str:
    if name in STOCK_DESCRIPTIONS:
        return str(STOCK_DESCRIPTIONS[name])
    stock = STOCKS.get(name or "")
    return stock.description if stock else (name or "")


@register.filter
def person(user) -> str:
    """A user by their full name; the username only when they have none."""
    if user is None:
        return ""
    return user.get_full_name() or user.username


@register.filter
def device_event_note(event) -> str:
    """A device history note, with the codes some events write into it put into words."""
    note = event.note or ""
    if event.kind == "label_printed":
        return gettext("Label printed on %(stock)s") % {"stock": label_stock((event.data or {}).get("stock") or note)}
    return note_in_words(note)


@register.filter
def referral_event_note(event) -> str:
    """A referral history note, with the ones Bagage writes itself (expiry, kits not collected) put into words."""
    if getattr(event, "kind", "") == "aftercare":
        return aftercare_in_words(event.data or {}) or event.note
    return note_in_words(event.note)


def aftercare_in_words(data: dict) -> str:
    """What happened after the handover (a referral's aftercare event), in the reader's language."""
    event, kind = data.get("event"), data.get("kind")
    if event == "returned" and data.get("outcome") in ReturnOutcome.values:
        text = gettext("%(tag)s brought back (%(reason)s): %(outcome)s") % {
            "tag": data.get("device", ""),
            "reason": _label(ReturnReason, data.get("reason", "")).lower(),
            "outcome": _label(ReturnOutcome, data["outcome"]).lower(),
        }
        return text if data.get("under_warranty") else f"{text} · {gettext('out of warranty')}"
    if kind not in AllocationKind.values:
        return ""
    what = _label(AllocationKind, kind)
    where = " · ".join(part for part in (data.get("allocation", ""), data.get("device", "")) if part)
    if event == "reserved":
        return gettext("%(what)s reserved: %(where)s") % {"what": what, "where": where}
    if event == "handed_over":
        text = gettext("%(what)s handed over: %(where)s") % {"what": what, "where": where}
        return f"{text} · {data['receipt']}" if data.get("receipt") else text
    return ""


@register.filter
def history_note(note: str) -> str:
    return note_in_words(note)


@register.filter
def appointment(value) -> str:
    """A pickup appointment as people read it: "jeudi 3 décembre 2026 à 10:30"."""
    return appointment_words(value) if value else ""


@register.filter
def kit_status(value: str) -> str:
    return _label(AllocationStatus, value)


@register.filter
def accessory(value: str) -> str:
    return _label(Accessory, value)


@register.filter
def error_anchor(field) -> str:
    """The id of the control an error summary's link moves to: the field's input, or a group's first choice."""
    if getattr(field, "use_fieldset", False):
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id


# A referral's status at a glance: a colour (CSS class), an icon (for who does not tell colours apart) and its word.
REFERRAL_STATUS_ICONS = {
    ReferralStatus.SUBMITTED: "➤",
    ReferralStatus.NEEDS_INFO: "?",
    ReferralStatus.ACCEPTED: "✓",
    ReferralStatus.REJECTED: "✕",
    ReferralStatus.ALLOCATED: "▣",
    ReferralStatus.HANDED_OVER: "✔",
    ReferralStatus.CANCELLED: "⊘",
    ReferralStatus.EXPIRED: "⌛",
    ReferralStatus.NO_SHOW: "∅",
}
# The statuses where the referring social worker must act: a mediator's question waits for their answer.
SOCIAL_WORKER_TURN = {ReferralStatus.NEEDS_INFO}


@register.simple_tag(takes_context=True)
def status_badge(context, status: str, testid: str = ""):
    """A referral's status as a badge: colour, icon and word, and « à vous » when the social worker must act."""
    user = context.get("user")
    yours = (
        status in SOCIAL_WORKER_TURN
        and user is not None
        and user.is_authenticated
        and not referral_policies.is_staff_reader(user)
    )
    word = format_html('<span data-testid="{}">{}</span>', testid, referral_status(status)) if testid else None
    return format_html(
        '<span class="status status-{}"><span class="status-icon" aria-hidden="true">{}</span> {}{}</span>',
        status,
        REFERRAL_STATUS_ICONS.get(status, "•"),
        word or referral_status(status),
        format_html(' <strong class="your-turn">{}</strong>', gettext("your turn")) if yours else "",
    )


@register.filter
def phone_national(value: str) -> str:
    """A stored E.164 number as people write it: 06 12 34 56 78 for France, +44 20 7946 0958 elsewhere."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return value
    if number.country_code == phonenumbers.country_code_for_region(DEFAULT_PHONE_REGION):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@register.filter
def message_reason(code: str) -> str:
    """Why a message failed or was not sent, in words."""
    from notifications.services import reason_words

    return reason_words(code)
