from django.core.management.base import BaseCommand, CommandError

from accounts.enums import Role
from common.exceptions import DomainError
from referrals.models import Organisation
from referrals.services import account_create
from sites.selectors import site_get


class Command(BaseCommand):
    # It lives with referrals, not accounts: a social worker's account comes with a membership of
    # a partner organisation, which the referrals domain owns.
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
            site = site_get(options["site"])
            if site is None:
                raise CommandError(f"No site with code {options['site']!r}.")
        if options["organisation"]:
            siret = "".join(options["organisation"].split())
            organisation = Organisation.objects.filter(siret=siret).first()
            if organisation is None:
                raise CommandError(f"No partner organisation with SIRET {siret}.")
        person = {
            "username": options["username"],
            "password": options["password"],
            "email": options["email"],
            "first_name": options["first_name"],
            "last_name": options["last_name"],
        }
        if options["admin"]:
            person["opens_admin"] = True
        try:
            user = account_create(role=options["role"], organisation=organisation, site=site, **person)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Created {user.username} ({user.role}{', admin' if options['admin'] else ''}).")
        )
