"""A user's message settings: which e-mails they receive."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from notifications.enums import EMAIL_KINDS
from notifications.services import email_opt_outs, email_opt_outs_set


class EmailSettingsForm(forms.Form):
    wanted = forms.MultipleChoiceField(
        label=_("E-mails I receive about the people I referred"),
        choices=[(kind.value, kind.label) for kind in EMAIL_KINDS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


@login_required
def message_settings(request):
    """Tick the kinds of e-mail to receive; the unticked ones are turned off for this user only."""
    all_kinds = [kind.value for kind in EMAIL_KINDS]
    if request.method == "POST":
        form = EmailSettingsForm(request.POST)
        if form.is_valid():
            wanted = set(form.cleaned_data["wanted"])
            email_opt_outs_set(user_id=request.user.pk, kinds=[k for k in all_kinds if k not in wanted])
            messages.success(request, gettext("Saved."))
            return redirect("web:message_settings")
    else:
        off = email_opt_outs(request.user.pk)
        form = EmailSettingsForm(initial={"wanted": [k for k in all_kinds if k not in off]})
    return render(request, "web/message_settings.html", {"form": form, "here": "message_settings"})
