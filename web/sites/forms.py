"""The site form of coordinators; sites.services.site_update checks every value again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sites.models import MEDIATION_SERVICES, Site
from sites.services import EDITABLE_FIELDS
from web import inputs


class SiteForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), max_length=200, required=False, assume_scheme="https")
    services = forms.MultipleChoiceField(
        label=_("Services (national standard)"),
        choices=[(service, service) for service in MEDIATION_SERVICES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Site
        fields = [name for name in EDITABLE_FIELDS if name != "services"]
        widgets = {
            "phone": forms.TextInput(attrs=inputs.PHONE),
            "email": forms.EmailInput(attrs=inputs.EMAIL),
            "postal_code": forms.TextInput(attrs=inputs.POSTAL_CODE),
            "insee_code": forms.TextInput(attrs={"autocomplete": "off", "maxlength": "5"}),
            "siret": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["services"].initial = list(self.instance.services or [])
        # The pickup slot settings came after the others: a form sent without them keeps the site's values.
        for name in ("pickup_slot_minutes", "pickup_slot_capacity"):
            self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        for name in ("pickup_slot_minutes", "pickup_slot_capacity"):
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = getattr(self.instance, name)
        return cleaned
