from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def sqlalchemy_url(database_url: str) -> str:
    """Turn DATABASE_URL into the URL SQLAlchemy wants, on the psycopg 3 driver."""
    scheme, sep, rest = database_url.partition("://")
    if not sep:
        raise CommandError("DATABASE_URL has no scheme.")
    if scheme in {"postgres", "postgresql", "pgsql", "postgresql+psycopg"}:
        return f"postgresql+psycopg://{rest}"
    raise CommandError(f"ensure_database only provisions PostgreSQL, not {scheme!r}.")


class Command(BaseCommand):
    help = "Create the PostgreSQL database named in DATABASE_URL when it is missing (SQLite needs nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--url", help="A PostgreSQL URL to use instead of DATABASE_URL.")

    def handle(self, *args, **options):
        database_url = options.get("url") or settings.DATABASE_URL
        if not database_url:
            self.stdout.write("DATABASE_URL is not set: SQLite needs no provisioning.")
            return
        import dj_database_url
        from sqlalchemy_utils import create_database, database_exists

        url = sqlalchemy_url(database_url)
        name = dj_database_url.parse(database_url)["NAME"]
        try:
            if database_exists(url):
                self.stdout.write(f"Database {name} exists.")
                return
            create_database(url, encoding="utf8", template="template0")
        except Exception as exc:  # a connection error is the operator's to fix; say it plainly
            raise CommandError(f"Could not reach PostgreSQL for {name}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Created database {name}."))
