from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running a deployment: backups and restores of the whole database.

    Not a domain: a backup spans every app's tables, so its commands cannot live with any one domain's data
    (the rule for management commands). It sits at the top of the house and imports no domain.
    """

    name = "ops"
    verbose_name = "Operations"
