from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from accounts import policies as account_policies
from accounts import services as account_services
from accounts.models import User
from api.schemas import Id, one_of
from common.exceptions import NotFound
from referrals import policies, selectors, services
from referrals.enums import Authorisation, OrganisationKind
from referrals.models import Organisation

router = Router(tags=["partners"])


class OrganisationIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    kind: OrganisationKind
    siret: str = Field(max_length=20)
    postal_code: str = Field(max_length=5)
    open_referral_quota: int | None = Field(None, ge=0, le=100_000)


class OrganisationOut(Schema):
    id: int
    name: str
    kind: OrganisationKind
    siret: str
    postal_code: str
    department: str
    authorisation: Authorisation
    authorised_at: datetime | None
    open_referral_quota: int | None


class AuthorisationIn(Schema):
    status: one_of(Authorisation.VALIDATED, Authorisation.REFUSED)
    note: str = Field("", max_length=1000)


class InvitationIn(Schema):
    email: str = Field(max_length=254)
    first_name: str = Field(min_length=1, max_length=150)
    last_name: str = Field(min_length=1, max_length=150)


class MemberOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    is_active: bool
    invitation_pending: bool
    deactivated_at: datetime | None


def member_out(member: User) -> dict:
    fields = ("id", "username", "first_name", "last_name", "email", "is_active", "deactivated_at")
    invitation = getattr(member, "invitation", None)
    return {
        **{name: getattr(member, name) for name in fields},
        "invitation_pending": invitation is not None and invitation.is_pending,
    }


def get_organisation(request: HttpRequest, organisation_id: Id) -> Organisation:
    organisation = selectors.organisations_for(request.auth).filter(pk=organisation_id).first()
    if organisation is None:
        raise NotFound(f"No organisation #{organisation_id}.")
    return organisation


@router.get("/organisations", response=list[OrganisationOut])
def organisation_list(request: HttpRequest):
    """Partner organisations; a social worker sees only their own."""
    policies.require(request.auth, "organisation.read")
    return selectors.organisations_for(request.auth)


@router.post("/organisations", response={201: OrganisationOut})
def organisation_create(request: HttpRequest, payload: OrganisationIn):
    """Register a partner by its SIRET; it waits, pending, for a coordinator's decision."""
    user = policies.require(request.auth, "organisation.register")
    return Status(201, services.organisation_create(user=user, **payload.model_dump()))


@router.get("/organisations/{organisation_id}", response=OrganisationOut)
def organisation_read(request: HttpRequest, organisation_id: Id):
    policies.require(request.auth, "organisation.read")
    return get_organisation(request, organisation_id)


@router.post("/organisations/{organisation_id}/authorisation", response=OrganisationOut)
def organisation_authorise(request: HttpRequest, organisation_id: Id, payload: AuthorisationIn):
    """Validate or refuse a partner (coordinators). Only validated partners' referrals reach mediators."""
    user = policies.require(request.auth, "organisation.authorise")
    return services.organisation_authorise(
        user=user, organisation=get_organisation(request, organisation_id), status=payload.status, note=payload.note
    )


@router.get("/organisations/{organisation_id}/members", response=list[MemberOut])
def member_list(request: HttpRequest, organisation_id: Id):
    """The organisation's social workers, active, invited or deactivated (coordinators)."""
    policies.require(request.auth, "organisation.members")
    organisation = get_organisation(request, organisation_id)
    return [member_out(m) for m in selectors.organisation_members(organisation)]


@router.post("/organisations/{organisation_id}/invitations", response={201: MemberOut})
def member_invite(request: HttpRequest, organisation_id: Id, payload: InvitationIn):
    """Invite a social worker: they get a one-time link by e-mail to choose their password."""
    user = policies.require(request.auth, "organisation.members")
    invited = services.member_invite(
        user=user, organisation=get_organisation(request, organisation_id), **payload.model_dump()
    ).user
    return Status(201, member_out(invited))


@router.post("/users/{user_id}/deactivate", response=MemberOut)
def user_deactivate(request: HttpRequest, user_id: Id):
    """Close an account (coordinators). Its referrals and their history stay."""
    user = account_policies.require(request.auth, "account.manage")
    target = User.objects.select_related("invitation").filter(pk=user_id).first()
    if target is None:
        raise NotFound(f"No user #{user_id}.")
    account_services.user_deactivate(user=user, account=target)
    return member_out(User.objects.select_related("invitation").get(pk=user_id))
