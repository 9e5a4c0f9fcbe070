"""Admin bases: every admin page refuses filters on secrets and personal data; some pages only read."""

from django.contrib import admin
from django.db.models.constants import LOOKUP_SEP

# A filter in the admin's query string (`?voucher_code__startswith=7`) is an oracle: the count of
# rows it answers reveals the field one character at a time. These fields are never filtered on,
# under any relation (`item__voucher_code`, `referral__beneficiary__phone`).
FORBIDDEN_LOOKUP_FIELDS = frozenset(
    {
        # secrets
        "voucher_code",
        "digest",
        "password",
        "token",
        "tokens",
        # personal data: of beneficiaries, of users, of donors' contacts
        "beneficiary",
        "first_name",
        "last_name",
        "email",
        "phone",
        "phone_key",
        "identity_key",
        "birth_year",
        "msisdn",
        "notes",
        "decision_reason",
        "urgency_justification",
        "accessibility_needs",
        "eligibility",
        "eligibility_note",
    }
)
FORBIDDEN_LOOKUP_PREFIXES = ("contact_", "beneficiar")


def lookup_is_forbidden(lookup: str) -> bool:
    """Whether a lookup path touches a secret or a personal field anywhere along it."""
    return any(
        part in FORBIDDEN_LOOKUP_FIELDS or part.startswith(FORBIDDEN_LOOKUP_PREFIXES)
        for part in lookup.split(LOOKUP_SEP)
    )


class SafeLookupsMixin:
    """Refuse query-string filters on forbidden fields: Django answers 400 (DisallowedModelAdminLookup)."""

    def lookup_allowed(self, lookup, value, request=None):
        if lookup_is_forbidden(lookup):
            return False
        return super().lookup_allowed(lookup, value, request)


class BagageAdmin(SafeLookupsMixin, admin.ModelAdmin):
    """The base of every admin page of Bagage."""


class ReadOnlyAdmin(BagageAdmin):
    """An admin page that only reads: what changes goes through the services, with its history."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
