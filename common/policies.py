"""The shape every domain's `policies.py` shares: a table from action to the roles allowed.

A domain lists its actions once (`RULES = {"device.write": (WAREHOUSE, COORDINATOR), …}`);
services enforce them with `require`, the API and the pages ask `allows` before showing a
button. Object-level rules (a social worker's own organisation, a mediator's site) are
querysets in the domain's policies (`referrals_for(user, action)`), NetBox's `restrict()`.
"""

from collections.abc import Mapping

from django.utils.translation import gettext as _

from common.exceptions import NotAllowed


class Policy:
    def __init__(self, rules: Mapping[str, tuple[str, ...]]) -> None:
        self.rules = dict(rules)

    def allows(self, user, action: str) -> bool:
        """Whether `user` (active, with one of the action's roles) may do `action`."""
        roles = self.rules[action]
        return bool(user is not None and user.is_authenticated and user.is_active and user.role in roles)

    def require(self, user, action: str, message: str | None = None):
        """Return `user` when allowed; otherwise refuse with 403 (NotAllowed)."""
        if not self.allows(user, action):
            raise NotAllowed(message or _("Your role does not allow this."), "forbidden")
        return user

    def allows_role(self, role: str, action: str) -> bool:
        """Whether an account of `role` may do `action` (for accounts being created)."""
        return role in self.rules[action]

    def roles(self, action: str) -> tuple[str, ...]:
        return self.rules[action]


def scope_shape(user) -> tuple:
    """Everything a user's scope (`referrals_for` and its kin) is built from: account, role, site, and whether
    they may act at all. SQL compiled once for a scope (common.compiled) is kept per shape."""
    if user is None or not user.is_authenticated:
        return (None,)  # allowed nothing, whoever they are
    return (user.pk, user.role, user.site_id, user.is_active)
