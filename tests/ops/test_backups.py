"""`manage.py backup` then `manage.py restore` into a fresh database gives back every row that matters.

Runs on the suite's database: SQLite in `make test`, PostgreSQL (pg_dump, pg_restore) in the PostgreSQL pass
of `.ci/run`. The demo data is loaded and committed, backed up, restored into a new database, and the restored
database is read with its own plain connection, not through Django.
"""

import sqlite3
import stat
from pathlib import Path

import dj_database_url
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from distribution.models import Allocation, Receipt
from inventory.models import Device, DeviceEvent
from ops.backups import _pg_connect, _pg_url
from referrals.models import Referral, ReferralEvent
from tests.conftest import require_or_skip

pytestmark = pytest.mark.django_db(transaction=True)

# What a restore must give back, each model with the column that identifies its rows. When distribution's
# receipts land, their line goes here: (Receipt, "hash").
COMPARED_MODELS = [
    (get_user_model(), "username"),
    (Device, "asset_tag"),
    (Referral, "id"),
    (DeviceEvent, "id"),
    (ReferralEvent, "id"),
    (Allocation, "number"),
    (Receipt, "sha256"),
]


def restored_target(tmp_path) -> dict:
    """A fresh database beside the test database: a new SQLite file, or a new PostgreSQL database."""
    if connection.vendor == "sqlite":
        return dj_database_url.parse(f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    return {**connection.settings_dict, "NAME": f"{connection.settings_dict['NAME']}_restored"}


def drop_if_exists(target: dict) -> None:
    if connection.vendor == "postgresql":
        from sqlalchemy_utils import database_exists, drop_database

        if database_exists(_pg_url(target)):
            drop_database(_pg_url(target))


def target_url(target: dict) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{target['NAME']}"
    return _pg_url(target).render_as_string(hide_password=False).replace("postgresql+psycopg://", "postgres://", 1)


def read_restored(target: dict, sql: str) -> list[tuple]:
    if connection.vendor == "sqlite":
        restored = sqlite3.connect(target["NAME"])
        try:
            return restored.execute(sql).fetchall()
        finally:
            restored.close()
    with _pg_connect(target, target["NAME"]) as restored:
        return restored.execute(sql).fetchall()


@pytest.fixture
def fresh_target(tmp_path):
    if connection.vendor not in {"sqlite", "postgresql"}:
        pytest.skip(f"backups know SQLite and PostgreSQL, not {connection.vendor}")
    target = restored_target(tmp_path)
    drop_if_exists(target)
    yield target
    drop_if_exists(target)


@pytest.fixture
def demo_data():
    call_command("load_demo", verbosity=0)


def test_a_backup_restored_into_a_fresh_database_gives_back_every_row(tmp_path, fresh_target, demo_data):
    call_command("backup", "--output", str(tmp_path / "backups"))
    [backup] = (tmp_path / "backups").iterdir()
    assert backup.suffix == (".sqlite3" if connection.vendor == "sqlite" else ".dump")
    assert backup.name.startswith("bagage-")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600  # personal data: its owner's only

    call_command("restore", str(backup), "--database-url", target_url(fresh_target))

    for model, field_name in COMPARED_MODELS:
        column = model._meta.get_field(field_name).column
        expected = {str(value) for value in model.objects.values_list(field_name, flat=True)}
        assert expected, f"the demo has no {model.__name__}: the comparison would prove nothing"
        restored = {str(row[0]) for row in read_restored(fresh_target, f"SELECT {column} FROM {model._meta.db_table}")}
        assert restored == expected, model.__name__
    # The schema came along too: the restored database knows every migration the source applied.
    applied = read_restored(fresh_target, "SELECT app, name FROM django_migrations")
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        assert set(applied) == set(cursor.fetchall())


def test_restore_refuses_a_database_that_is_not_empty(tmp_path, fresh_target):
    call_command("backup", "--output", str(tmp_path))
    [backup] = [path for path in tmp_path.iterdir() if path.name.startswith("bagage-")]
    call_command("restore", str(backup), "--database-url", target_url(fresh_target))
    with pytest.raises(CommandError, match="restore into a new"):
        call_command("restore", str(backup), "--database-url", target_url(fresh_target))


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, fresh_target):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup")
    with pytest.raises(CommandError, match="neither a pg_dump custom-format file nor a SQLite database"):
        call_command("restore", str(junk), "--database-url", target_url(fresh_target))
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "missing.dump"), "--database-url", target_url(fresh_target))


def test_a_sqlite_backup_is_refused_by_postgresql(tmp_path):
    copy = tmp_path / "copy.sqlite3"
    sqlite3.connect(copy).execute("CREATE TABLE t (x)").connection.close()
    target = "postgres://postgres@127.0.0.1:5432/never_created"
    with pytest.raises(CommandError, match="is a SQLite database: restore it into a SQLite file"):
        call_command("restore", str(copy), "--database-url", target)


def test_backup_without_pg_dump_says_what_to_install(tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        require_or_skip("BAGAGE_REQUIRE_POSTGRES", "pg_dump is used on PostgreSQL only")
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without the PostgreSQL client
    with pytest.raises(CommandError, match="pg_dump was not found: install the PostgreSQL client"):
        call_command("backup", "--output", str(tmp_path / "backups"))
    assert not list(Path(tmp_path / "backups").glob("bagage-*"))
