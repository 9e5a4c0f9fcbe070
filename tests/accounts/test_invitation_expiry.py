"""Invitation links expire: checked against a hand-made mutant whose links never did (issue 8)."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import Invitation
from accounts.services import invitation_accept, invitation_find
from common.exceptions import NotFound
from referrals.services import member_invite
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Un mot de passe solide 42"


@pytest.fixture
def invited(settings):
    settings.BAGAGE_PUBLIC_URL = "http://testserver"
    coordinator = UserFactory(coordinator=True)
    return member_invite(
        user=coordinator,
        organisation=OrganisationFactory(),
        email="nadia.roux@ccas.example.org",
        first_name="Nadia",
        last_name="Roux",
    )


def expire(invitation_user, ago: dt.timedelta = dt.timedelta(seconds=1)) -> None:
    Invitation.objects.filter(user=invitation_user).update(expires_at=timezone.now() - ago)


def test_an_invitation_is_valid_for_seven_days(invited):
    expires_at = Invitation.objects.get(user=invited.user).expires_at
    assert expires_at - timezone.now() == pytest.approx(dt.timedelta(days=7), abs=dt.timedelta(minutes=1))
    assert "valable 7 jours" in mail.outbox[0].body


def test_an_expired_invitation_link_answers_404(invited):
    path = invited.link.removeprefix("http://testserver")
    assert Client().get(path).status_code == 200  # still valid
    expire(invited.user)
    assert Client().get(path).status_code == 404
    posted = Client().post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert posted.status_code == 404
    invited.user.refresh_from_db()
    assert not invited.user.is_active and not invited.user.has_usable_password()


def test_an_expired_invitation_is_refused_by_the_service(invited):
    expire(invited.user, dt.timedelta(days=30))
    assert invitation_find(invited.secret) is None
    with pytest.raises(NotFound) as refused:
        invitation_accept(secret=invited.secret, password=NEW_PASSWORD)
    assert refused.value.code == "invitation_invalid"
    invited.user.refresh_from_db()
    assert not invited.user.is_active and not invited.user.has_usable_password()
    assert Invitation.objects.get(user=invited.user).accepted_at is None


def test_an_invitation_accepted_just_before_it_expires_opens_the_account(invited):
    Invitation.objects.filter(user=invited.user).update(expires_at=timezone.now() + dt.timedelta(minutes=1))
    user = invitation_accept(secret=invited.secret, password=NEW_PASSWORD)
    assert user.is_active and user.check_password(NEW_PASSWORD)
    with pytest.raises(NotFound) as again:
        invitation_accept(secret=invited.secret, password=NEW_PASSWORD)
    assert again.value.code == "invitation_invalid"
