"""SQLite named by `DATABASE_URL=sqlite:///…` keeps its safeguards (issue 19 item 13).

With the URL, `transaction_mode=IMMEDIATE`, the lock timeout and WAL used to be lost: twenty simultaneous
reservations of one device through `runserver` gave one 201, fourteen 409 and five 500 `database is locked`.
Here a real threaded server (runserver) runs on a SQLite file named by the URL, and twenty mediators' requests
for the same device arrive at once: one kit, nineteen clear refusals, no 500.
"""

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
PORT = 8101  # this project's port for servers that tests start
REQUESTS = 20

SETUP = f"""
import json
import django

django.setup()
from django.core.management import call_command

call_command("migrate", verbosity=0)
from accounts.services import token_issue
from tests.distribution.conftest import ready_phone
from tests.factories import PASSWORD, OrganisationFactory, ReferralFactory, SiteFactory, UserFactory

site = SiteFactory(code="SD")
mediator = UserFactory(mediator=True, site=site, username="lea")
warehouse = UserFactory(warehouse=True, site=site)
social_worker = UserFactory(social_worker=True, organisation=OrganisationFactory())
referrals = [
    ReferralFactory(social_worker=social_worker, site=site, status="accepted", connectivity="none").pk
    for _ in range({REQUESTS})
]
device = ready_phone(site, warehouse)
token = token_issue(username="lea", password=PASSWORD, label="race").secret
print(json.dumps({{"token": token, "device": device.asset_tag, "referrals": referrals}}))
"""


def wait_for(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"runserver stopped: {server.stdout.read()}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # answering
        except OSError:
            time.sleep(0.3)
    raise AssertionError("runserver did not answer in time")


def test_concurrent_reservations_of_one_device_on_sqlite_named_by_database_url(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("about SQLite named by DATABASE_URL; the suite runs on PostgreSQL")
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "PYTEST_ADDOPTS"}}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}",
        DJANGO_SETTINGS_MODULE="config.settings_test",
        BAGAGE_VAR_DIR=str(tmp_path / "var"),
        PYTHONUNBUFFERED="1",
    )
    setup = subprocess.run(
        [sys.executable, "-c", SETUP], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert setup.returncode == 0, setup.stderr
    world = json.loads(setup.stdout.strip().splitlines()[-1])
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{PORT}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{PORT}/api/v1/me", server)
        start = threading.Barrier(REQUESTS)
        answers: list[tuple[int, str]] = []

        def reserve(referral: int) -> None:
            request = urllib.request.Request(
                f"http://127.0.0.1:{PORT}/api/v1/allocations",
                data=json.dumps({"referral": referral, "device": world["device"]}).encode(),
                headers={"Authorization": f"Bearer {world['token']}", "Content-Type": "application/json"},
                method="POST",
            )
            start.wait(timeout=30)
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    answers.append((response.status, ""))
            except urllib.error.HTTPError as error:
                answers.append((error.code, json.loads(error.read() or b"{}").get("code", "")))

        threads = [threading.Thread(target=reserve, args=(referral,)) for referral in world["referrals"]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stdout.close()
    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] + [409] * (REQUESTS - 1), answers
    assert {code for status, code in answers if status == 409} == {"already_reserved"}
