"""Back the whole database up to one dated file, and restore such a file into a fresh database.

PostgreSQL: `pg_dump --format=custom` from the machine's PostgreSQL client (compressed, consistent while the
server keeps writing) and `pg_restore` in one transaction. SQLite: the online backup API
(`sqlite3.Connection.backup`), a consistent copy of a database in use, checked with `PRAGMA integrity_check`.

Both sides take a Django database settings dict (`connection.settings_dict`, or `dj_database_url.parse(url)`),
so that the same code backs up the running server's database and restores into any other.
A backup holds personal data: its file is readable by its owner only, in a folder only its owner may enter.
"""

import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
PG_TIMEOUT_SECONDS = 6 * 3600


class BackupError(Exception):
    """A backup or a restore that cannot be done; the message says what to do about it."""


def vendor_of(settings_dict: dict) -> str:
    engine = settings_dict.get("ENGINE", "")
    if engine.endswith("postgresql") or ".postgresql." in engine or engine.endswith("postgis"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(f"Backups know PostgreSQL and SQLite, not {engine!r}.")


def backup_create(*, settings_dict: dict, output_dir: Path, now: dt.datetime | None = None) -> Path:
    """Write a consistent copy of the database to a new dated file in output_dir and return its path."""
    vendor = vendor_of(settings_dict)
    now = now or dt.datetime.now(dt.UTC)
    output_dir = Path(output_dir)
    output_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    stem = f"bagage-{Path(str(settings_dict['NAME'])).stem}-{now:%Y%m%d-%H%M%S}Z"
    final = output_dir / (f"{stem}.dump" if vendor == "postgresql" else f"{stem}.sqlite3")
    if final.exists():
        raise BackupError(f"{final} exists already: wait a second or choose another folder.")
    # Written under another name, then renamed: a backup cut short never looks like a finished one.
    partial = final.with_name(f".{final.name}.partial")
    try:
        if vendor == "postgresql":
            _pg_dump(settings_dict, partial)
        else:
            _sqlite_copy(_sqlite_path(settings_dict), partial)
        os.chmod(partial, 0o600)
        partial.rename(final)
    finally:
        partial.unlink(missing_ok=True)
    return final


def backup_restore(*, backup: Path, target: dict) -> None:
    """Restore a backup file into the target database, which must be new or empty (PostgreSQL: created if missing)."""
    backup = Path(backup)
    if not backup.is_file():
        raise BackupError(f"No backup file at {backup}.")
    with backup.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    vendor = vendor_of(target)
    if head.startswith(PG_CUSTOM_MAGIC):
        if vendor != "postgresql":
            raise BackupError(f"{backup.name} is a PostgreSQL dump: restore it into a PostgreSQL database.")
        _pg_restore(backup, target)
    elif head == SQLITE_MAGIC:
        if vendor != "sqlite":
            raise BackupError(f"{backup.name} is a SQLite database: restore it into a SQLite file.")
        _sqlite_restore(backup, Path(str(target["NAME"])))
    else:
        raise BackupError(f"{backup.name} is neither a pg_dump custom-format file nor a SQLite database.")


# --- PostgreSQL ------------------------------------------------------------------------------


def _pg_client(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        raise BackupError(
            f"{program} was not found: install the PostgreSQL client of the server's major version "
            "(Debian: apt install postgresql-client) or put it on PATH."
        )
    return path


def _pg_env(settings_dict: dict) -> dict[str, str]:
    """Connection parameters through libpq's variables: a password never shows in the process list."""
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    env["PGDATABASE"] = str(settings_dict["NAME"])
    return env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=PG_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as exc:
        raise BackupError(f"{what} took longer than {PG_TIMEOUT_SECONDS // 3600} hours and was stopped.") from exc
    if completed.returncode != 0:
        raise BackupError(f"{what} failed (exit {completed.returncode}): {completed.stderr.strip()}")


def _pg_dump(settings_dict: dict, path: Path) -> None:
    command = [_pg_client("pg_dump"), "--format=custom", "--no-password", f"--file={path}"]
    _run(command, _pg_env(settings_dict), f"pg_dump of {settings_dict['NAME']}")


def _pg_connect(settings_dict: dict, dbname: str):
    import psycopg

    params = {"dbname": dbname, "connect_timeout": 10}
    for key, param in (("HOST", "host"), ("PORT", "port"), ("USER", "user"), ("PASSWORD", "password")):
        if settings_dict.get(key):
            params[param] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    if options.get("sslmode"):
        params["sslmode"] = options["sslmode"]
    return psycopg.connect(**params, autocommit=True)


def _pg_url(settings_dict: dict):
    from sqlalchemy.engine import URL

    port = settings_dict.get("PORT")
    return URL.create(
        "postgresql+psycopg",
        username=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        host=settings_dict.get("HOST") or None,
        port=int(port) if port else None,
        database=str(settings_dict["NAME"]),
    )


def _pg_restore(backup: Path, target: dict) -> None:
    from sqlalchemy_utils import create_database, database_exists

    name = str(target["NAME"])
    try:
        # As ensure_database does: a missing database is created, in UTF-8 from template0.
        url = _pg_url(target)
        if not database_exists(url):
            create_database(url, encoding="utf8", template="template0")
        with _pg_connect(target, name) as connection:
            tables = connection.execute(
                "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            ).fetchone()[0]
    except Exception as exc:  # a connection error is the operator's to fix; say it plainly
        raise BackupError(f"Could not prepare the PostgreSQL database {name}: {exc}") from exc
    if tables:
        raise BackupError(
            f"The database {name} already has {tables} tables: restore into a new database "
            "(a new name in DATABASE_URL or --database-url), never over one in use."
        )
    # One transaction: a restore that fails half-way leaves the database empty, not half-filled. The objects
    # belong to whoever restores (no owner, no grants): the roles of the old server need not exist here.
    command = [
        _pg_client("pg_restore"),
        "--exit-on-error",
        "--single-transaction",
        "--no-owner",
        "--no-acl",
        "--no-password",
        f"--dbname={name}",
        str(backup),
    ]
    _run(command, _pg_env(target), f"pg_restore into {name}")


# --- SQLite ----------------------------------------------------------------------------------


def _sqlite_path(settings_dict: dict) -> Path:
    name = str(settings_dict["NAME"])
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError("An in-memory SQLite database has nothing on disk to back up.")
    path = Path(name)
    if not path.is_file():
        raise BackupError(f"No SQLite database at {path}.")
    return path


def _sqlite_copy(source: Path, destination: Path) -> None:
    """Copy with the online backup API: a consistent snapshot, even while the server writes."""
    source_connection = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    destination_connection = sqlite3.connect(destination)
    # Django's check constraints on SQLite call REGEXP, which Django defines on its connections; the integrity
    # check evaluates them, so it needs the same function.
    destination_connection.create_function("REGEXP", 2, _regexp, deterministic=True)
    try:
        source_connection.backup(destination_connection)
        result = destination_connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"Could not copy {source.name}: {exc}") from exc
    finally:
        destination_connection.close()
        source_connection.close()
    if result != "ok":
        raise BackupError(f"The copy of {source.name} fails SQLite's integrity check: {result}")


def _regexp(pattern: str | None, value) -> bool | None:
    if pattern is None or value is None:
        return None
    return re.search(pattern, str(value)) is not None


def _sqlite_restore(backup: Path, target: Path) -> None:
    if target.exists() and target.stat().st_size > 0:
        raise BackupError(f"{target} exists already: restore into a new file, never over the database in use.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    try:
        _sqlite_copy(backup, partial)
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)
