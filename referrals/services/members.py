"""A partner organisation's social workers: accounts created with their membership, invitations."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from accounts.enums import Role
from accounts.services import IssuedInvitation, invitation_issue, user_create
from common.integrity import atomic
from referrals import policies
from referrals.exceptions import Conflict, ValidationFailed
from referrals.models import Membership, Organisation

User = get_user_model()


@atomic
def social_worker_create(
    *,
    username: str,
    password: str | None,
    organisation: Organisation | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    user: User | None = None,
    validate: bool = True,
    is_active: bool = True,
    opens_admin: bool = False,
) -> User:
    """Create a social worker's account and their membership of one partner organisation (`user`: who creates
    it, None for a command or the demo)."""
    if organisation is None:
        raise ValidationFailed(_("A social worker belongs to a partner organisation."), "organisation_required")
    account = user_create(
        username=username,
        password=password,
        role=Role.SOCIAL_WORKER,
        first_name=first_name,
        last_name=last_name,
        email=email,
        validate=validate,
        is_active=is_active,
        opens_admin=opens_admin,
        user=user,
    )
    Membership.objects.create(user=account, organisation=organisation, created_by=user)
    return account


@atomic
def account_create(*, role: str, organisation: Organisation | None = None, site=None, **person) -> User:
    """Create any account: staff with a home site, a social worker with their organisation's membership."""
    if role in policies.MEMBER_ROLES:
        return social_worker_create(organisation=organisation, **person)
    if organisation is not None:
        raise ValidationFailed(_("Staff accounts do not belong to a partner organisation."), "organisation_not_allowed")
    return user_create(role=role, site=site, **person)


@atomic
def member_invite(
    *, user: User, organisation: Organisation, email: str, first_name: str, last_name: str
) -> IssuedInvitation:
    """A coordinator invites a social worker: an inactive account and a one-time link by e-mail."""
    policies.require(user, "organisation.members", _("Only coordinators invite social workers."))
    email = email.strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError as exc:
        raise ValidationFailed(_("Not a valid e-mail address."), "invalid_email", field="email") from exc
    if User.objects.filter(username__iexact=email).exists() or User.objects.filter(email__iexact=email).exists():
        raise Conflict(_("An account for %(email)s exists already.") % {"email": email}, "username_taken")
    account = social_worker_create(
        username=email,
        password=None,
        organisation=organisation,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email,
        user=user,
        is_active=False,
    )
    issued = invitation_issue(user=user, account=account)
    _send_invitation(issued, user=user, organisation=organisation)
    return issued


@atomic
def member_invitation_resend(*, user: User, account: User) -> IssuedInvitation:
    """Send a pending member a fresh link (the previous one stops working)."""
    policies.require(user, "organisation.members", _("Only coordinators invite social workers."))
    invitation = getattr(account, "invitation", None)
    if account.is_active or invitation is None or invitation.accepted_at is not None:
        raise Conflict(_("%(name)s has no pending invitation.") % {"name": account}, "no_pending_invitation")
    membership = Membership.objects.select_related("organisation").get(user=account)
    issued = invitation_issue(user=user, account=account)
    _send_invitation(issued, user=user, organisation=membership.organisation)
    return issued


def _send_invitation(issued: IssuedInvitation, *, user: User, organisation: Organisation) -> None:
    account = issued.user
    inviter = user.get_full_name() or user.username
    # French first: the people invited are the charity's French-speaking partners.
    send_mail(
        subject="Votre accès à Bagage",
        message=(
            f"Bonjour {account.first_name},\n\n{inviter} vous invite à orienter des personnes "
            f"vers l'association au nom de {organisation.name}.\n\nChoisissez votre mot de passe avec ce lien, "
            f"valable 7 jours et une seule fois :\n{issued.link}\n\nVotre identifiant : {account.username}\n"
        ),
        from_email=None,
        recipient_list=[account.email],
    )
