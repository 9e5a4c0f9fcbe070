from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import ApiToken, Invitation, User
from common.admin import BagageAdmin, ReadOnlyAdmin, SafeLookupsMixin


@admin.register(User)
class UserAdmin(SafeLookupsMixin, BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "site", "is_active")
    list_filter = ("role", "site", "is_active")
    search_fields = ("username", "first_name", "last_name", "email")
    fieldsets = BaseUserAdmin.fieldsets + (("Bagage", {"fields": ("role", "site", "phone")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("Bagage", {"fields": ("role", "site")}),)


@admin.register(ApiToken)
class ApiTokenAdmin(BagageAdmin):
    list_display = ("label", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    search_fields = ("label", "user__username", "prefix")
    readonly_fields = ("digest", "prefix", "created_at", "last_used_at")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("user", "created_by", "created_at", "expires_at", "accepted_at", "revoked_at")
    search_fields = ("user__username", "user__email")
    exclude = ("digest",)
