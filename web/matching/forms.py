"""Allocation plans: what to plan for, and which proposed lines to confirm."""

from django import forms
from django.utils.translation import gettext_lazy as _

from distribution.policies import planning_sites

# The choice for every referral the user decides on (no site code is this long).
NETWORK = "network"


class ProposeForm(forms.Form):
    """Plan for one site, or for every referral the user decides on across the network."""

    site = forms.ChoiceField(label=_("Plan for"), widget=forms.RadioSelect)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.sites = {site.code: site for site in planning_sites(user)}
        network = (NETWORK, _("The whole network (every referral you decide on)"))
        self.fields["site"].choices = [network] + [(code, f"{site.name} ({code})") for code, site in self.sites.items()]
        self.fields["site"].initial = user.site.code if user.site_id and user.site.code in self.sites else NETWORK

    def clean_site(self):
        code = self.cleaned_data["site"]
        return None if code == NETWORK else self.sites[code]


class ConfirmForm(forms.Form):
    """The lines of the plan to reserve: every line is ticked until the person unticks it."""

    lines = forms.TypedMultipleChoiceField(
        label=_("Proposed allocations"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one allocation to confirm.")},
    )

    def __init__(self, *args, line_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"].choices = [(str(pk), str(pk)) for pk in line_ids]
        self.fields["lines"].initial = [str(pk) for pk in line_ids]
