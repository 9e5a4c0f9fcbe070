from django.contrib import admin

from common.admin import BagageAdmin, ReadOnlyAdmin
from common.parsing import parse_id
from referrals.models import (
    AuthorisationDecision,
    BeneficiaryAccess,
    Membership,
    NoticeVersion,
    Organisation,
    Referral,
    ReferralEvent,
)
from referrals.services import beneficiary_access_record


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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A referral's page may show what the social worker wrote about the person: a logged read."""
        referral = Referral.objects.filter(pk=parse_id(object_id)).first()
        if referral is not None:
            beneficiary_access_record(user=request.user, referral=referral, action="admin")
        return super().change_view(request, object_id, form_url, extra_context)


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


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    """Social workers' organisations: set when the account is created or invited, never edited here."""

    list_display = ("user", "organisation", "created_at", "created_by")
    list_select_related = ("user", "organisation", "created_by")
    search_fields = ("user__username", "organisation__name")


@admin.register(NoticeVersion)
class NoticeVersionAdmin(ReadOnlyAdmin):
    """Read-only: a new version is published by a coordinator (POST /notices or the notices page), never edited."""

    list_display = ("label", "created_at", "created_by")
