from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ops.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back the whole database up to a new dated file: pg_dump's custom format on PostgreSQL, "
        "SQLite's online backup elsewhere. Restore it with `manage.py restore FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Folder for the file (default BAGAGE_BACKUP_DIR, var/backups). Keep copies off this machine too.",
        )

    def handle(self, *args, **options):
        output = options["output"] or Path(settings.BAGAGE_BACKUP_DIR)
        try:
            path = backup_create(settings_dict=connection.settings_dict, output_dir=output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size_mib = path.stat().st_size / 2**20
        self.stdout.write(self.style.SUCCESS(f"Backed up to {path} ({size_mib:.1f} MiB)."))
