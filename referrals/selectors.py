"""Reads of partners and referrals, always from the policies' scoped querysets.

A social worker's querysets only ever hold their own organisation's rows, so a guessed id
answers 404, and no filter can widen what the base queryset holds.
"""

import hashlib
import hmac

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from common.parsing import filter_values, parse_id
from referrals import policies
from referrals.enums import DuplicateFlag, ReferralStatus, Urgency
from referrals.models import BeneficiaryAccess, Organisation, Referral, ReferralEvent

User = get_user_model()

# The queue is ordered by the urgency column itself (referral_list): that needs the urgent value to sort first.
assert sorted(Urgency.values) == [Urgency.HIGH, Urgency.NORMAL], "referral_list's order needs a rank again"


# A search's words, each a condition (two for a social worker) in the page's query and in its count: beyond a few,
# a query of thousands of conditions outgrows what the database takes (65,535 bound values on PostgreSQL).
MAX_SEARCH_WORDS = 10


def _search(user: User, term: str) -> Q:
    """What a search term matches (its first MAX_SEARCH_WORDS distinct words). Staff lists show a last name's
    initial only, so staff search the first name, the initial ("R." or "R") and the referral number, never the
    hidden full name."""
    condition = Q()
    for token in list(dict.fromkeys(term.split()))[:MAX_SEARCH_WORDS]:
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
    answered: bool = False,
) -> QuerySet[Referral]:
    """The list's filters, on a queryset already scoped to what `user` may see (the list, the exports).
    `answered`: only the referrals whose social worker answered a question (back to "submitted" from "needs
    info"), which wait for a new decision."""
    if answered:
        referrals = referrals.filter(status=ReferralStatus.SUBMITTED).filter(
            Exists(
                ReferralEvent.objects.filter(
                    referral=OuterRef("pk"),
                    from_status=ReferralStatus.NEEDS_INFO,
                    to_status=ReferralStatus.SUBMITTED,
                )
            )
        )
    if status:
        referrals = referrals.filter(status__in=filter_values(status))
    if site:
        referrals = referrals.filter(site__code__in=filter_values(site, upper=True))
    if urgency:
        referrals = referrals.filter(urgency=urgency)
    if organisation:
        referrals = referrals.filter(organisation_id=organisation)
    if q and q.strip():
        referrals = referrals.filter(_search(user, q.strip()))
    return referrals


# Most urgent first, then the longest waiting: "high" sorts before "normal", so the plain column orders them and
# the queue's index (site, urgency, submitted_at, id) reads a page without sorting every referral.
QUEUE_ORDER = ("urgency", "submitted_at", "id")


def referral_list(
    user: User,
    *,
    status: str | None = None,
    site: str | None = None,
    urgency: str | None = None,
    organisation: int | None = None,
    q: str | None = None,
    answered: bool = False,
) -> QuerySet[Referral]:
    """The referrals `user` may read, with the list's filters, most urgent then longest waiting first. A page of
    them gets its duplicate flags from with_duplicates()."""
    referrals = referral_filter(
        policies.referrals_for(user).select_related("beneficiary", "organisation", "site", "social_worker"),
        user,
        status=status,
        site=site,
        urgency=urgency,
        organisation=organisation,
        q=q,
        answered=answered,
    )
    return referrals.order_by(*QUEUE_ORDER)


