from datetime import datetime

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from accounts import selectors, services
from accounts.enums import Role
from api.schemas import ErrorOut, Id
from api.throttling import AtomicAnonRateThrottle
from referrals.models import Membership

router = Router(tags=["accounts"])


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=200)
    label: str = Field(default="API", max_length=100)


class TokenCreatedOut(Schema):
    id: int
    token: str
    label: str


class TokenOut(Schema):
    id: int
    label: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class MeOut(Schema):
    username: str
    first_name: str
    last_name: str
    role: Role
    site: str | None
    organisation: str | None
    organisation_id: Id | None


@router.post(
    "/auth/tokens",
    auth=None,
    response={201: TokenCreatedOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    throttle=[AtomicAnonRateThrottle(settings.BAGAGE_TOKEN_RATE, scope="token")],
)
def token_create(request: HttpRequest, payload: TokenIn):
    """Issue a personal API token. The token is shown in this answer only; keep it safe.

    Repeated wrong passwords lock the account and the address out for a while (429 `too_many_attempts`,
    with `Retry-After`), and one address may ask only so many tokens a minute.
    """
    issued = services.token_issue(
        username=payload.username, password=payload.password, label=payload.label, request=request
    )
    return Status(201, {"id": issued.token.id, "token": issued.secret, "label": issued.token.label})


@router.get("/auth/tokens", response=list[TokenOut])
def token_list(request: HttpRequest):
    """List my tokens (never their secrets)."""
    return selectors.token_list(request.auth)


@router.delete("/auth/tokens/{token_id}", response={200: TokenOut, 404: ErrorOut})
def token_revoke(request: HttpRequest, token_id: Id):
    """Revoke one of my tokens; it stops working at once."""
    return services.token_revoke(user=request.auth, token_id=token_id)


@router.get("/me", response=MeOut)
def me(request: HttpRequest):
    """Who am I: username, role, home site and organisation."""
    user = request.auth
    membership = Membership.objects.select_related("organisation").filter(user=user).first()
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "site": user.site.code if user.site_id else None,
        "organisation": membership.organisation.name if membership else None,
        "organisation_id": membership.organisation_id if membership else None,
    }
