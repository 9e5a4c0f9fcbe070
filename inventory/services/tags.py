"""Asset tags: the next numbers of a site's sequence for a device type and year, row-locked."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from inventory.enums import TYPE_CODES
from inventory.models import AssetTagSequence
from sites.models import Site


def format_asset_tag(site_code: str, type_code: str, year: int, sequence: int) -> str:
    return settings.BAGAGE_ASSET_TAG_FORMAT.format(
        site=site_code, type=type_code, yy=f"{year % 100:02d}", year=year, seq=sequence
    )


def asset_tags_allocate(*, site: Site, kind: str, count: int = 1) -> list[str]:
    """Take the next `count` asset tags for a site and device type this year (row-locked)."""
    type_code = TYPE_CODES[kind]
    year = timezone.localdate().year
    with transaction.atomic():
        sequence, _created = AssetTagSequence.objects.select_for_update().get_or_create(
            site=site, type_code=type_code, year=year % 100
        )
        first = sequence.last + 1
        sequence.last += count
        sequence.save(update_fields=["last"])
    return [format_asset_tag(site.code, type_code, year, n) for n in range(first, first + count)]
