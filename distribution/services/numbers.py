"""Document numbers: `A-2026-000123` for allocations, `R-2026-000042` for receipts.

Gapless within a year: the year's counter row is locked in the transaction that uses the
number, so concurrent handovers queue on it and a rolled-back one gives its number back.
"""

from django.utils import timezone

from distribution.models import NumberSequence

PREFIXES = {"allocation": "A", "receipt": "R"}


def next_number(name: str) -> tuple[str, int, int]:
    """The next number of `name` this year, as (text, year, sequence); call inside a transaction."""
    year = timezone.localdate().year
    sequence = NumberSequence.objects.select_for_update().filter(name=name, year=year).first()
    if sequence is None:  # the year's first number: create its counter (once), then lock it
        NumberSequence.objects.get_or_create(name=name, year=year)
        sequence = NumberSequence.objects.select_for_update().get(name=name, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{PREFIXES[name]}-{year}-{sequence.last:06d}", year, sequence.last
