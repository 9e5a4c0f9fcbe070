from pathlib import Path

import dj_database_url
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ops.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a file written by `manage.py backup` into a fresh database: the one DATABASE_URL names, "
        "or --database-url. The database must be new or empty (PostgreSQL: it is created if missing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup: a .dump (PostgreSQL) or .sqlite3 (SQLite) file.")
        parser.add_argument(
            "--database-url",
            help="Restore there instead, e.g. postgres://bagage@127.0.0.1:5432/bagage_restored "
            "or sqlite:////srv/bagage/restored.sqlite3.",
        )

    def handle(self, *args, **options):
        target = dj_database_url.parse(options["database_url"]) if options["database_url"] else connection.settings_dict
        # Nothing of Django's may hold the target open while another program fills it.
        connection.close()
        try:
            backup_restore(backup=options["file"], target=target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Restored {options['file']} into {target['NAME']}."))
