"""The referral form: what a social worker writes, checked again by the referrals validators."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inventory.enums import DeviceKind
from referrals.enums import Accessory, Connectivity, Eligibility, Reason, Urgency
from sites.selectors import reception_points

LANGUAGES = [
    ("fr", "Français"),
    ("en", "English"),
    ("ar", "العربية"),
    ("uk", "Українська"),
    ("ru", "Русский"),
    ("es", "Español"),
    ("pt", "Português"),
    ("tr", "Türkçe"),
    ("ro", "Română"),
    ("ps", "پښتو"),
    ("fa", "فارسی"),
    ("ti", "ትግርኛ"),
    ("so", "Soomaali"),
]


class ReferralForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=5)
    birth_year = forms.IntegerField(label=_("Birth year"))
    language = forms.ChoiceField(label=_("Language spoken"), choices=LANGUAGES, initial="fr")
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        max_length=200,
        required=False,
        help_text=_("Only what helps give the kit (large print, sign language…); no health details."),
    )
    eligibility = forms.MultipleChoiceField(
        label=_("Eligibility"), choices=Eligibility.choices, widget=forms.CheckboxSelectMultiple
    )
    eligibility_note = forms.CharField(label=_("If other, which"), max_length=200, required=False)
    device_kinds = forms.MultipleChoiceField(
        label=_("Device"), choices=DeviceKind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    connectivity = forms.ChoiceField(
        label=_("Connectivity"), choices=Connectivity.choices, widget=forms.RadioSelect, initial=Connectivity.SIM
    )
    accessories = forms.MultipleChoiceField(
        label=_("Accessories"), choices=Accessory.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.ChoiceField(label=_("What it is for"), choices=Reason.choices)
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, widget=forms.RadioSelect, initial=Urgency.NORMAL
    )
    urgency_justification = forms.CharField(label=_("Why it is urgent"), max_length=500, required=False)
    site = forms.ModelChoiceField(label=_("Reception point"), queryset=reception_points().none(), to_field_name="code")
    notes = forms.CharField(label=_("Notes for the mediator"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    consent = forms.BooleanField(
        label=_("The person agrees that the association keeps these details to give them a kit."),
    )
    # The notice version shown beside the consent box: the one recorded, even if a newer one is published meanwhile.
    consent_version = forms.CharField(widget=forms.HiddenInput, max_length=20, required=False)

    def __init__(self, *args, notice_version: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = reception_points()
        self.fields["consent_version"].initial = notice_version

    def fields_before_consent(self) -> list:
        return [field for field in self if field.name not in ("consent", "consent_version")]

    def consent_fields(self) -> list:
        return [self["consent"]]

    def chosen_language(self) -> str:
        """The language select's value as the page shows it (typed, or the initial one)."""
        return str(self["language"].value() or "fr")
