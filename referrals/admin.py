from django.contrib import admin

from common.admin import BagageAdmin, ReadOnlyAdmin
from referrals.models import AuthorisationDecision, BeneficiaryAccess, Organisation, Referral, ReferralEvent


@admin.register(Organisation)
class OrganisationAdmin(BagageAdmin):
    list_display = ("name", "kind", "siret", "department", "authorisation", "open_referral_quota")
    list_filter = ("authorisation", "kind", "department")
    search_fields = ("name", "siret")
    # Authorisation is decided through the API, which keeps each decision.
    readonly_fields = ("authorisation", "authorised_at", "authorised_by")


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    """Read-only: referrals change through their life cycle, with history; personal details stay out of lists."""

    list_display = ("id", "status", "organisation", "site", "urgency", "submitted_at")
    list_filter = ("status", "site", "urgency", "organisation")
    list_select_related = ("organisation", "site")
    exclude = ("beneficiary",)


@admin.register(ReferralEvent)
class ReferralEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "referral", "from_status", "to_status", "by")
    list_filter = ("to_status",)


@admin.register(BeneficiaryAccess)
class BeneficiaryAccessAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "referral", "action")
    list_filter = ("action",)
    search_fields = ("user__username",)


@admin.register(AuthorisationDecision)
class AuthorisationDecisionAdmin(ReadOnlyAdmin):
    list_display = ("at", "organisation", "status", "by")
