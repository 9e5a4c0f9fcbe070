"""Forms of the kit pages; every value they clean is checked again by the distribution services."""

import datetime as dt

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from common.exceptions import ValidationFailed
from distribution.appointments import words
from distribution.enums import AllocationKind, Payment, ReturnOutcome, ReturnReason
from distribution.models import Allocation, Return
from distribution.validators import CONTRIBUTION_MAX, clean_contribution, clean_signature
from referrals.enums import Accessory
from web.forms import show_error

# A data URL of the largest signature the validator accepts (200 KB of PNG, base64).
SIGNATURE_MAX_CHARS = 300_000


def choice_key(suggestion) -> str:
    """One suggested kit as a form value that survives a refreshed list: device tag and SIM/voucher id."""
    device = suggestion.device.asset_tag if suggestion.device else ""
    item = str(suggestion.line_item.pk) if suggestion.line_item else ""
    return f"{device}|{item}"


class ReserveForm(forms.Form):
    choice = forms.ChoiceField(
        label=gettext_lazy("Suggested kits"),
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": gettext_lazy("This kit is no longer available (reserved a moment ago?): choose another."),
            "required": gettext_lazy("Choose one of the kits."),
        },
    )
    accessories = forms.MultipleChoiceField(
        label=gettext_lazy("Accessories"),
        choices=Accessory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    pickup_at = forms.ChoiceField(
        label=gettext_lazy("Appointment to collect the kit"),
        required=False,
        help_text=gettext_lazy("Optional: the next free slots of the site's opening hours."),
        error_messages={
            "invalid_choice": gettext_lazy("This slot is no longer free (taken a moment ago?): choose another."),
        },
    )

    def __init__(self, *args, suggestions=(), slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.suggestions = list(suggestions)
        self.fields["choice"].choices = [(choice_key(s), str(s.rank)) for s in self.suggestions]
        self.fields["pickup_at"].choices = appointment_choices(slots)

    def chosen_pickup(self):
        """The appointment chosen (after is_valid()), or None."""
        return parse_slot(self.cleaned_data.get("pickup_at"))

    def chosen(self):
        """The suggestion the mediator ticked (after is_valid())."""
        key = self.cleaned_data["choice"]
        return next(s for s in self.suggestions if choice_key(s) == key)


def appointment_choices(slots) -> list:
    """ "No appointment", then the free slots grouped by day (a select that the keyboard walks)."""
    days: dict[str, list] = {}
    for slot in slots:
        local = timezone.localtime(slot.starts_at)
        day = formats.date_format(local, "l j F")
        label = formats.time_format(local, "TIME_FORMAT")
        if slot.free < slot.capacity:
            label = ngettext("%(time)s (%(free)s place left)", "%(time)s (%(free)s places left)", slot.free) % {
                "time": label,
                "free": slot.free,
            }
        days.setdefault(day, []).append((slot.value, label))
    return [("", gettext("No appointment"))] + list(days.items())


def parse_slot(value: str | None):
    """A slot's form value as an aware datetime (None when empty)."""
    return dt.datetime.fromisoformat(value) if value else None


class AppointmentForm(forms.Form):
    pickup_at = forms.ChoiceField(
        label=gettext_lazy("Appointment"),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("This slot is no longer free (taken a moment ago?): choose another."),
        },
    )

    def __init__(self, *args, slots=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = appointment_choices(slots)
        if current is not None:
            value = timezone.localtime(current).isoformat()
            choices.insert(1, (value, gettext("%(when)s (the current one)") % {"when": words(current)}))
            self.fields["pickup_at"].initial = value
        self.fields["pickup_at"].choices = choices

    def chosen_pickup(self):
        return parse_slot(self.cleaned_data.get("pickup_at"))


class ReleaseForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Why (optional)"),
        max_length=Allocation._meta.get_field("close_note").max_length,
        required=False,
    )


class HandoverForm(forms.Form):
    device_starts = forms.BooleanField(label=gettext_lazy("The device starts"), required=False)
    sim_tested = forms.BooleanField(label=gettext_lazy("SIM card inserted and tested"), required=False)
    email_account = forms.BooleanField(label=gettext_lazy("E-mail address created or checked"), required=False)
    first_steps_session = forms.BooleanField(label=gettext_lazy("First steps done or appointment made"), required=False)
    contribution_eur = forms.DecimalField(
        label=gettext_lazy("Contribution (€)"),
        min_value=0,
        max_value=CONTRIBUTION_MAX,
        max_digits=7,
        decimal_places=2,
        required=False,
        initial=0,
        widget=forms.NumberInput(attrs={"step": "0.50", "inputmode": "decimal"}),
    )
    payment = forms.ChoiceField(
        label=gettext_lazy("Payment"), choices=Payment.choices, initial=Payment.FREE, widget=forms.RadioSelect
    )
    accessories = forms.MultipleChoiceField(
        label=gettext_lazy("Accessories handed"),
        choices=Accessory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    signature_png = forms.CharField(widget=forms.HiddenInput, required=False, max_length=SIGNATURE_MAX_CHARS)
    signed_on_paper = forms.BooleanField(label=gettext_lazy("Signed on paper"), required=False)

    CHECKLIST = ("device_starts", "sim_tested", "email_account", "first_steps_session")

    def __init__(self, *args, allocation=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.checks = self.CHECKLIST
        if allocation is not None:
            # Only what this kit gives: no device check for a top-up, no SIM test for a device alone.
            keep = {"email_account", "first_steps_session"} if allocation.kind != AllocationKind.TOPUP else set()
            if allocation.device_id:
                keep.add("device_starts")
            if allocation.line_item_id and allocation.line_item.iccid:
                keep.add("sim_tested")
            self.checks = tuple(name for name in self.CHECKLIST if name in keep)

    def checklist_fields(self):
        return [self[name] for name in self.checks]

    def checklist(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(name)) and name in self.checks for name in self.CHECKLIST}

    def clean(self):
        """Every refusal at once, beside its field (the service checks the same again)."""
        data = super().clean()
        amount = data.get("contribution_eur")
        data["contribution_eur"] = amount if amount is not None else 0
        checks = []
        if "payment" in data and "contribution_eur" not in self.errors:
            checks.append(lambda: clean_contribution(data["contribution_eur"], data["payment"]))
        if "signature_png" not in self.errors:
            checks.append(
                lambda: clean_signature(data.get("signature_png") or None, data.get("signed_on_paper", False))
            )
        for check in checks:
            try:
                check()
            except ValidationFailed as exc:
                show_error(self, exc)
        return data


class ReturnForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=ReturnReason.choices, widget=forms.RadioSelect)
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=ReturnOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=Return._meta.get_field("note").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    replacement = forms.ChoiceField(
        label=gettext_lazy("Replacement device (for a swap)"),
        required=False,
        help_text=gettext_lazy("Ready devices of the same kind at the person's reception point, best first."),
        error_messages={
            "invalid_choice": gettext_lazy("This device is no longer ready (reserved a moment ago?): choose another.")
        },
    )
    present = forms.BooleanField(
        label=gettext_lazy("The person is here: hand the new device over now"),
        required=False,
        help_text=gettext_lazy("Otherwise the new kit is held for them as usual."),
    )

    def __init__(self, *args, replacements=(), under_warranty: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        devices = list(replacements)
        self.fields["replacement"].choices = [
            (d.asset_tag, f"{d.asset_tag} · {d.brand} {d.model} · {d.grade}".strip()) for d in devices
        ]
        if devices and not self.is_bound:
            self.initial.setdefault("replacement", devices[0].asset_tag)
        if not under_warranty:
            # Out of warranty only a return is possible: the other outcomes are not offered.
            self.fields["outcome"].choices = [(ReturnOutcome.RETURN, ReturnOutcome.RETURN.label)]
            self.initial.setdefault("outcome", ReturnOutcome.RETURN)
            del self.fields["replacement"], self.fields["present"]


class TopupForm(forms.Form):
    """Pick the SIM card or voucher of a top-up: the first to expire is proposed (FEFO), another may be taken."""

    line_item = forms.ChoiceField(
        label=gettext_lazy("Connectivity"),
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": gettext_lazy("This one is no longer available (taken a moment ago?): choose another."),
            "required": gettext_lazy("Choose a SIM card or voucher."),
        },
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.fields["line_item"].choices = [(str(item.pk), str(item.pk)) for item in self.items]
        if self.items and not self.is_bound:
            self.initial.setdefault("line_item", str(self.items[0].pk))


class GiveBackForm(forms.Form):
    present = forms.BooleanField(
        label=gettext_lazy("The person is here: hand it over now"),
        required=False,
    )
