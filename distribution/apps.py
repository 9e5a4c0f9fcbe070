from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate

from common.moves import sqlite_views_create, sqlite_views_drop


class DistributionConfig(AppConfig):
    name = "distribution"
    verbose_name = "Distribution"

    def ready(self) -> None:
        # The SQLite views that make a step one statement (common.moves) for every app's moves: dropped before
        # migrate changes tables, made again from the current models after it (once per migrate: sender=self).
        pre_migrate.connect(sqlite_views_drop, sender=self, dispatch_uid="bagage_moves_drop")
        post_migrate.connect(sqlite_views_create, sender=self, dispatch_uid="bagage_moves_create")
