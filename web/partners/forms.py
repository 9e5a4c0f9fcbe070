"""Forms of the partner pages; the referrals services check every value again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from referrals.enums import OrganisationKind
from web import inputs


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    siret = forms.CharField(
        label=_("SIRET"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    )
    postal_code = forms.CharField(
        label=_("Postal code"), max_length=5, widget=forms.TextInput(attrs=inputs.POSTAL_CODE)
    )
    open_referral_quota = forms.IntegerField(
        label=_("Quota of open referrals (empty: no limit)"), min_value=0, max_value=100_000, required=False
    )


class InvitationForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs=inputs.EMAIL))
