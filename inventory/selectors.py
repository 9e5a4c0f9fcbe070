"""Reads of stock that the API and the pages share."""

from django.db.models import QuerySet

from inventory.models import Site


def site_list(*, active_only: bool = True) -> QuerySet[Site]:
    sites = Site.objects.order_by("code")
    return sites.filter(is_active=True) if active_only else sites
