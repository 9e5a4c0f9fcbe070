"""A password reset leaves no thief in (issue 19 item 7).

A reset by the e-mailed link, a password change and a deactivation end every API token and session of the
account, and the e-mail says so; resets are limited per account and per address; the link's host is
BAGAGE_PUBLIC_URL, never the request's Host; a server (DEBUG off) refuses to start without BAGAGE_PUBLIC_URL.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client

from accounts.enums import AccountEventKind
from accounts.models import AccountEvent
from accounts.services import user_reactivate
from tests.conftest import ApiClient
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
NEW_PASSWORD = "Un-nouveau-mot-2-passe"


@pytest.fixture
def public_url(settings):
    settings.BAGAGE_PUBLIC_URL = "https://bagage.example.org"
    return settings.BAGAGE_PUBLIC_URL


def ask_reset(email, ip="203.0.113.9", host="testserver"):
    return Client(REMOTE_ADDR=ip, HTTP_HOST=host).post("/password-reset/", {"email": email})


def reset_by_link(email, public_url) -> Client:
    assert ask_reset(email).status_code == 302
    body = mail.outbox[-1].body
    path = re.search(re.escape(public_url) + r"(/password-reset/\S+/\S+/)", body).group(1)
    client = Client()
    form = client.get(path, follow=True)
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/password-reset/done/"
    return client


def thief_of(user) -> tuple[ApiClient, Client]:
    """What someone who had the password kept: two API tokens and a signed-in browser."""
    tokens = [ApiClient(user), ApiClient(user)]
    browser = Client()
    assert browser.post("/", {"username": user.username, "password": PASSWORD}).status_code == 302
    assert browser.get("/home/").status_code == 200
    assert all(api.get("me").status_code == 200 for api in tokens)
    return tokens, browser


def assert_locked_out(tokens, browser):
    assert [api.get("me").status_code for api in tokens] == [401, 401]
    assert browser.get("/home/")["Location"].startswith("/?next=")


def test_a_reset_by_the_emailed_link_revokes_every_token_and_session(public_url):
    user = UserFactory(mediator=True, email="lea@example.org")
    tokens, browser = thief_of(user)
    reset_by_link(user.email, public_url)
    assert_locked_out(tokens, browser)
    assert not user.api_tokens.filter(revoked_at__isnull=True).exists()
    event = AccountEvent.objects.get(user=user, kind=AccountEventKind.PASSWORD_CHANGED)
    assert event.note == "tokens_revoked=2 sessions_ended=1"
    # The owner signs in with the new password and asks for a new token.
    assert Client().post("/", {"username": user.username, "password": NEW_PASSWORD}).status_code == 302


def test_the_reset_email_says_tokens_and_sessions_end(public_url):
    user = UserFactory(email="lea@example.org")
    ask_reset(user.email)
    body = mail.outbox[-1].body
    assert "API" in body and ("tokens" in body or "jetons" in body)


def test_a_password_changed_elsewhere_revokes_tokens_and_sessions_too(db):
    user = UserFactory(mediator=True)
    tokens, browser = thief_of(user)
    user.set_password(NEW_PASSWORD)  # as the admin's and `changepassword`'s forms do
    user.save()
    assert_locked_out(tokens, browser)


def test_a_deactivation_revokes_tokens_and_sessions_for_good(coordinator_api, coordinator_user):
    user = UserFactory(mediator=True)
    tokens, browser = thief_of(user)
    assert coordinator_api.post(f"users/{user.pk}/deactivate").status_code == 200
    user_reactivate(user=coordinator_user, account=user)
    # Reactivated: the old tokens and session stay dead.
    assert_locked_out(tokens, browser)


def test_the_link_uses_the_public_url_never_the_request_host(public_url):
    user = UserFactory(email="lea@example.org")
    ask_reset(user.email, host="localhost:31337")
    body = mail.outbox[-1].body
    assert "localhost:31337" not in body and "testserver" not in body
    assert f"{public_url}/password-reset/" in body


def test_resets_are_limited_per_account(settings, public_url):
    user = UserFactory(email="lea@example.org")
    for n in range(settings.BAGAGE_PASSWORD_RESET_PER_ACCOUNT + 3):
        # From many addresses, as a flood would come: the page answers the same each time.
        assert ask_reset(user.email, ip=f"198.51.100.{n + 1}").status_code == 302
    assert len(mail.outbox) == settings.BAGAGE_PASSWORD_RESET_PER_ACCOUNT


def test_resets_are_limited_per_address(settings, public_url):
    for n in range(settings.BAGAGE_PASSWORD_RESET_PER_ADDRESS):
        assert ask_reset(f"nobody{n}@example.org").status_code == 302
    user = UserFactory(email="lea@example.org")
    refused = ask_reset(user.email)
    assert refused.status_code == 429 and not mail.outbox
    assert ask_reset(user.email, ip="192.0.2.44").status_code == 302 and len(mail.outbox) == 1


def run_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "BAGAGE_PUBLIC_URL", "DJANGO_SETTINGS_MODULE"}}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", SECRET_KEY="x" * 50, **env)
    code = "import django; django.setup(); from django.conf import settings; print(settings.BAGAGE_PUBLIC_URL)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)


def test_a_server_refuses_to_start_without_a_public_url():
    refused = run_settings()
    assert refused.returncode != 0 and "BAGAGE_PUBLIC_URL must be set" in refused.stderr
    assert run_settings(BAGAGE_PUBLIC_URL="https://bagage.example.org").stdout.strip() == "https://bagage.example.org"
    assert run_settings(DEBUG="1").stdout.strip() == "http://127.0.0.1:8000"  # make run


def test_make_serve_refuses_to_start_without_a_public_url():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "BAGAGE_PUBLIC_URL", "MAKEFLAGS"}}
    env.update(DATABASE_URL="postgres://bagage@127.0.0.1:5432/bagage", SECRET_KEY="x" * 50)
    refused = subprocess.run(["make", "-s", "serve"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "BAGAGE_PUBLIC_URL" in refused.stderr


def test_a_deactivation_through_the_admin_revokes_tokens_and_sessions_for_good(coordinator_user):
    """Unticking "active" on the admin's user form is a deactivation too: the stolen token and session that were
    refused meanwhile must not come back when a coordinator reactivates the account."""
    user = UserFactory(mediator=True)
    tokens, browser = thief_of(user)
    admin = Client()
    admin.force_login(UserFactory(coordinator=True, is_staff=True, is_superuser=True))
    form = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "role": user.role,
        "site": user.site_id,
        "phone": "",
    }  # no "is_active": the box unticked
    answer = admin.post(f"/admin/accounts/user/{user.pk}/change/", form)
    assert answer.status_code == 302, answer.context["adminform"].form.errors if answer.context else answer
    user.refresh_from_db()
    assert not user.is_active
    user_reactivate(user=coordinator_user, account=user)
    assert_locked_out(tokens, browser)
