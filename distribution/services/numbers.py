"""Document numbers: `A-2026-000123` for allocations, `R-2026-000042` for receipts.

Gapless within a year: the year's counter row is locked, by the one UPDATE that takes the
number, in the transaction that uses it, so concurrent handovers queue on it and a
rolled-back one gives its number back.
"""

from django.db import connection
from django.utils import timezone

from distribution.models import NumberSequence

PREFIXES = {"allocation": "A", "receipt": "R"}


def _take(name: str, year: int) -> int | None:
    """Add one to the year's counter and read it back, in one statement that row-locks it (None: no counter yet)."""
    table = NumberSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{table}" SET "last" = "last" + 1 WHERE "name" = %s AND "year" = %s RETURNING "last"',
            [name, year],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def next_number(name: str) -> tuple[str, int, int]:
    """The next number of `name` this year, as (text, year, sequence); call inside a transaction."""
    year = timezone.localdate().year
    last = _take(name, year)
    if last is None:  # the year's first number: create its counter (once), then take from it
        NumberSequence.objects.get_or_create(name=name, year=year)
        last = _take(name, year)
    return f"{PREFIXES[name]}-{year}-{last:06d}", year, last
