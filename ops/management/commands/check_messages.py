from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops.catalogue import CatalogueError, check


class Command(BaseCommand):
    help = (
        "Extract the translatable messages afresh (makemessages, into a temporary copy: locale/ is not touched) "
        "and fail if the French catalogue has an untranslated or fuzzy entry, or if django.mo is not django.po "
        "compiled. Needs GNU gettext. `make messages` updates the catalogue; translate, then run this again."
    )

    def handle(self, *args, **options):
        try:
            reports = check(settings.BASE_DIR)
        except CatalogueError as exc:
            raise CommandError(str(exc)) from exc
        problems = [line for report in reports for line in report.lines()]
        if problems:
            raise CommandError("\n".join(["The catalogue is not complete:", *problems]))
        self.stdout.write("The catalogue is complete: every message is translated, none is fuzzy.")
