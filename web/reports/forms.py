from django import forms
from django.utils.translation import gettext_lazy as _

from sites.models import Site
from web.fields import DayField


class DashboardFilterForm(forms.Form):
    """The period and, for coordinators, the site (a mediator's figures are their own site's)."""

    date_from = DayField(label=_("From"), required=False)
    date_to = DayField(label=_("To"), required=False)
    site = forms.ChoiceField(label=_("Site"), required=False)

    def __init__(self, *args, any_site: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if any_site:
            sites = Site.objects.order_by("code").values_list("code", "name")
            self.fields["site"].choices = [("", _("Every site")), *[(code, f"{code} {name}") for code, name in sites]]
        else:
            del self.fields["site"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The period ends before it starts."))
        return cleaned
