from django.contrib import admin

from common.admin import BagageAdmin, ReadOnlyAdmin
from inventory.models import (
    AssetTagSequence,
    Batch,
    Device,
    DeviceEvent,
    Donor,
    Erasure,
    LineItem,
    LineItemEvent,
    Offer,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DeviceEventInline(ReadOnlyInline):
    model = DeviceEvent
    fields = ("at", "by", "kind", "from_status", "to_status", "site", "note")


class ErasureInline(ReadOnlyInline):
    model = Erasure
    fields = ("recorded_at", "method", "tool", "operator", "result", "certificate_ref")


@admin.register(Donor)
class DonorAdmin(BagageAdmin):
    list_display = ("name", "kind", "siret", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "siret")


@admin.register(Batch)
class BatchAdmin(BagageAdmin):
    list_display = ("id", "donor", "site", "received_on", "donor_reference", "expected_count")
    list_filter = ("site",)
    search_fields = ("donor__name", "donor_reference")
    list_select_related = ("donor", "site")


@admin.register(Device)
class DeviceAdmin(ReadOnlyAdmin):
    list_display = ("asset_tag", "kind", "brand", "model", "status", "grade", "site", "location")
    list_filter = ("status", "kind", "grade", "site")
    search_fields = ("asset_tag", "serial_number", "imei", "imei2", "brand", "model")
    list_select_related = ("site",)
    inlines = [ErasureInline, DeviceEventInline]

    # Read-only here: every change goes through the pages or the API, which check the life
    # cycle's guards and write the device's history.


@admin.register(Erasure)
class ErasureAdmin(ReadOnlyAdmin):
    list_display = ("device", "method", "tool", "result", "operator", "recorded_at")
    list_filter = ("method", "result")
    search_fields = ("device__asset_tag", "device__serial_number", "device__imei", "certificate_ref", "drive_serial")


@admin.register(DeviceEvent)
class DeviceEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "device", "kind", "from_status", "to_status", "by", "site")
    list_filter = ("kind", "to_status")
    search_fields = ("device__asset_tag", "device__imei", "device__serial_number")


@admin.register(Offer)
class OfferAdmin(BagageAdmin):
    list_display = ("operator", "name", "kind", "data_gb", "validity_days", "price", "is_active")
    list_filter = ("operator", "kind", "is_active")
    search_fields = ("operator", "name")


@admin.register(LineItem)
class LineItemAdmin(BagageAdmin):
    list_display = ("__str__", "offer", "status", "expires_on", "site")
    list_filter = ("status", "offer", "site")
    search_fields = ("iccid", "msisdn")
    exclude = ("voucher_code",)
    readonly_fields = ("status",)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LineItemEvent)
class LineItemEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "item", "from_status", "to_status", "by")
    search_fields = ("item__iccid",)


@admin.register(AssetTagSequence)
class AssetTagSequenceAdmin(ReadOnlyAdmin):
    """The last asset tag number used per site, type and year; written only when tags are given."""

    list_display = ("site", "type_code", "year", "last")
    list_filter = ("site", "type_code", "year")
