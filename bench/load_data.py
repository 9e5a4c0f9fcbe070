"""The data bench/load.py and bench/reads.py read: the demo plus many ready devices, accepted referrals and SIM
cards at the demo mediator's site, bulk-created; mediators' tokens issued through the real service.

No gevent here (bench/load.py patches the standard library before importing this; bench/reads.py does not).
"""

import datetime as dt
import os
import secrets
from pathlib import Path

from _setup import surname, with_identity_keys

SITE = "SD"  # the demo mediator's site


def admin_url() -> str:
    return os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def database_url(name: str) -> str:
    return admin_url().rsplit("/", 1)[0] + f"/{name}"


def recreate_database(name: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(admin_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def production_env(url: str, scratch: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "PYTEST_ADDOPTS"}}
    env.update(
        DATABASE_URL=url,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DEBUG="0",
        BAGAGE_PUBLIC_URL="http://127.0.0.1",
        BAGAGE_VAR_DIR=str(scratch / "var"),
        STATIC_ROOT=str(scratch / "static"),
        BAGAGE_ACCESS_LOG="/dev/null",
        BAGAGE_GUNICORN_LOG_LEVEL="warning",
        # The API's rate limits count every request (one upsert each, part of what is measured), but here the 50
        # mediators share one address and send without pause: limits that high never refuse.
        BAGAGE_API_RATE_TOKEN="1000000/min",
        BAGAGE_API_RATE_ADDRESS="1000000/min",
    )
    return env


def luhn_number(body: str) -> str:
    from stdnum import luhn

    return body + luhn.calc_check_digit(body)


def bulk_load(devices: int, referrals: int, *, start: int = 0, batch: int = 5_000) -> None:
    """Ready devices, accepted referrals of a validated partner and available SIM cards, all at the mediator's site."""
    from django.utils import timezone

    from accounts.models import User
    from inventory.models import Device, LineItem, Offer
    from referrals.models import Beneficiary, Organisation, Referral
    from sites.models import Site

    site = Site.objects.get(code=SITE)
    staff = User.objects.get(username="warehouse")
    social = User.objects.get(username="social_worker")
    organisation = Organisation.objects.filter(memberships__user=social).get()
    offer = Offer.objects.filter(kind="sim", is_active=True).order_by("id").first()
    now = timezone.now()
    kinds = ("smartphone", "laptop", "tablet")
    brands = (("Samsung", "Galaxy A52"), ("Lenovo", "ThinkPad T480"), ("Apple", "iPad 7"), ("Dell", "Latitude 5490"))
    for first in range(start, start + devices, batch):
        rows = []
        for i in range(first, min(start + devices, first + batch)):
            brand, model = brands[i % len(brands)]
            rows.append(
                Device(
                    asset_tag=f"SDLD26-{i:07d}",
                    kind=kinds[i % 3],
                    brand=brand,
                    model=model,
                    serial_number=f"LD{i:09d}",
                    imei=luhn_number(f"35{i:012d}") if kinds[i % 3] == "smartphone" else None,
                    grade="B",
                    status="ready",
                    site=site,
                    created_by=staff,
                )
            )
        Device.objects.bulk_create(rows)
    for first in range(start, start + referrals, batch):
        people = Beneficiary.objects.bulk_create(
            with_identity_keys(
                [
                    Beneficiary(
                        first_name=("Amina", "Lucas", "Nour", "Jeanne")[i % 4],
                        last_name=surname("Durand", i),
                        phone=f"+3375{i:07d}",
                        postal_code="93200",
                        birth_year=1950 + i % 50,
                        eligibility=["rsa"],
                        consent_given_at=now,
                        consent_recorded_by=social,
                        consent_version_id=current_notice_version(),
                        phone_key=f"+3375{i:07d}",
                    )
                    for i in range(first, min(start + referrals, first + batch))
                ]
            )
        )
        Referral.objects.bulk_create(
            [
                Referral(
                    beneficiary=person,
                    organisation=organisation,
                    social_worker=social,
                    site=site,
                    device_kinds=["smartphone"],
                    connectivity="sim",
                    reason="administrative",
                    status="accepted",
                )
                for person in people
            ]
        )
        LineItem.objects.bulk_create(
            [
                LineItem(
                    offer=offer,
                    site=site,
                    iccid=luhn_number(f"893301{i:012d}"),
                    expires_on=dt.date.today() + dt.timedelta(days=365),
                    created_by=staff,
                )
                for i in range(first, min(start + referrals, first + batch))
            ]
        )


def current_notice_version() -> str:
    from referrals.models import Beneficiary

    return Beneficiary.objects.exclude(consent_version_id=None).values_list("consent_version_id", flat=True).first()


def issue_tokens(count: int) -> list[str]:
    from accounts.services import token_issue
    from demo.accounts import DEMO_PASSWORD

    return [token_issue(username="mediator", password=DEMO_PASSWORD, label=f"load {n}").secret for n in range(count)]
