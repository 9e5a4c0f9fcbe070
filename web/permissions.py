"""The one permission check for pages: a domain policy's action, as for the API."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from accounts import policies as account_policies
from audit import policies as audit_policies
from distribution import policies as distribution_policies
from inventory import policies as stock_policies
from referrals import policies as referral_policies
from reports import policies as report_policies
from sites import policies as site_policies


def allowed(policy, action: str):
    """Let a signed-in user whom `policy` allows `action` through; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not policy.allows(request.user, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def navigation(request) -> dict:
    """What the menu and the pages may offer the signed-in user (a context processor)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "can": {
            "read_referrals": referral_policies.allows(user, "referral.read"),
            "refer": referral_policies.allows(user, "referral.submit"),
            "decide_referrals": referral_policies.allows(user, "referral.decide"),
            "partners": referral_policies.allows(user, "organisation.register"),
            "access_log": referral_policies.allows(user, "access_log.read"),
            "audit": audit_policies.allows(user, "audit.read"),
            "read_stock": stock_policies.allows(user, "stock.read"),
            "write_stock": stock_policies.allows(user, "stock.write"),
            "manage_accounts": account_policies.allows(user, "account.manage"),
            "read_sites": site_policies.allows(user, "site.read"),
            "export_referrals": referral_policies.allows(user, "referral.export"),
            "kits": distribution_policies.allows(user, "kit.read"),
            "take_back": distribution_policies.allows(user, "kit.take_back"),
            "plan_allocations": distribution_policies.allows(user, "kit.reserve"),
            "dashboard": report_policies.allows(user, "report.read"),
        }
    }
