"""Accepting an invitation: the one-time link a new social worker receives by e-mail; asking for a reset link."""

from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from accounts.services import TooManyResets, invitation_accept, invitation_find, password_reset_accounts
from common.exceptions import DomainError
from common.lockout import client_network


class ChoosePasswordForm(forms.Form):
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") != data.get("password2"):
            raise forms.ValidationError(_("The two passwords differ."))
        return data


@never_cache
def invitation(request, secret: str):
    pending = invitation_find(secret)
    if pending is None:
        return render(request, "web/invitation.html", {"invalid": True}, status=404)
    form = ChoosePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(secret=secret, password=form.cleaned_data["password1"])
        except DomainError as exc:
            form.add_error("password1", exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("web:home")
    return render(request, "web/invitation.html", {"form": form, "invited": pending.user})


class ResetRequestForm(PasswordResetForm):
    """Django's reset form, with the limits per account and per address, and links to BAGAGE_PUBLIC_URL.

    The link's host is the configured public address, never the request's `Host` header (which whoever asks
    for the link writes)."""

    address: str | None = None

    def get_users(self, email):
        return password_reset_accounts(users=list(super().get_users(email)), address=self.address)

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        context = {**context, "public_url": settings.BAGAGE_PUBLIC_URL.rstrip("/")}
        super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class ResetRequestView(auth_views.PasswordResetView):
    form_class = ResetRequestForm

    def form_valid(self, form):
        form.address = client_network(self.request)
        try:
            return super().form_valid(form)
        except TooManyResets as exc:
            form.add_error(None, exc.message)
            return self.render_to_response(self.get_context_data(form=form), status=429)
