"""Who may do what with stock: one table, read by the services, the API and the pages."""

from accounts.enums import Role
from common.policies import Policy
from inventory import workflows
from inventory.enums import COMMITTED_STATES, FINAL_STATES

W, M, C = Role.WAREHOUSE, Role.MEDIATOR, Role.COORDINATOR

POLICY = Policy(
    {
        # See devices, batches, donors, SIM stock; scan; print labels.
        "stock.read": (W, M, C),
        # Register, update, move along the workshop's life cycle, record erasures, receive batches and SIMs.
        "stock.write": (W, C),
        # A donor's certificate of erasure and outcome, for any batch of any site.
        "stock.certify": (W, C),
        # Create connectivity offers and void a lost SIM card or voucher.
        "connectivity.manage": (W, C),
    }
)
allows = POLICY.allows
require = POLICY.require


def device_actions(user, device) -> dict:
    """What the user may do with this device now: manual transitions (by target) and edits."""
    if not allows(user, "stock.write"):
        return {"transitions": [], "update": False, "erasure": False}
    return {
        "transitions": [t.target for t in workflows.DEVICE_WORKFLOW.open_from(device.status)],
        "update": device.status not in FINAL_STATES,
        "erasure": device.status not in (*FINAL_STATES, *COMMITTED_STATES),
    }
