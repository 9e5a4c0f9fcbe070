"""Who may do what with the charity's sites."""

from common.policies import Policy
from common.roles import Role

W, M, C = Role.WAREHOUSE, Role.MEDIATOR, Role.COORDINATOR

POLICY = Policy(
    {
        # The sites' page: addresses, hours, what the national mediation-places file publishes.
        "site.read": (W, M, C),
        # Change a site's public details (address, hours, contact, SIRET, services).
        "site.manage": (C,),
    }
)
allows = POLICY.allows
require = POLICY.require
