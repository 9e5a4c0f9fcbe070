from django.core.management.base import BaseCommand, CommandError

from accounts.enums import Role
from accounts.services import user_create
from common.exceptions import DomainError
from inventory.models import Site
from referrals.models import Organisation


class Command(BaseCommand):
    help = "Create a Bagage account with one role (deployment and scripts)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--site", help="Home site code, e.g. LY (staff).")
        parser.add_argument("--organisation", help="SIRET of the partner organisation (social workers).")
        parser.add_argument("--password", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--admin", action="store_true", help="Also open the Django admin (/admin/) to this account."
        )

    def handle(self, *args, **options):
        site = organisation = None
        if options["site"]:
            site = Site.objects.filter(code=options["site"].upper()).first()
            if site is None:
                raise CommandError(f"No site with code {options['site']!r}.")
        if options["organisation"]:
            siret = "".join(options["organisation"].split())
            organisation = Organisation.objects.filter(siret=siret).first()
            if organisation is None:
                raise CommandError(f"No partner organisation with SIRET {siret}.")
        try:
            user = user_create(
                username=options["username"],
                password=options["password"],
                role=options["role"],
                site=site,
                organisation=organisation,
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if options["admin"]:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        self.stdout.write(
            self.style.SUCCESS(f"Created {user.username} ({user.role}{', admin' if options['admin'] else ''}).")
        )
