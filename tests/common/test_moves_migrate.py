"""SQLite: the move views never stand in the way of a migration, and follow the models after it.

SQLite rebuilds a table to alter a column or add one with a default (Django's schema editor: create, copy, drop,
rename), and refuses while a view or trigger names that table. `migrate` drops the move views first and makes them
again from the models once done (common.moves). Each case runs in a subprocess on a fresh database file, with the
repository's migrations plus later ones that rebuild the tables the views name, then moves a device through the
services; its history must say so. On SQLite whichever database the suite runs on.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A later migration per app, rebuilding the moving table and the history table (a nullable column with a default:
# the models do not know it, so the services' inserts leave it NULL).
LATER = {
    "inventory": [("device", "later_flag"), ("deviceevent", "later_flag"), ("lineitem", "later_flag")],
    "referrals": [("referral", "later_flag")],
    "distribution": [("allocation", "later_flag")],
}

MIGRATION = """
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("{app}", "{previous}")]
    operations = [
        {operations}
    ]
"""

SETTINGS = """
from config.settings import *  # noqa: F403

MIGRATION_MODULES = {modules!r}
"""

MOVE = textwrap.dedent(
    """
    import django
    django.setup()
    from django.db import connection
    from inventory.enums import DeviceStatus
    from inventory.models import DeviceEvent
    from inventory.services import device_release, device_reserve
    from tests.factories import DeviceFactory, UserFactory

    device = DeviceFactory(ready=True)
    mediator = UserFactory(mediator=True, site=device.site)
    device_reserve(user=mediator, device=device, note="kit A-2026-000001")
    device_release(user=mediator, device=device.asset_tag, note="released")
    device.refresh_from_db()
    steps = list(DeviceEvent.objects.filter(device=device, kind="transition").values_list("to_status", flat=True))
    assert device.status == DeviceStatus.READY and steps[-2:] == ["reserved", "ready"], (device.status, steps)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name")
        print(",".join(name for (name,) in cursor.fetchall()))
    """
)


def repository_migrations(app: str) -> list[Path]:
    """The app's migrations in the repository, in order: the last is whichever it is now."""
    return sorted((ROOT / app / "migrations").glob("0*.py"))


def write_later_migrations(where: Path) -> dict[str, str]:
    modules = {}
    for app, fields in LATER.items():
        package = where / f"later_{app}_migrations"
        package.mkdir()
        (package / "__init__.py").write_text("")
        existing = repository_migrations(app)
        for migration in existing:
            (package / migration.name).write_text(migration.read_text())
        # After the app's last migration, whichever it is now.
        previous = existing[-1].stem
        name = f"{int(previous[:4]) + 1:04d}_later"
        operations = ",\n        ".join(
            f'migrations.AddField("{model}", "{field}", models.BooleanField(null=True, default=False))'
            for model, field in fields
        )
        (package / f"{name}.py").write_text(MIGRATION.format(app=app, previous=previous, operations=operations))
        modules[app] = package.name
    return modules


def run(args, where: Path, database: Path):
    env = {
        **{key: value for key, value in os.environ.items() if key != "BAGAGE_REQUIRE_POSTGRES"},
        "PYTHONPATH": os.pathsep.join([str(where), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "later_settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "1",
    }
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_later_migrations_rebuild_the_tables_the_views_name_and_moves_still_work(tmp_path):
    modules = write_later_migrations(tmp_path)
    (tmp_path / "later_settings.py").write_text(SETTINGS.format(modules=modules))
    database = tmp_path / "bagage.sqlite3"
    # First up to what the repository has (the views made at the end), then the later migrations on top.
    last = repository_migrations("inventory")[-1].stem
    run(["manage.py", "migrate", "--noinput", "inventory", last], tmp_path, database)
    run(["manage.py", "migrate", "--noinput"], tmp_path, database)
    views = run(["-c", MOVE], tmp_path, database).strip().splitlines()[-1].split(",")
    assert views == [
        "distribution_allocationevent_move",
        "inventory_deviceevent_move",
        "inventory_lineitemevent_move",
        "referrals_referralevent_move",
    ]


def test_a_database_not_migrated_since_gets_its_views_at_its_first_move(tmp_path):
    (tmp_path / "later_settings.py").write_text(SETTINGS.format(modules={}))
    database = tmp_path / "bagage.sqlite3"
    run(["manage.py", "migrate", "--noinput"], tmp_path, database)
    drop = "from common.moves import sqlite_views_drop; import django; django.setup(); sqlite_views_drop()"
    run(["-c", drop], tmp_path, database)
    assert run(["-c", MOVE], tmp_path, database).strip().splitlines()[-1].count("_move") == 4
