"""Who may do what with kits: reserve, hand over, take back, read receipts."""

from django.db.models import QuerySet

from accounts.enums import Role
from common.policies import Policy
from distribution.models import Allocation, Handover, Receipt
from referrals.policies import referrals_for
from sites.models import Site

W, M, SW, C = Role.WAREHOUSE, Role.MEDIATOR, Role.SOCIAL_WORKER, Role.COORDINATOR

POLICY = Policy(
    {
        # Reserve and release kits, see the pickup shelf, hand kits over: mediators of the referral's site.
        "kit.reserve": (M, C),
        "kit.read": (M, C),
        "kit.hand_over": (M, C),
        # A device back from a beneficiary: at the desk or at the workshop.
        "kit.take_back": (W, M, C),
        # Receipts name the person: the mediators who handed the kit over, and coordinators.
        "receipt.read": (M, C),
        # Once retention anonymised the person, their receipt is an accounting record only: coordinators.
        "receipt.read_archived": (C,),
        # Read and confirm another person's allocation plan.
        "plan.any": (C,),
        # Is this PDF one of ours? It tells nothing but its number.
        "receipt.verify": (W, M, C),
    }
)
allows = POLICY.allows
require = POLICY.require


def _decidable(user):
    """The referrals the user may decide on, as a subquery (a mediator: validated partners', their site)."""
    return referrals_for(user, "referral.decide").values("pk")


def allocations_for(user, action: str = "kit.read") -> QuerySet[Allocation]:
    """Allocations of the referrals the user may decide on, and nothing else."""
    if not allows(user, action):
        return Allocation.objects.none()
    return Allocation.objects.filter(referral__in=_decidable(user))


def handovers_for(user, action: str = "kit.take_back") -> QuerySet[Handover]:
    """Handovers of the referrals the user may act on after the handover (a device back), and nothing else."""
    if not allows(user, action):
        return Handover.objects.none()
    return Handover.objects.filter(allocation__referral__in=referrals_for(user, "referral.take_back").values("pk"))


def may_take_back(user, handover: Handover) -> bool:
    """Whether `user` may take back (repair, swap) what this handover gave: scoped like its referral."""
    return handovers_for(user, "kit.take_back").filter(pk=handover.pk).exists()


def receipts_for(user) -> QuerySet[Receipt]:
    """Receipts of those referrals (they name the person: never the social worker's to download)."""
    if not allows(user, "receipt.read"):
        return Receipt.objects.none()
    receipts = Receipt.objects.filter(handover__allocation__referral__in=_decidable(user))
    if not allows(user, "receipt.read_archived"):
        receipts = receipts.filter(handover__allocation__referral__beneficiary__anonymised_at__isnull=True)
    return receipts


def planning_sites(user) -> QuerySet[Site]:
    """The sites a user may plan allocations for one by one: every site for coordinators, else their own."""
    if not allows(user, "kit.reserve"):
        return Site.objects.none()
    sites = Site.objects.filter(is_active=True).order_by("code")
    return sites if user.role == C else sites.filter(pk=user.site_id)
