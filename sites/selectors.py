"""Reads of the charity's sites, shared by every domain, the API and the pages."""

from django.db.models import QuerySet

from common.exceptions import ValidationFailed
from sites.models import Site


def site_list(*, active_only: bool = True) -> QuerySet[Site]:
    sites = Site.objects.order_by("code")
    return sites.filter(is_active=True) if active_only else sites


def reception_points() -> QuerySet[Site]:
    """Where people may collect a kit: active reception points."""
    return site_list().filter(is_reception_point=True)


def site_get(code: str) -> Site | None:
    return Site.objects.filter(code=code.strip().upper()).first()


def site_by_code(code: str) -> Site:
    """The site named by its code, or the 422 every caller gives for an unknown one."""
    site = site_get(code)
    if site is None:
        raise ValidationFailed(f"No site with code {code!r}.", "unknown_site", field="site")
    return site


def site_or_default(code: str | None, default: Site | None) -> Site:
    """The site named, else `default` (usually the caller's own site); one of them is needed."""
    if code is None:
        if default is None:
            raise ValidationFailed("site is required", field="site")
        return default
    return site_by_code(code)
