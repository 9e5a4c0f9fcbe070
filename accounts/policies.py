"""Who may do what with accounts and tokens."""

from accounts.enums import Role
from common.policies import Policy

# The charity's own staff: they have a home site and never a partner organisation.
STAFF_ROLES = (Role.WAREHOUSE, Role.MEDIATOR, Role.COORDINATOR)

POLICY = Policy(
    {
        # Invite, deactivate, reactivate accounts; read the members of an organisation.
        "account.manage": (Role.COORDINATOR,),
        # Open the Django admin from the pages.
        "admin.open": (Role.COORDINATOR,),
    }
)
allows = POLICY.allows
allows_role = POLICY.allows_role
require = POLICY.require


def is_staff_role(role: str) -> bool:
    return role in STAFF_ROLES
