"""Writes on the charity's sites."""

from django.core.exceptions import ValidationError as DjangoValidationError

from common.exceptions import ValidationFailed
from common.integrity import atomic
from common.validators import clean_phone
from sites import policies
from sites.models import MEDIATION_SERVICES, Site

# What a coordinator may change: the code is the site's name in asset tags, and stays.
EDITABLE_FIELDS = (
    "name",
    "address",
    "address_complement",
    "postal_code",
    "city",
    "insee_code",
    "siret",
    "phone",
    "email",
    "website",
    "opening_hours",
    "pickup_slot_minutes",
    "pickup_slot_capacity",
    "description",
    "services",
    "latitude",
    "longitude",
    "is_reception_point",
    "is_active",
)


@atomic
def site_update(*, user, site: Site, **changes) -> Site:
    """Change a site's public details (coordinators), each checked by the model's rules; all or nothing."""
    policies.require(user, "site.manage")
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationFailed(f"Not editable: {', '.join(unknown)}.", "not_editable", field=unknown[0])
    if "services" in changes:
        services = list(dict.fromkeys(changes["services"] or []))
        wrong = [service for service in services if service not in MEDIATION_SERVICES]
        if wrong:
            raise ValidationFailed(f"Unknown service: {wrong[0]}.", "invalid_service", field="services")
        changes["services"] = services
    if "phone" in changes:
        changes["phone"] = clean_phone(changes["phone"])
    for name, value in changes.items():
        setattr(site, name, value.strip() if isinstance(value, str) else value)
    try:
        site.full_clean()
    except DjangoValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ValidationFailed(messages[0], "invalid", field=field) from exc
    site.save()
    return site
