from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CommonConfig(AppConfig):
    """What every app shares; installed for what it does to each database connection (common.postgres)."""

    name = "common"
    verbose_name = "Bagage (common)"

    def ready(self) -> None:
        from common.postgres import read_timestamps_in_c

        connection_created.connect(read_timestamps_in_c, dispatch_uid="bagage.read_timestamps_in_c")
