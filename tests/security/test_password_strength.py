"""Django's password validators on every way a password is set (issue 14, item 6).

A password is refused when it is too short, common, all digits or close to the person's name or e-mail;
the refusal says why and changes nothing.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.services import invitation_accept, user_create
from common.exceptions import ValidationFailed
from referrals.services import member_invite
from tests.factories import PASSWORD, OrganisationFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()

# Each breaks one validator: length, the common-password list, all digits, likeness to the person.
WEAK_PASSWORDS = ["Ab1-x", "password123", "73829104657", "nadia.roux.ccas"]
STRONG_PASSWORD = "Un mot de passe solide 42"


@pytest.fixture
def invited(settings):
    settings.BAGAGE_PUBLIC_URL = "http://testserver"
    return member_invite(
        user=UserFactory(coordinator=True),
        organisation=OrganisationFactory(),
        email="nadia.roux@ccas.example.org",
        first_name="Nadia",
        last_name="Roux",
    )


@pytest.mark.parametrize("weak", WEAK_PASSWORDS)
def test_an_invitation_refuses_a_weak_password_and_leaves_the_account_closed(invited, weak):
    with pytest.raises(ValidationFailed) as refused:
        invitation_accept(secret=invited.secret, password=weak)
    assert refused.value.code == "weak_password"
    invited.user.refresh_from_db()
    assert not invited.user.is_active and not invited.user.has_usable_password()
    assert invitation_accept(secret=invited.secret, password=STRONG_PASSWORD).is_active  # the link still works


def test_the_invitation_page_shows_why_a_password_is_refused(invited):
    path = invited.link.removeprefix("http://testserver")
    response = Client().post(path, {"password1": "password123", "password2": "password123"})
    assert response.status_code == 200
    assert "trop courant" in response.content.decode()  # Django's French message for a common password
    invited.user.refresh_from_db()
    assert not invited.user.is_active


@pytest.mark.parametrize("weak", WEAK_PASSWORDS)
def test_create_user_refuses_a_weak_password(weak):
    SiteFactory(code="LY")
    with pytest.raises(CommandError, match="(?i)password|mot de passe"):
        call_command(
            "create_user",
            "nadia.roux.ccas",
            "--role",
            "mediator",
            "--site",
            "LY",
            "--first-name",
            "Nadia",
            "--last-name",
            "Roux",
            "--password",
            weak,
        )
    assert not User.objects.filter(username="nadia.roux.ccas").exists()


def test_user_create_validates_by_default():
    with pytest.raises(ValidationFailed) as refused:
        user_create(username="karim", password="12345678", role="warehouse", site=SiteFactory())
    assert refused.value.code == "weak_password"
    assert not User.objects.filter(username="karim").exists()


@pytest.mark.parametrize("weak", WEAK_PASSWORDS)
def test_a_password_reset_refuses_a_weak_password_and_keeps_the_old_one(weak, settings):
    from django.core import mail

    settings.BAGAGE_PUBLIC_URL = "http://testserver"

    user = UserFactory(
        username="nadia.roux.ccas", first_name="Nadia", last_name="Roux", email="nadia.roux@ccas.example.org"
    )
    client = Client()
    client.post("/password-reset/", {"email": user.email})
    link = mail.outbox[-1].body.split("http://testserver", 1)[1].split()[0]
    form = client.get(link, follow=True)
    answer = client.post(form.redirect_chain[-1][0], {"new_password1": weak, "new_password2": weak})
    assert answer.status_code == 200  # the form again, saying why
    assert "has-error" in answer.content.decode() and answer.context["form"].errors["new_password2"]
    user.refresh_from_db()
    assert not user.check_password(weak)
    assert user.check_password(PASSWORD)
