"""Who may do what with accounts and tokens."""

from accounts.enums import Role
from common.policies import Policy

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
