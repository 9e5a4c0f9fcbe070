"""Odd input answers a 4xx or is ignored, never a 500 (issue 9, item 6)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from common.parsing import parse_id
from referrals.models import BeneficiaryAccess
from tests.factories import DeviceFactory, ReferralFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("text", ["99999999999999999999999", "²", "١٢", "-3", "0", "12 3", "", "9223372036854775808"])
def test_parse_id_refuses_anything_but_a_bounded_ascii_number(text):
    assert parse_id(text) is None


@pytest.mark.parametrize(
    ("text", "expected"), [("42", 42), (" 7 ", 7), ("#12", 12), ("9223372036854775807", 2**63 - 1)]
)
def test_parse_id_reads_plain_numbers(text, expected):
    assert parse_id(text) == expected


@pytest.mark.parametrize("referral", ["99999999999999999999999", "²", "١٢"])
def test_access_log_ignores_an_id_that_is_no_number_we_store(coordinator_user, mediator_user, referral):
    shown = ReferralFactory()
    client_for(mediator_user).get(f"/referrals/{shown.pk}/")
    assert BeneficiaryAccess.objects.count() == 1
    response = client_for(coordinator_user).get("/access-log/", {"referral": referral})
    assert response.status_code == 200
    assert f"#{shown.pk}" in response.content.decode()


def test_access_log_still_filters_on_a_real_id(coordinator_user, mediator_user):
    shown, other = ReferralFactory(), ReferralFactory()
    client = client_for(mediator_user)
    client.get(f"/referrals/{shown.pk}/")
    client.get(f"/referrals/{other.pk}/")
    html = client_for(coordinator_user).get("/access-log/", {"referral": f"#{shown.pk}"}).content.decode()
    assert f"#{shown.pk}" in html and f"#{other.pk}" not in html


def test_a_label_asked_with_a_trailing_newline_is_named_after_the_stored_tag(warehouse_api):
    device = DeviceFactory(laptop=True, asset_tag="SDPC26-0043")
    warehouse_api.client.raise_request_exception = False
    response = warehouse_api.get("/api/v1/devices/sdpc26-0043%0A/label.pdf")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'inline; filename="{device.asset_tag}.pdf"'


def run_settings(code: str, **env_vars: str) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter on config.settings with exactly these variables set."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    env.update(env_vars)
    return subprocess.run([sys.executable, *code], cwd=ROOT, env=env, capture_output=True, text=True)


def test_debug_is_off_unless_asked():
    code = ["-c", "from config import settings; print(settings.DEBUG)"]
    assert run_settings(code, SECRET_KEY="k" * 60).stdout.strip() == "False"
    assert run_settings(code, DEBUG="1").stdout.strip() == "True"


def test_a_server_without_a_secret_key_refuses_to_start():
    out = run_settings(["-c", "from config import settings"])
    assert out.returncode != 0 and "SECRET_KEY must be set" in out.stderr


def test_a_production_configuration_passes_djangos_deployment_checks():
    out = run_settings(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="0",
        SECRET_KEY="a-long-random-looking-secret-key-for-the-deploy-check-Zq81xv",
        ALLOWED_HOSTS="bagage.example.org",
    )
    assert out.returncode == 0, out.stdout + out.stderr
