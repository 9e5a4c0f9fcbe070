"""Start Django on a throw-away SQLite database for a benchmark (never the project's own)."""

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def scratch_folder(prefix: str = "bagage-bench-") -> Path:
    """A folder for the bench's files (its SQLite database, static files, stored receipts), removed when it ends."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def django_on_scratch_sqlite() -> Path:
    sys.path.insert(0, str(ROOT))
    scratch = scratch_folder()
    os.environ.pop("DATABASE_URL", None)
    os.environ["BAGAGE_VAR_DIR"] = str(scratch)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return scratch


def surname(stem: str, n: int) -> str:
    """The n-th made-up family name, letters only ("Durand", 120 → "Durandbca"): digits fold away in the identity
    key, so "Durand1" and "Durand2" would be one person to the duplicate check."""
    return stem + "".join("abcdefghij"[int(digit)] for digit in str(n))


def with_identity_keys(people: list) -> list:
    """Give made-up beneficiaries the identity key production writes (referrals.validators.identity_key)."""
    from referrals.validators import identity_key

    for person in people:
        person.identity_key = identity_key(
            first_name=person.first_name,
            last_name=person.last_name,
            birth_year=person.birth_year,
            postal_code=person.postal_code,
        )
    return people


def accepted_referrals(
    phones: list[str], *, site, organisation, social, connectivity: str, offset: int = 0, **person
) -> list:
    """One accepted referral per phone number, for made-up people with their identity keys (bulk inserts)."""
    from django.utils import timezone

    from referrals.models import Beneficiary, Referral

    now = timezone.now()
    people = Beneficiary.objects.bulk_create(
        with_identity_keys(
            [
                Beneficiary(
                    first_name="Amina",
                    last_name=surname("T", offset + i),
                    phone=phone,
                    postal_code="93200",
                    birth_year=1980,
                    eligibility=["rsa"],
                    consent_given_at=now,
                    consent_recorded_by=social,
                    consent_version_id="2026-01",
                    phone_key=phone,
                    **{name: value(phone) if callable(value) else value for name, value in person.items()},
                )
                for i, phone in enumerate(phones)
            ]
        )
    )
    return Referral.objects.bulk_create(
        [
            Referral(
                beneficiary=beneficiary,
                organisation=organisation,
                social_worker=social,
                site=site,
                device_kinds=["smartphone"],
                connectivity=connectivity,
                reason="administrative",
                status="accepted",
            )
            for beneficiary in people
        ]
    )


def parse_args(parser, **quick_sizes):
    """The bench's arguments, with `--quick`: the sizes given here instead of the defaults, so that `make bench-quick`
    runs every bench in seconds to check that each still works (its figures then mean little)."""
    shown = ", ".join(f"--{name.replace('_', '-')} {value}" for name, value in quick_sizes.items())
    parser.add_argument("--quick", action="store_true", help=f"a short run to check the bench works: {shown}")
    args = parser.parse_args()
    if args.quick:
        for name, value in quick_sizes.items():
            setattr(args, name, value)
    return args


def django_on_scratch_postgres(url: str, *, reuse=None) -> bool:
    """Start Django on a PostgreSQL database made afresh for the bench: the URL's database name + "_bench".

    With `reuse` (a function of no argument, called once Django runs), an existing bench database is kept (and
    migrated) when `reuse()` says its rows will do, and made afresh otherwise. True when it was kept."""
    import psycopg

    sys.path.insert(0, str(ROOT))
    base, _slash, name = url.rpartition("/")
    scratch = f"{name.split('?')[0]}_bench"

    def afresh(keep: bool) -> bool:
        """Create the bench database, or keep it if `keep` and it exists: True when kept."""
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            if keep and admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [scratch]).fetchone():
                return True
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
            admin.execute(f'CREATE DATABASE "{scratch}"')
            return False

    existed = afresh(keep=reuse is not None)
    os.environ["DATABASE_URL"] = f"{base}/{scratch}"
    os.environ["BAGAGE_VAR_DIR"] = str(scratch_folder())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0)
    if not existed:  # made afresh (or no reuse asked): nothing to keep
        return False
    if reuse():
        return True
    connection.close()
    afresh(keep=False)
    call_command("migrate", verbosity=0)
    return False