def with_duplicates(user: User, referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """The referrals, each with `duplicate_flags` (DuplicateFlag: the model's `possible_duplicate` and
    `duplicate_elsewhere` read it), computed by the query that reads them.

    possible_duplicate (HERE): the same person (same name, birth year and postal code, or same phone) has another
    referral the user may open. duplicate_elsewhere (ELSEWHERE): staff limited to a scope (mediators) learn that
    one exists beyond it, never which; coordinators see everything and social workers learn nothing of other
    organisations' people: theirs is a look over what they may open only, which says nothing of other
    organisations' people, not even by its duration. On a page, the database answers them for the page's rows
    only (after the LIMIT): no query more, whatever the page's size.

    A mediator's two flags come from one look at the person's other referrals (each found by the identity and
    phone indexes), each marked by whether it lies within the scope: half the cost of two EXISTS.
    """
    same = Q(beneficiary__identity_key=OuterRef("beneficiary__identity_key")) | (
        Q(beneficiary__phone_key=OuterRef("beneficiary__phone_key")) & ~Q(beneficiary__phone_key="")
    )
    scope = policies.referral_scope(user)
    if policies.is_staff_reader(user) and bool(scope):
        # The distinct marks of the other referrals summed: HERE, ELSEWHERE, both, or none (NULL: no row).
        mark = Case(When(scope, then=Value(DuplicateFlag.HERE.value)), default=Value(DuplicateFlag.ELSEWHERE.value))
        marks = (
            Referral.objects.filter(same)
            .exclude(pk=OuterRef("pk"))
            .order_by()
            # Grouped by a constant, which Django leaves out of GROUP BY: one sum over every row found.
            .annotate(whole=Value(1))
            .values("whole")
            .annotate(marks=Sum(mark, distinct=True))
            .values("marks")
        )
        flags = Coalesce(Subquery(marks, output_field=IntegerField()), Value(0))
    else:
        others = policies.referrals_for(user).filter(same).exclude(pk=OuterRef("pk"))
        flags = Case(When(Exists(others), then=Value(DuplicateFlag.HERE.value)), default=Value(0))
    return referrals.annotate(duplicate_flags=flags)


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
    "beneficiary__first_name",
    "beneficiary__last_name",
    "beneficiary__postal_code",
    "beneficiary__birth_year",
    # with_duplicates()'s
    "duplicate_flags",
)


def referral_rows(referrals: QuerySet[Referral]) -> QuerySet:
    """Referrals (a page of with_duplicates(referral_list(…))) as dicts of REFERRAL_ROW_FIELDS: what the API's
    list answers."""
    return referrals.values(*REFERRAL_ROW_FIELDS)


def referral_row(referral: Referral) -> dict:
    """A referral (with its duplicate flags, with_duplicates) as a row of referral_rows: the detail's summary is
    the list's, built once."""
    row = {}
    for name in REFERRAL_ROW_FIELDS:
        value = referral
        for part in name.split("__"):
            value = getattr(value, part)
        row[name] = value
    return row


def referral_export_list(user: User, **filters) -> QuerySet[Referral]:
    """What `user` may export (staff: their scope), with the list's filters, oldest first."""
    return referral_filter(policies.referrals_for(user, "referral.export"), user, **filters).order_by("id")


def beneficiary_pseudonym(beneficiary_id: int) -> str:
    """A stable pseudonym for a beneficiary: the same person has the same one in every export, and nobody
    without the server's SECRET_KEY can go back from it to the id (HMAC-SHA256, 16 hex digits)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"beneficiary:{beneficiary_id}".encode(), hashlib.sha256)
    return "B-" + digest.hexdigest()[:16]


def referral_get(user: User, referral_id: int) -> Referral | None:
    """The referral, if `user` may read it, with its duplicate flags (with_duplicates)."""
    return with_duplicates(user, referral_list(user).filter(pk=referral_id)).first()


def duplicates_of(
    user: User, *, identity_key: str, phone_key: str = "", exclude: int | None = None
) -> QuerySet[Referral]:
    """Referrals of the same person (same names, birth year and postal code, or same phone) among those the user
    may open: one query on their own scope, which says nothing of other organisations' people."""
    same = Q(beneficiary__identity_key=identity_key)
    if phone_key:
        same |= Q(beneficiary__phone_key=phone_key)
    candidates = policies.referrals_for(user).filter(same)
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude)
    return candidates.select_related("organisation", "site", "beneficiary").order_by("-submitted_at")


def possible_duplicates(user: User, referral: Referral) -> QuerySet[Referral]:
    """Other referrals of the same person, within what the user may open."""
    person = referral.beneficiary
    return duplicates_of(user, identity_key=person.identity_key, phone_key=person.phone_key, exclude=referral.pk)


def same_identity_referrals(user: User, referral: Referral) -> QuerySet[Referral]:
    """Other referrals of the same name, birth year and postal code, within what the user may open: for the
    person's own file. A shared phone is no identity (a relative's, a shelter's): never matched here."""
    person = referral.beneficiary
    candidates = policies.referrals_for(user).filter(beneficiary__identity_key=person.identity_key)
    return candidates.exclude(pk=referral.pk).order_by("-submitted_at")


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
