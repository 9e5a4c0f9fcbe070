"""Writes on accounts: creating users, issuing and revoking API tokens."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import STAFF_ROLES, Role
from accounts.models import ApiToken, Invitation, User
from common.exceptions import Conflict, NotAllowed, NotFound, ValidationFailed

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
        raise ValidationFailed(
            _("Unknown role %(role)s; one of %(values)s.") % {"role": role, "values": ", ".join(Role.values)},
            "invalid_role",
        )
    if role == Role.SOCIAL_WORKER and organisation is None:
        raise ValidationFailed(_("A social worker belongs to a partner organisation."), "organisation_required")
    if role in STAFF_ROLES and organisation is not None:
        raise ValidationFailed(_("Staff accounts do not belong to a partner organisation."), "organisation_not_allowed")
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("The username %(name)s is taken.") % {"name": username}, "username_taken")
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


def token_issue(*, username: str, password: str, label: str, request: HttpRequest | None = None) -> IssuedToken:
    """Check the password and issue a new personal token; the secret is returned once.

    Give the HTTP request when answering one: failures then count towards the lockout (django-axes).
    Code that calls this itself (scripts, tests) has no request and no address to count against.
    """
    user = authenticate(request, username=username, password=password)
    # Outside any transaction: a refused password must leave its failure counted, not rolled back.
    if user is None or not user.is_active:
        raise InvalidCredentials(_("Wrong username or password."))
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
        raise NotFound(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


INVITATION_VALIDITY = timedelta(days=7)


@dataclass(frozen=True)
class IssuedInvitation:
    user: User
    secret: str
    link: str


@transaction.atomic
def user_invite(*, by: User, organisation, email: str, first_name: str, last_name: str) -> IssuedInvitation:
    """A coordinator invites a social worker: an inactive account and a one-time link by e-mail."""

    if not by.has_role(Role.COORDINATOR):
        raise NotAllowed(_("Only coordinators invite social workers."))
    email = email.strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError as exc:
        raise ValidationFailed(_("Not a valid e-mail address."), "invalid_email", field="email") from exc
    if User.objects.filter(username__iexact=email).exists() or User.objects.filter(email__iexact=email).exists():
        raise Conflict(_("An account for %(email)s exists already.") % {"email": email}, "username_taken")
    user = User(
        username=email,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=Role.SOCIAL_WORKER,
        organisation=organisation,
        is_active=False,
    )
    user.set_unusable_password()
    user.save()
    secret = secrets.token_urlsafe(32)
    Invitation.objects.create(
        user=user, digest=token_digest(secret), created_by=by, expires_at=timezone.now() + INVITATION_VALIDITY
    )
    link = f"{settings.BAGAGE_PUBLIC_URL.rstrip('/')}/invitation/{secret}/"
    # French first: the people invited are the charity's French-speaking partners.
    send_mail(
        subject="Votre accès à Bagage",
        message=(
            f"Bonjour {user.first_name},\n\n{by.get_full_name() or by.username} vous invite à orienter des personnes "
            f"vers l'association au nom de {organisation.name}.\n\nChoisissez votre mot de passe avec ce lien, "
            f"valable 7 jours et une seule fois :\n{link}\n\nVotre identifiant : {user.username}\n"
        ),
        from_email=None,
        recipient_list=[email],
    )
    return IssuedInvitation(user=user, secret=secret, link=link)


def invitation_find(secret: str):
    """The pending, unexpired invitation behind a link, or None."""
    return (
        Invitation.objects.select_related("user")
        .filter(digest=token_digest(secret), accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


@transaction.atomic
def invitation_accept(*, secret: str, password: str) -> User:
    """Set the invited person's password and open their account; the link then stops working."""
    invitation = invitation_find(secret)
    if invitation is None:
        raise NotFound(_("This invitation link is unknown, used or expired."), "invitation_invalid")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    user = invitation.user
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), "weak_password") from exc
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


@transaction.atomic
def user_deactivate(*, by: User, user: User) -> User:
    """Close an account: it can no longer sign in or use its tokens; its history stays."""
    if not by.has_role(Role.COORDINATOR):
        raise NotAllowed(_("Only coordinators deactivate accounts."))
    if user.pk == by.pk:
        raise Conflict(_("You cannot deactivate your own account."), "self_deactivation")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        user.is_active = False
        user.deactivated_at = timezone.now()
        user.deactivated_by = by
        user.save(update_fields=["is_active", "deactivated_at", "deactivated_by"])
    return user
