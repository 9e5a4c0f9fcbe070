"""Who may read the charity's figures: coordinators everywhere, mediators for their own site."""

from accounts.enums import Role
from common.policies import Policy

M, C = Role.MEDIATOR, Role.COORDINATOR

POLICY = Policy(
    {
        "report.read": (M, C),
        # Any site, or the whole network; the others read their own site's figures only.
        "report.any_site": (C,),
    }
)
allows = POLICY.allows
require = POLICY.require
