"""Reads of partners and referrals, scoped by role and organisation at the queryset.

A social worker's querysets only ever hold their own organisation's rows, so a guessed id
answers 404, and no filter can widen what the base queryset holds.
"""

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When

from accounts.enums import Role
from accounts.models import User
from referrals.enums import Authorisation, Urgency
from referrals.models import Beneficiary, BeneficiaryAccess, Organisation, Referral, ReferralEvent


def referrals_for(user: User) -> QuerySet[Referral]:
    """Every referral `user` may see, and nothing else."""
    referrals = Referral.objects.all()
    if not user.is_active:
        return referrals.none()
    if user.role == Role.COORDINATOR:
        return referrals
    if user.role == Role.MEDIATOR:
        # Only validated partners' referrals reach mediators, and those of their own site.
        return referrals.filter(organisation__authorisation=Authorisation.VALIDATED, site_id=user.site_id)
    if user.role == Role.SOCIAL_WORKER and user.organisation_id:
        return referrals.filter(organisation_id=user.organisation_id)
    return referrals.none()


def _duplicates_of(user: User, beneficiary_ref) -> QuerySet[Beneficiary]:
    """Other beneficiaries with the same name, birth year and postal code, or the same phone."""
    same = Q(identity_key=OuterRef(f"{beneficiary_ref}identity_key")) | (
        Q(phone_key=OuterRef(f"{beneficiary_ref}phone_key")) & ~Q(phone_key="")
    )
    others = Beneficiary.objects.filter(same).exclude(pk=OuterRef(f"{beneficiary_ref}pk"))
    if user.role == Role.SOCIAL_WORKER:
        # A social worker never learns of another organisation's people.
        others = others.filter(referral__organisation_id=user.organisation_id)
    return others


def referral_list(
    user: User,
    *,
    status: str | None = None,
    site: str | None = None,
    urgency: str | None = None,
    organisation: int | None = None,
    q: str | None = None,
) -> QuerySet[Referral]:
    referrals = referrals_for(user).select_related("beneficiary", "organisation", "site", "social_worker")
    if status:
        referrals = referrals.filter(status__in=status.split(","))
    if site:
        referrals = referrals.filter(site__code__in=site.upper().split(","))
    if urgency:
        referrals = referrals.filter(urgency=urgency)
    if organisation:
        referrals = referrals.filter(organisation_id=organisation)
    if q:
        term = q.strip()
        referrals = referrals.filter(
            Q(beneficiary__last_name__icontains=term) | Q(beneficiary__first_name__icontains=term)
        )
    duplicates = _duplicates_of(user, "beneficiary__")
    # Most urgent first, then the longest waiting.
    urgency_rank = Case(When(urgency=Urgency.HIGH, then=Value(0)), default=Value(1))
    return referrals.annotate(possible_duplicate=Exists(duplicates), urgency_rank=urgency_rank).order_by(
        "urgency_rank", "submitted_at", "id"
    )


def referral_get(user: User, referral_id: int) -> Referral | None:
    return referral_list(user).filter(pk=referral_id).first()


def possible_duplicates(user: User, referral: Referral) -> QuerySet[Referral]:
    """Other referrals of the same person, within what the user may see of them."""
    person = referral.beneficiary
    same = Q(beneficiary__identity_key=person.identity_key)
    if person.phone_key:
        same |= Q(beneficiary__phone_key=person.phone_key)
    candidates = Referral.objects.filter(same).exclude(pk=referral.pk).select_related("organisation", "site")
    if user.role == Role.SOCIAL_WORKER:
        candidates = candidates.filter(organisation_id=user.organisation_id)
    return candidates.order_by("-submitted_at")


def referral_events(referral: Referral) -> QuerySet[ReferralEvent]:
    return ReferralEvent.objects.filter(referral=referral).select_related("by").order_by("at", "id")


def organisations_for(user: User) -> QuerySet[Organisation]:
    organisations = Organisation.objects.order_by("name")
    if user.role == Role.SOCIAL_WORKER:
        return organisations.filter(pk=user.organisation_id)
    if user.role in (Role.MEDIATOR, Role.COORDINATOR):
        return organisations
    return organisations.none()


def access_log(*, referral: int | None = None, user: str | None = None) -> QuerySet[BeneficiaryAccess]:
    log = BeneficiaryAccess.objects.select_related("user", "referral").order_by("-at", "-id")
    if referral:
        log = log.filter(referral_id=referral)
    if user:
        log = log.filter(user__username=user)
    return log
