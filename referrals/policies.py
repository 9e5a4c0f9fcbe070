"""Who may do what with partners and referrals: one table of roles, and the querysets that scope them.

A social worker's querysets only ever hold their own organisation's rows, a mediator's only
validated partners' referrals for their own site: a guessed id answers 404, and no filter can
widen what the base queryset holds. Services enforce these; the API's `allowed_actions`, the
routers and the pages' buttons read them.
"""

from django.db.models import Q, QuerySet

from accounts.enums import Role
from common.policies import Policy
from referrals.enums import EDITABLE_STATES, Authorisation
from referrals.models import Membership, Organisation, Referral
from referrals.workflows import REFERRAL_WORKFLOW

W, M, SW, C = Role.WAREHOUSE, Role.MEDIATOR, Role.SOCIAL_WORKER, Role.COORDINATOR

POLICY = Policy(
    {
        "referral.read": (SW, M, C),
        "referral.submit": (SW,),
        # Correct what was written, answer a question: the referring organisation's social workers.
        "referral.update": (SW,),
        "referral.answer": (SW,),
        "referral.decide": (M, C),
        # Act on what the person was handed (take a device back, give back a repair or a swap, top up): the
        # mediators who decide on the referral, the workshop of its site, coordinators. Never the person's details.
        "referral.take_back": (W, M, C),
        "referral.cancel": (SW, C),
        "organisation.read": (SW, M, C),
        "organisation.register": (M, C),
        "organisation.authorise": (C,),
        # Members' names, e-mails and account state; invitations and deactivations.
        "organisation.members": (C,),
        "access_log.read": (C,),
        # Right of access: everything held about one person, in one file.
        "beneficiary.export": (C,),
        # The information notice is no secret: anyone signed in reads it; coordinators publish new versions.
        "notice.read": (W, SW, M, C),
        "notice.publish": (C,),
        # A table of referrals (pseudonymised): staff; with names and contacts: coordinators, and each row is logged.
        "referral.export": (M, C),
        "referral.export_names": (C,),
    }
)
allows = POLICY.allows
require = POLICY.require

# Accounts of these roles refer for a partner organisation: they are created with a membership.
MEMBER_ROLES = (SW,)

# The transitions each action runs, for allowed_actions.
ACTION_TRANSITIONS = {
    "referral.decide": ("accept", "reject", "ask_info"),
    "referral.answer": ("answer",),
    "referral.cancel": ("cancel",),
}


def is_staff_reader(user) -> bool:
    """Staff read other organisations' people: their reads of personal details are logged."""
    return user.role in (M, C)


def organisation_id_of(user) -> int | None:
    """The partner organisation a social worker refers for (None for staff)."""
    if user.role != SW:
        return None
    return Membership.objects.filter(user=user).values_list("organisation_id", flat=True).first()


def referral_scope(user, action: str = "referral.read") -> Q:
    """The condition a referral meets when `user` may `action` it (a filter, for querysets and subqueries)."""
    if not allows(user, action):
        return Q(pk__in=[])
    if user.role == C:
        return Q()
    if user.role == M:
        # Only validated partners' referrals reach mediators, and those of their own site.
        return Q(organisation__authorisation=Authorisation.VALIDATED, site_id=user.site_id)
    if user.role == SW:
        return Q(organisation__memberships__user=user)
    if user.role == W:
        # The workshop acts only on what was handed over at its own site.
        return Q(site_id=user.site_id)
    return Q(pk__in=[])


def referrals_for(user, action: str = "referral.read") -> QuerySet[Referral]:
    """Every referral `user` may `action`, and nothing else."""
    return Referral.objects.filter(referral_scope(user, action))


def organisations_for(user, action: str = "organisation.read") -> QuerySet[Organisation]:
    organisations = Organisation.objects.order_by("name")
    if not allows(user, action):
        return organisations.none()
    if user.role == SW:
        return organisations.filter(memberships__user=user)
    return organisations


def referral_actions(user, referral: Referral) -> list[str]:
    """What `user` may do with this referral now: `update` and the transitions open to them."""
    actions = []
    own = user.role == SW and referrals_for(user, "referral.update").filter(pk=referral.pk).exists()
    if own and referral.status in EDITABLE_STATES:
        actions.append("update")
    open_now = {t.name for t in REFERRAL_WORKFLOW.open_from(referral.status)}
    for action, transitions in ACTION_TRANSITIONS.items():
        if not allows(user, action):
            continue
        if user.role == SW and not own:
            continue
        actions.extend(name for name in transitions if name in open_now)
    return actions
