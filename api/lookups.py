"""Turning codes in requests into objects, with the 422 every router gives for an unknown one."""

from common.exceptions import ValidationFailed
from inventory.models import Site
from inventory.selectors import site_get


def site_by_code(code: str) -> Site:
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
