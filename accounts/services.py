"""Writes on accounts: creating users, issuing and revoking API tokens."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone

from accounts.enums import STAFF_ROLES, Role
from accounts.models import ApiToken, User
from common.exceptions import Conflict, NotFound, ValidationFailed

TOKEN_PREFIX = "bgg_"
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)


class InvalidCredentials(ValidationFailed):
    status = 401
    code = "invalid_credentials"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


def user_create(
    *,
    username: str,
    password: str,
    role: str,
    site=None,
    organisation=None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    validate: bool = True,
) -> User:
    """Create an account with one role, checking that it fits its site or organisation."""
    if role not in Role.values:
        raise ValidationFailed(f"Unknown role {role!r}; expected one of {', '.join(Role.values)}.", "invalid_role")
    if role == Role.SOCIAL_WORKER and organisation is None:
        raise ValidationFailed("A social worker belongs to a partner organisation.", "organisation_required")
    if role in STAFF_ROLES and organisation is not None:
        raise ValidationFailed("Staff accounts do not belong to a partner organisation.", "organisation_not_allowed")
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(f"The username {username!r} is taken.", "username_taken")
    user = User(
        username=username,
        role=role,
        site=site,
        organisation=organisation,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    if validate:
        try:
            validate_password(password, user)
        except DjangoValidationError as exc:
            raise ValidationFailed(" ".join(exc.messages), "weak_password") from exc
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def token_issue(*, username: str, password: str, label: str) -> IssuedToken:
    """Check the password and issue a new personal token; the secret is returned once."""
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        raise InvalidCredentials("Wrong username or password.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        label=label.strip() or "API",
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        digest=token_digest(secret),
    )
    return IssuedToken(token=token, secret=secret)


def token_authenticate(secret: str) -> User | None:
    """Return the active user that owns an unrevoked token, or None."""
    token = (
        ApiToken.objects.select_related("user", "user__site", "user__organisation")
        .filter(digest=token_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens; revoking twice is harmless."""
    token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
    if token is None:
        raise NotFound("No such token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
