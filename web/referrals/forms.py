"""The referral form: what a social worker writes, checked again by the referrals validators."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inventory.enums import DeviceKind
from referrals.enums import Accessory, Connectivity, Eligibility, Reason, Urgency
from referrals.validators import BENEFICIARY_FIELDS, clean_consent, referral_field_errors
from sites.selectors import reception_points
from web import inputs
from web.forms import show_error

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
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False, widget=forms.TextInput(attrs=inputs.PHONE))
    email = forms.EmailField(label=_("E-mail"), required=False, widget=forms.EmailInput(attrs=inputs.EMAIL))
    postal_code = forms.CharField(
        label=_("Postal code"), max_length=5, widget=forms.TextInput(attrs=inputs.POSTAL_CODE)
    )
    birth_year = forms.IntegerField(label=_("Birth year"), widget=forms.TextInput(attrs=inputs.YEAR))
    language = forms.ChoiceField(label=_("Language spoken"), choices=LANGUAGES, initial="fr")
    sms_consent = forms.BooleanField(
        label=_("The person agrees to receive SMS about the kit"),
        required=False,
        help_text=_(
            "Three SMS at most, with their first name only: when the kit is ready (where, until when), two days "
            "before the hold ends, and the day before an appointment. In their language when we have the text "
            "(French and English), else in French. They can say stop at any time to a mediator."
        ),
    )
    sms_phone = forms.CharField(
        label=_("Phone for the SMS"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs=inputs.PHONE),
        help_text=_("Theirs if empty; may be a relative's."),
    )
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
    # Nothing chosen beforehand: the social worker says what the person needs (or none).
    connectivity = forms.ChoiceField(
        label=_("Connectivity"),
        choices=Connectivity.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the connectivity the person needs, or “none”.")},
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
    # Checked by the referrals validators with the other fields (clean()), so that its refusal comes with theirs.
    consent = forms.BooleanField(
        label=_("The person agrees that the association keeps these details to give them a kit."), required=False
    )
    # The notice version shown beside the consent box: the one recorded, even if a newer one is published meanwhile.
    consent_version = forms.CharField(widget=forms.HiddenInput, max_length=20, required=False)

    def __init__(self, *args, notice_version: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = reception_points()
        self.fields["consent_version"].initial = notice_version

    # The referrals domain names fields by their place in the API's body; this form's fields by their own name.
    DOMAIN_FIELDS = {"needs": "device_kinds", "consent_version": None}

    def clean(self):
        """Check the whole referral as the service will, every field at once: each refusal goes beside its field
        (a field the form refused already keeps that one message)."""
        data = super().clean()
        clean, errors = referral_field_errors(
            beneficiary={name: data.get(name) for name in BENEFICIARY_FIELDS if name in self.fields},
            device_kinds=data.get("device_kinds") or [],
            connectivity=data.get("connectivity") or "",
            accessories=data.get("accessories") or [],
            reason=data.get("reason") or "",
            urgency=data.get("urgency") or "",
            urgency_justification=data.get("urgency_justification") or "",
        )
        if "consent" in self.fields:
            errors.check(clean_consent, bool(data.get("consent")))
        self.person = clean["beneficiary"]
        show_error(self, errors, self.DOMAIN_FIELDS, skip_refused=True)
        return data

    def fields_before_consent(self) -> list:
        return [field for field in self if field.name not in ("consent", "consent_version")]

    def consent_fields(self) -> list:
        return [self["consent"]]

    def chosen_language(self) -> str:
        """The language select's value as the page shows it (typed, or the initial one)."""
        return str(self["language"].value() or "fr")


class ReferralEditForm(ReferralForm):
    """The same form to correct a waiting referral: the consent was recorded once, with its notice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["consent"]
        del self.fields["consent_version"]


NOTICE_FORMAT_HELP = _(
    "First line: the title. Then each section: a line starting with ## for its heading, then its paragraph. "
    "A last line starting with -- is the footer. These words are replaced when published: {charity}, {address}, "
    "{email}, {version}, {retention_beneficiary}, {retention_closed}, {retention_access_log}, {retention_receipts}."
)


def notice_to_plain(text: dict) -> str:
    """A version's text in one language as the publish form edits it."""
    lines = [text["title"]]
    for heading, paragraph in text["sections"]:
        lines += ["", f"## {heading}", paragraph]
    if text.get("footer"):
        lines += ["", f"-- {text['footer']}"]
    return "\n".join(lines)


def plain_to_notice(plain: str) -> dict:
    """The form's text back into a title, sections and a footer (checked again by the publishing service)."""
    title, sections, footer = "", [], ""
    for raw in plain.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("##"):
            sections.append([line.lstrip("#").strip(), ""])
        elif line.startswith("--"):
            footer = line[2:].strip()
        elif not title and not sections:
            title = line
        elif sections:
            sections[-1][1] = f"{sections[-1][1]} {line}".strip()
    return {"title": title, "sections": sections, "footer": footer}


class NoticePublishForm(forms.Form):
    version = forms.CharField(label=_("New version"), max_length=20, help_text=_("For example 2026-11."))
    text_fr = forms.CharField(label="Français", widget=forms.Textarea(attrs={"rows": 24}), help_text=NOTICE_FORMAT_HELP)
    text_en = forms.CharField(
        label="English",
        widget=forms.Textarea(attrs={"rows": 24}),
        required=False,
        help_text=_("Leave empty to publish without English: the French text is shown instead."),
    )
    confirm = forms.BooleanField(
        label=_("I have read this version: once published it cannot be changed, and new referrals will cite it.")
    )

    def texts(self) -> dict:
        texts = {"fr": plain_to_notice(self.cleaned_data["text_fr"])}
        if self.cleaned_data.get("text_en", "").strip():
            texts["en"] = plain_to_notice(self.cleaned_data["text_en"])
        return texts
