"""Every write of distribution: reserving kits, handing them over with a receipt, returns."""

from distribution.services.allocations import allocation_release, allocation_reserve, holds_expire
from distribution.services.appointments import allocation_appointment_set
from distribution.services.handovers import handover_record
from distribution.services.matching import proposal_confirm, proposal_create
from distribution.services.receipts import receipt_duplicate, receipt_original, receipt_verify
from distribution.services.retention import receipt_purge, retention_apply, retention_due
from distribution.services.returns import device_return

__all__ = [
    "allocation_appointment_set",
    "allocation_release",
    "allocation_reserve",
    "device_return",
    "handover_record",
    "holds_expire",
    "proposal_confirm",
    "proposal_create",
    "receipt_duplicate",
    "receipt_original",
    "receipt_purge",
    "receipt_verify",
    "retention_apply",
    "retention_due",
]
