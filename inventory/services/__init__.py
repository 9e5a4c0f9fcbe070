"""Every write on stock, by sub-domain: devices, intake (donors, batches, imports), connectivity.

Each service runs in one transaction, locks what it changes and writes its history row.
"""

from inventory.services.connectivity import (
    line_item_hand_over,
    line_item_release,
    line_item_reserve,
    line_item_void,
    line_items_add,
    line_items_expire,
    offer_create,
)
from inventory.services.devices import (
    device_hand_over,
    device_labels_printed,
    device_make_ready,
    device_register,
    device_release,
    device_reserve,
    device_take_back,
    device_transfer,
    device_transition,
    device_update,
    erasure_record,
    find_existing_devices,
)
from inventory.services.intake import (
    ImportRejected,
    ImportReport,
    ImportRow,
    batch_create,
    batch_import_devices,
    donor_create,
)
from inventory.services.tags import asset_tags_allocate, format_asset_tag

__all__ = [
    "ImportRejected",
    "ImportReport",
    "ImportRow",
    "asset_tags_allocate",
    "batch_create",
    "batch_import_devices",
    "device_hand_over",
    "device_labels_printed",
    "device_make_ready",
    "device_register",
    "device_release",
    "device_reserve",
    "device_take_back",
    "device_transfer",
    "device_transition",
    "device_update",
    "donor_create",
    "erasure_record",
    "find_existing_devices",
    "format_asset_tag",
    "line_item_hand_over",
    "line_item_release",
    "line_item_reserve",
    "line_item_void",
    "line_items_add",
    "line_items_expire",
    "offer_create",
]
