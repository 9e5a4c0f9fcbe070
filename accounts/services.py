"""Writes on accounts: creating users, tokens, invitations, deactivation. Each in one transaction."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import SESSION_KEY, authenticate
from django.contrib.auth.hashers import is_password_usable
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policies
from accounts.enums import AccountEventKind, Role
from accounts.models import AccountEvent, ApiToken, Invitation, PasswordResetRequest, User
from common.compiled import Alongside, CompiledRead
from common.exceptions import Conflict, DomainError, NotFound, ValidationFailed
from common.integrity import atomic

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


@atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: str,
    site=None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    validate: bool = True,
    is_active: bool = True,
    opens_admin: bool = False,
    user: User | None = None,
) -> User:
    """Create an account with one role (`user`: who creates it, None for a command or the demo).

    A social worker's organisation is a membership the referrals domain adds
    (`referrals.services.social_worker_create`), in the same transaction.
    """
    if opens_admin and not policies.allows_role(role, "admin.open"):
        raise ValidationFailed(_("Only coordinators open the Django admin."), "admin_not_allowed")
    if role not in Role.values:
        raise ValidationFailed(
            _("Unknown role %(role)s; one of %(values)s.") % {"role": role, "values": ", ".join(Role.values)},
            "invalid_role",
        )
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("The username %(name)s is taken.") % {"name": username}, "username_taken")
    account = User(
        username=username,
        role=role,
        site=site,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_active=is_active,
        # The Django admin (/admin/): for the deployment's coordinators, never for partners.
        is_staff=opens_admin,
        is_superuser=opens_admin,
    )
    if password is None:
        account.set_unusable_password()
    else:
        if validate:
            _check_password(password, account)
        account.set_password(password)
    account.save()
    AccountEvent.objects.create(user=account, by=user, kind=AccountEventKind.CREATED)
    return account


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), "weak_password", field="password") from exc


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


# On every API request, so compiled to SQL once (common.compiled); the digest is unique: no ordering.
_token_by_digest = CompiledRead(
    lambda digest: (
        ApiToken.objects.select_related("user", "user__site")
        .filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
        .order_by()[:1]
    )
)


def token_authenticate(secret: str) -> ApiToken | None:
    """The unrevoked token with this secret, of an active user (`token.user`, with its site), or None."""
    return token_authenticate_alongside(secret, None)[0]


def token_authenticate_alongside(
    secret: str, alongside: Alongside | None
) -> tuple[ApiToken | None, list[tuple] | None]:
    """`token_authenticate`, with a statement over the token's row run in the same round trip where the database
    can (common.compiled's `first_alongside`: `bagage_found.id` is the token's id): the token and the rows the
    statement returned, or None for them when it did not run (then its caller runs it itself, if it must)."""
    if alongside is None:
        token, rows = _token_by_digest.first(token_digest(secret)), None
    else:
        token, rows = _token_by_digest.first_alongside(token_digest(secret), alongside=alongside)
    if token is None:
        return None, rows
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token, rows


@atomic
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


def invitation_issue(*, user: User, account: User) -> IssuedInvitation:
    """A one-time link for an invited, inactive account to choose its password; only its digest is kept."""
    secret = secrets.token_urlsafe(32)
    Invitation.objects.update_or_create(
        user=account,
        defaults={
            "digest": token_digest(secret),
            "created_by": user,
            "expires_at": timezone.now() + INVITATION_VALIDITY,
            "accepted_at": None,
            "revoked_at": None,
        },
    )
    AccountEvent.objects.create(user=account, by=user, kind=AccountEventKind.INVITED)
    link = f"{settings.BAGAGE_PUBLIC_URL.rstrip('/')}/invitation/{secret}/"
    return IssuedInvitation(user=account, secret=secret, link=link)


def invitation_find(secret: str):
    """The pending, unexpired invitation behind a link, or None."""
    return (
        Invitation.objects.select_related("user")
        .filter(
            digest=token_digest(secret),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


@atomic
def invitation_accept(*, secret: str, password: str) -> User:
    """Set the invited person's password and open their account; the link then stops working.

    The invitation is read again under its row lock: two uses of one link at the same instant
    open the account once, and the second gets the same 404 as a used link.
    """
    found = invitation_find(secret)
    invitation = Invitation.objects.select_for_update().filter(pk=found.pk).first() if found else None
    if invitation is None or invitation.accepted_at or invitation.revoked_at or invitation.expires_at <= timezone.now():
        raise NotFound(_("This invitation link is unknown, used or expired."), "invitation_invalid")
    user = invitation.user
    _check_password(password, user)
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    AccountEvent.objects.create(user=user, by=user, kind=AccountEventKind.ACTIVATED)
    return user


@atomic
def user_deactivate(*, user: User, account: User) -> User:
    """Close an account: it can no longer sign in or use its tokens; its history stays.

    A pending invitation is revoked with it: its link answers 404 from now on.
    """
    policies.require(user, "account.manage", _("Only coordinators deactivate accounts."))
    if account.pk == user.pk:
        raise Conflict(_("You cannot deactivate your own account."), "self_deactivation")
    account = User.objects.select_for_update().get(pk=account.pk)
    now = timezone.now()
    revoked = Invitation.objects.filter(user=account, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=user
    )
    # Its tokens and sessions end for good: reactivating the account later does not bring them back.
    credentials_revoke(account=account)
    if account.is_active or revoked:
        account.is_active = False
        account.deactivated_at = now
        account.deactivated_by = user
        account.save(update_fields=["is_active", "deactivated_at", "deactivated_by"])
        AccountEvent.objects.create(user=account, by=user, at=now, kind=AccountEventKind.DEACTIVATED)
    return account


@atomic
def user_reactivate(*, user: User, account: User) -> User:
    """Open a deactivated account again (not a revoked invitation: invite the person anew)."""
    policies.require(user, "account.manage", _("Only coordinators reactivate accounts."))
    account = User.objects.select_for_update().get(pk=account.pk)
    if not account.has_usable_password():
        raise Conflict(_("This person never chose a password: send a new invitation."), "never_activated")
    if not account.is_active:
        account.is_active = True
        account.deactivated_at = None
        account.deactivated_by = None
        account.save(update_fields=["is_active", "deactivated_at", "deactivated_by"])
        AccountEvent.objects.create(user=account, by=user, kind=AccountEventKind.REACTIVATED)
    return account


def sessions_end(account: User) -> int:
    """Delete every unexpired session signed in as `account`; how many.

    Sessions are stored signed and encoded, not by user: each live one is read (a few hundred at most here)."""
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get(SESSION_KEY)) == str(account.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@atomic
def credentials_revoke(*, account: User, kind: str | None = None, user: User | None = None) -> tuple[int, int]:
    """End every API token and every session of the account (a new password, a deactivation); with `kind`,
    record it as an account event (`user`: who did it, if anyone). Returns (tokens revoked, sessions ended)."""
    now = timezone.now()
    tokens = ApiToken.objects.filter(user=account, revoked_at__isnull=True).update(revoked_at=now)
    sessions = sessions_end(account)
    if kind:
        AccountEvent.objects.create(
            user=account, by=user, at=now, kind=kind, note=f"tokens_revoked={tokens} sessions_ended={sessions}"
        )
    return tokens, sessions


def password_changed(account: User, previous_hash: str | None) -> None:
    """What a new password on an existing account entails (User.save calls it): the end of its tokens and
    sessions, and an account event when it replaced a usable password (not the first one, by invitation)."""
    credentials_revoke(
        account=account,
        kind=AccountEventKind.PASSWORD_CHANGED if previous_hash and is_password_usable(previous_hash) else None,
    )


class TooManyResets(DomainError):
    status = 429
    code = "too_many_resets"


RESET_WINDOW = timedelta(hours=1)


@atomic
def password_reset_accounts(*, users: list[User], address: str | None) -> list[User]:
    """Record a request for a reset link from `address` for `users` (those the e-mail names); the accounts to
    send one to.

    An address past BAGAGE_PASSWORD_RESET_PER_ADDRESS requests in the hour is refused (TooManyResets, 429), whatever
    the e-mail; an account that got BAGAGE_PASSWORD_RESET_PER_ACCOUNT links in the hour gets no more, silently (the
    answer is the same whether an account exists or not). The account's row is locked while its links are counted,
    so simultaneous requests for one account are counted one after another.
    """
    now = timezone.now()
    PasswordResetRequest.objects.filter(at__lt=now - timedelta(days=1)).delete()
    address = address or ""
    since = now - RESET_WINDOW
    if PasswordResetRequest.objects.filter(address=address, at__gte=since).count() >= (
        settings.BAGAGE_PASSWORD_RESET_PER_ADDRESS
    ):
        raise TooManyResets(_("Too many password reset requests from this address: try again in an hour."))
    chosen = []
    for user in users:
        User.objects.select_for_update().filter(pk=user.pk).first()
        if PasswordResetRequest.objects.filter(user=user, at__gte=since).count() < (
            settings.BAGAGE_PASSWORD_RESET_PER_ACCOUNT
        ):
            chosen.append(user)
        PasswordResetRequest.objects.create(address=address, user=user, at=now)
    if not users:
        PasswordResetRequest.objects.create(address=address, user=None, at=now)
    return chosen
