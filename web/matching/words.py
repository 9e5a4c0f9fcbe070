"""An allocation plan in the reader's words: the planner's structured reasons, never its English text."""

import datetime as dt

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from inventory.enums import DeviceKind

# Why confirming a line reserved nothing (the code allocation_reserve or proposal_confirm gave).
REFUSALS = {
    "already_reserved": lambda: _("already reserved in the meantime"),
    "already_confirmed": lambda: _("confirmed already"),
    "device_not_ready": lambda: _("the device is no longer ready to give"),
    "line_item_not_available": lambda: _("the SIM card or voucher is no longer available"),
    "line_item_expires_too_soon": lambda: _("the SIM card or voucher expires before the end of the hold"),
    "invalid_transition": lambda: _("the referral no longer waits for a kit"),
    "not_found": lambda: _("you no longer decide on this referral"),
    "device_kind_not_wanted": lambda: _("the request changed since the plan"),
    "device_not_wanted": lambda: _("the request changed since the plan"),
    "line_item_kind_not_wanted": lambda: _("the request changed since the plan"),
    "line_item_not_wanted": lambda: _("the request changed since the plan"),
    "unknown_device": lambda: _("the device is no longer in stock"),
    "unknown_line_item": lambda: _("the SIM card or voucher is no longer in stock"),
}


def _date(iso: str | None) -> str:
    if not iso:
        return ""
    return formats.date_format(dt.date.fromisoformat(iso), "SHORT_DATE_FORMAT")


def _kind(value: str) -> str:
    try:
        return str(DeviceKind(value).label).lower()
    except ValueError:
        return value


def _connectivity(value: str) -> str:
    return _("SIM card") if value == "sim" else _("top-up voucher")


def _waited(why: dict) -> str:
    days = why.get("waited_days", 0)
    text = ngettext("waiting for %(days)s day", "waiting for %(days)s days", days) % {"days": days}
    if why.get("urgent"):
        text += ", " + _("urgent (counts as %(days)s days)") % {"days": why.get("priority_days", days)}
    return text


def line_reasons(why: dict, site_names: dict[str, str]) -> list[str]:
    """Why the plan gives this kit to this referral, in short phrases."""
    reasons = [_waited(why)]
    if why.get("kind"):
        grade = {"grade": why.get("grade", "")}
        if why.get("same_site"):
            reasons.append(_("grade %(grade)s, at the pickup site") % grade)
        else:
            site = site_names.get(why.get("transfer_from") or "", why.get("transfer_from") or "")
            reasons.append(_("grade %(grade)s, from %(site)s") % {**grade, "site": site})
    if why.get("item_kind"):
        words = {"what": _connectivity(why["item_kind"]), "date": _date(why.get("item_expires_on"))}
        reasons.append(_("%(what)s expiring %(date)s, among the first to expire") % words)
    return reasons


def transfers(why: dict, site_names: dict[str, str]) -> list[str]:
    """What travels to the pickup site for this kit ("device from Lyon"), if anything."""
    moves = []
    if why.get("transfer_from"):
        site = site_names.get(why["transfer_from"], why["transfer_from"])
        moves.append(_("device from %(site)s") % {"site": site})
    if why.get("item_transfer_from"):
        site = site_names.get(why["item_transfer_from"], why["item_transfer_from"])
        moves.append(_("%(what)s from %(site)s") % {"what": _connectivity(why.get("item_kind", "")), "site": site})
    return moves


def unserved_reason(code: str, why: dict) -> str:
    """Why the plan leaves a referral waiting, in a sentence."""
    waited = _waited(why)
    if code == "nothing_requested":
        text = _("Asks for neither a device nor connectivity.")
    elif code == "no_fitting_device_anywhere":
        kinds = f" {_('or')} ".join(_kind(kind) for kind in why.get("device_kinds", []))
        text = _("No device of the kind asked for (%(kinds)s) is ready on any site.") % {"kinds": kinds}
    elif code == "no_fitting_connectivity_anywhere":
        text = _("No %(what)s lasting until the end of the hold on any site.") % {
            "what": _connectivity(why.get("connectivity", ""))
        }
        expiring = why.get("expiring_before_hold") or 0
        if expiring:
            text += " " + ngettext("(%(count)s expires before then.)", "(%(count)s expire before then.)", expiring) % {
                "count": expiring
            }
    elif code == "outranked":
        short = why.get("short_of") or []
        if short == ["device"]:
            text = _("The fitting devices go to referrals of greater priority.")
        elif short == ["connectivity"]:
            text = _("The fitting SIM cards or vouchers go to referrals of greater priority.")
        else:
            text = _("The fitting stock goes to referrals of greater priority.")
        least = why.get("least_priority_served_instead")
        if least is not None:
            text += " " + _("The least of them counts %(days)s days.") % {"days": least}
    else:
        text = _("No kit fits for now.")
    return f"{text} ({waited})"


def refusal(code: str) -> str:
    """Why a confirmed line reserved nothing, in words."""
    words = REFUSALS.get(code)
    return words() if words else _("it could not be reserved")


def item_label(item) -> str:
    """A SIM card or voucher as a mediator recognises it on the shelf: offer, last four characters, expiry."""
    code = item.masked_code or ""
    return _("%(offer)s %(code)s, expires %(date)s") % {
        "offer": item.offer.name,
        "code": code,
        "date": formats.date_format(item.expires_on, "SHORT_DATE_FORMAT"),
    }
