"""Reads of partners and referrals, always from the policies' scoped querysets.

A social worker's querysets only ever hold their own organisation's rows, so a guessed id
answers 404, and no filter can widen what the base queryset holds.
"""

import hashlib
import hmac

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Value

from common.parsing import parse_id
from referrals import policies
from referrals.enums import Urgency
from referrals.models import BeneficiaryAccess, Organisation, Referral, ReferralEvent

User = get_user_model()

# The queue is ordered by the urgency column itself (referral_list): that needs the urgent value to sort first.
assert sorted(Urgency.values) == [Urgency.HIGH, Urgency.NORMAL], "referral_list's order needs a rank again"


def _same_person_exists(candidates: QuerySet) -> ExpressionWrapper:
    """Whether `candidates` hold another referral of the outer referral's person: same name, birth year and
    postal code, or same phone. Two EXISTS, one per key, so that each is one lookup in that key's index
    (an OR inside one EXISTS reads every candidate, once per row of the page)."""
    others = candidates.exclude(pk=OuterRef("pk"))
    by_identity = others.filter(beneficiary__identity_key=OuterRef("beneficiary__identity_key"))
    by_phone = others.filter(beneficiary__phone_key=OuterRef("beneficiary__phone_key"))
    return ExpressionWrapper(
        Q(Exists(by_identity)) | (~Q(beneficiary__phone_key="") & Q(Exists(by_phone))),
        output_field=BooleanField(),
    )


def _search(user: User, term: str) -> Q:
    """What a search term matches. Staff lists show a last name's initial only, so staff search
    the first name, the initial ("R." or "R") and the referral number, never the hidden full name."""
    condition = Q()
    for token in term.split():
        number = parse_id(token.lstrip("#"))
        if number is not None:
            condition &= Q(pk=number)
        elif not policies.is_staff_reader(user):
            condition &= Q(beneficiary__last_name__icontains=token) | Q(beneficiary__first_name__icontains=token)
        elif len(token.rstrip(".")) == 1:
            condition &= Q(beneficiary__last_name__istartswith=token.rstrip("."))
        else:
            condition &= Q(beneficiary__first_name__icontains=token)
    return condition


def referral_filter(
    referrals: QuerySet[Referral],
    user: User,
    *,
    status: str | None = None,
    site: str | None = None,
    urgency: str | None = None,
    organisation: int | None = None,
    q: str | None = None,
) -> QuerySet[Referral]:
    """The list's filters, on a queryset already scoped to what `user` may see (the list, the exports)."""
    if status:
        referrals = referrals.filter(status__in=status.split(","))
    if site:
        referrals = referrals.filter(site__code__in=site.upper().split(","))
    if urgency:
        referrals = referrals.filter(urgency=urgency)
    if organisation:
        referrals = referrals.filter(organisation_id=organisation)
    if q and q.strip():
        referrals = referrals.filter(_search(user, q.strip()))
    return referrals


def referral_list(
    user: User,
    *,
    status: str | None = None,
    site: str | None = None,
    urgency: str | None = None,
    organisation: int | None = None,
    q: str | None = None,
) -> QuerySet[Referral]:
    visible = policies.referrals_for(user)
    referrals = referral_filter(
        visible.select_related("beneficiary", "organisation", "site", "social_worker"),
        user,
        status=status,
        site=site,
        urgency=urgency,
        organisation=organisation,
        q=q,
    )
    # Duplicates within what the reader may open; beyond it, staff only learn that one exists.
    annotations = {"possible_duplicate": _same_person_exists(visible)}
    scope = policies.referral_scope(user)
    if policies.is_staff_reader(user) and scope:
        annotations["duplicate_elsewhere"] = _same_person_exists(Referral.objects.exclude(scope))
    else:
        # A coordinator sees every referral; a social worker learns nothing of other organisations' people.
        annotations["duplicate_elsewhere"] = Value(False)
    # Most urgent first, then the longest waiting: "high" sorts before "normal", so the plain column orders
    # them and the queue's index (site, urgency, submitted_at, id) reads a page without sorting every referral.
    return referrals.annotate(**annotations).order_by("urgency", "submitted_at", "id")


# What a list shows of a referral: its own columns, the person's summary, the organisation and the site.
REFERRAL_ROW_FIELDS = (
    "id",
    "status",
    "device_kinds",
    "connectivity",
    "accessories",
    "reason",
    "urgency",
    "site__code",
    "decision_reason",
    "organisation_id",
    "organisation__name",
    "submitted_at",
    "possible_duplicate",
    "duplicate_elsewhere",
    "beneficiary__first_name",
    "beneficiary__last_name",
    "beneficiary__postal_code",
    "beneficiary__birth_year",
)


def referral_rows(user: User, **filters) -> QuerySet:
    """referral_list's referrals as dicts of REFERRAL_ROW_FIELDS, in the same order: what the API's list answers."""
    return referral_list(user, **filters).values(*REFERRAL_ROW_FIELDS)


def referral_export_list(user: User, **filters) -> QuerySet[Referral]:
    """What `user` may export (staff: their scope), with the list's filters, oldest first."""
    return referral_filter(policies.referrals_for(user, "referral.export"), user, **filters).order_by("id")


def beneficiary_pseudonym(beneficiary_id: int) -> str:
    """A stable pseudonym for a beneficiary: the same person has the same one in every export, and nobody
    without the server's SECRET_KEY can go back from it to the id (HMAC-SHA256, 16 hex digits)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"beneficiary:{beneficiary_id}".encode(), hashlib.sha256)
    return "B-" + digest.hexdigest()[:16]


def referral_get(user: User, referral_id: int) -> Referral | None:
    return referral_list(user).filter(pk=referral_id).first()


def possible_duplicates(user: User, referral: Referral) -> QuerySet[Referral]:
    """Other referrals of the same person, within what the user may open."""
    person = referral.beneficiary
    same = Q(beneficiary__identity_key=person.identity_key)
    if person.phone_key:
        same |= Q(beneficiary__phone_key=person.phone_key)
    candidates = policies.referrals_for(user).filter(same).exclude(pk=referral.pk)
    return candidates.select_related("organisation", "site").order_by("-submitted_at")


def referral_events(referral: Referral) -> QuerySet[ReferralEvent]:
    return ReferralEvent.objects.filter(referral=referral).select_related("by").order_by("at", "id")


def organisations_for(user: User) -> QuerySet[Organisation]:
    return policies.organisations_for(user)


def organisation_members(organisation: Organisation) -> QuerySet[User]:
    """The organisation's social workers, active, invited or deactivated, with their invitation."""
    return (
        User.objects.filter(membership__organisation=organisation)
        .select_related("invitation")
        .order_by("last_name", "first_name", "id")
    )


def access_log(*, referral: int | None = None, user: str | None = None) -> QuerySet[BeneficiaryAccess]:
    log = BeneficiaryAccess.objects.select_related("user", "referral").order_by("-at", "-id")
    if referral:
        log = log.filter(referral_id=referral)
    if user:
        log = log.filter(user__username=user)
    return log
