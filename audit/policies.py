"""Who may read the audit trail: every state change of every object, by anyone."""

from accounts.enums import Role
from common.policies import Policy

POLICY = Policy({"audit.read": (Role.COORDINATOR,)})
allows = POLICY.allows
require = POLICY.require
