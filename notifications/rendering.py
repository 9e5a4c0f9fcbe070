"""Messages rendered from the plain data a domain service handed over, in the recipient's language.

E-mails: a subject and paragraphs chosen here (gettext), laid out by `notifications/email/message.{txt,html}`.
SMS: one template per language and kind (`notifications/sms/<language>/<kind>.txt`), French when the person's
language has none; kept to one SMS where the data allows (the opening hours go first when it is too long).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from notifications.gsm import sms_parts
from notifications.ics import appointment_ics

APPOINTMENT_MINUTES = 15


@dataclass
class Email:
    subject: str
    text: str
    html: str
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


def _date(value: str) -> str:
    day = parse_date(value) if value else None
    return formats.date_format(day, "DATE_FORMAT") if day else ""


def _datetime(value: str) -> dt.datetime | None:
    moment = parse_datetime(value) if value else None
    return timezone.localtime(moment) if moment else None


def _when(moment: dt.datetime) -> str:
    return _("%(date)s at %(time)s") % {
        "date": formats.date_format(moment, "DATE_FORMAT"),
        "time": formats.time_format(moment, "TIME_FORMAT"),
    }


def _paragraphs(kind: str, ctx: dict) -> tuple[str, list[str]]:
    person = ctx.get("person", "")
    number = ctx.get("referral_id")
    site = ctx.get("site") or {}
    if kind == "referral_accepted":
        return _("Referral #%(id)s accepted") % {"id": number}, [
            _("The referral of %(person)s is accepted. We will tell you when a kit is ready.") % {"person": person}
        ]
    if kind == "needs_info":
        return _("Referral #%(id)s: more information needed") % {"id": number}, [
            _("The mediator needs more information about the referral of %(person)s:") % {"person": person},
            ctx.get("reason", ""),
            _("Answer on the referral's page."),
        ]
    if kind == "referral_rejected":
        return _("Referral #%(id)s rejected") % {"id": number}, [
            _("The referral of %(person)s is rejected, for this reason:") % {"person": person},
            ctx.get("reason", ""),
        ]
    if kind == "kit_ready":
        lines = [
            _("A kit is ready for %(person)s at %(site)s, %(address)s.")
            % {"person": person, "site": site.get("name", ""), "address": site.get("address", "")},
        ]
        if site.get("opening_hours"):
            lines.append(_("Opening hours: %(hours)s.") % {"hours": site["opening_hours"]})
        lines.append(_("It is held until %(date)s.") % {"date": _date(ctx.get("hold_until", ""))})
        pickup = _datetime(ctx.get("pickup_at", ""))
        if pickup:
            lines.append(_("Appointment: %(when)s (in the attached calendar file).") % {"when": _when(pickup)})
        cancelled = _datetime(ctx.get("pickup_cancelled_at", ""))
        if cancelled and not pickup:
            lines.append(
                _("The appointment of %(when)s is cancelled: the kit can be collected during opening hours.")
                % {"when": _when(cancelled)}
            )
        return _("Referral #%(id)s: the kit is ready") % {"id": number}, lines
    if kind == "kit_released":
        if ctx.get("missed"):
            lines = [
                _("%(person)s did not collect the kit %(kit)s by %(date)s: it went back to stock.")
                % {"person": person, "kit": ctx.get("kit", ""), "date": _date(ctx.get("hold_until", ""))}
            ]
        else:
            lines = [
                _("The kit %(kit)s held for %(person)s at %(site)s was released by the reception point.")
                % {"kit": ctx.get("kit", ""), "person": person, "site": site.get("name", "")}
            ]
        cancelled = _datetime(ctx.get("pickup_cancelled_at", ""))
        if cancelled:
            lines.append(
                _("The appointment of %(when)s is cancelled (in the attached calendar file).")
                % {"when": _when(cancelled)}
            )
        lines.append(_("The referral waits for a new kit: we will tell you when one is ready."))
        return _("Referral #%(id)s: the kit is no longer held") % {"id": number}, lines
    if kind == "handed_over":
        return _("Referral #%(id)s: kit handed over") % {"id": number}, [
            _("%(person)s collected the kit %(kit)s.") % {"person": person, "kit": ctx.get("kit", "")}
        ]
    if kind == "no_show":
        return _("Referral #%(id)s: the kit was never collected") % {"id": number}, [
            _("%(person)s did not collect the kit held for them, twice. The referral is closed as a no-show.")
            % {"person": person}
        ]
    raise ValueError(f"no e-mail for {kind}")


def render_email(kind: str, ctx: dict, language: str) -> Email:
    with translation.override(language):
        subject, paragraphs = _paragraphs(kind, ctx)
        data = {"subject": subject, "paragraphs": [p for p in paragraphs if p], "link": ctx.get("link", "")}
        email = Email(
            subject=f"Bagage — {subject}",
            text=render_to_string("notifications/email/message.txt", data),
            html=render_to_string("notifications/email/message.html", data),
        )
        # The calendar event: this appointment (moved: the same UID, a higher SEQUENCE), or the cancellation of
        # the one cleared.
        pickup = _datetime(ctx.get("pickup_at", ""))
        cancelled = None if pickup else _datetime(ctx.get("pickup_cancelled_at", ""))
        if kind in ("kit_ready", "kit_released") and (pickup or cancelled):
            site = ctx.get("site") or {}
            email.attachments.append(
                (
                    "rendez-vous.ics" if language == "fr" else "appointment.ics",
                    appointment_ics(
                        uid=f"bagage-kit-{ctx.get('kit', number_or(ctx))}@bagage",
                        start=pickup or cancelled,
                        minutes=int(ctx.get("pickup_minutes") or APPOINTMENT_MINUTES),
                        summary=_("Kit pickup: %(person)s") % {"person": ctx.get("person", "")},
                        location=f"{site.get('name', '')}, {site.get('address', '')}",
                        organizer=settings.DEFAULT_FROM_EMAIL,
                        sequence=int(ctx.get("pickup_sequence") or 0),
                        cancelled=cancelled is not None,
                    ),
                    "text/calendar",
                )
            )
    return email


def number_or(ctx: dict) -> str:
    return str(ctx.get("referral_id", ""))


def sms_template(kind: str, language: str):
    for candidate in (language, "fr"):
        try:
            return candidate, get_template(f"notifications/sms/{candidate}/{kind}.txt")
        except TemplateDoesNotExist:
            continue
    raise TemplateDoesNotExist(f"notifications/sms/fr/{kind}.txt")


def render_sms(kind: str, ctx: dict, language: str) -> str:
    """The SMS text; without the opening hours, then the address, when they would make it two SMS."""
    language, template = sms_template(kind, language)
    with translation.override(language):
        site = ctx.get("site") or {}
        pickup = _datetime(ctx.get("pickup_at", ""))
        hold = parse_date(ctx.get("hold_until", "")) if ctx.get("hold_until") else None
        data = {
            "first_name": ctx.get("first_name", ""),
            "site": site.get("name", ""),
            "address": site.get("address", ""),
            "hours": site.get("opening_hours", ""),
            "hold_until": hold.strftime("%d/%m") if hold else "",
            "pickup_day": pickup.strftime("%d/%m") if pickup else "",
            "pickup_time": pickup.strftime("%H:%M") if pickup else "",
        }
        text = ""
        for drop in ((), ("hours",), ("hours", "address")):
            text = " ".join(template.render({**data, **dict.fromkeys(drop, "")}).split())
            if sms_parts(text) == 1:
                break
        return text
