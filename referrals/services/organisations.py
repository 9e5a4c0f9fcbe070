"""Partner organisations: registration by SIRET and a coordinator's authorisation."""

from django.utils import timezone
from django.utils.translation import gettext as _

from common.integrity import atomic
from common.validators import clean_postal_code, clean_siret, department_of
from referrals import policies
from referrals.enums import Authorisation, OrganisationKind
from referrals.exceptions import Conflict, ValidationFailed
from referrals.models import AuthorisationDecision, Organisation


@atomic
def organisation_create(
    *, user, name: str, kind: str, siret: str, postal_code: str, open_referral_quota: int | None = None
) -> Organisation:
    """Register a partner organisation; it waits for a coordinator's authorisation."""
    policies.require(user, "organisation.register", _("Only staff register partner organisations."))
    if not name.strip():
        raise ValidationFailed(_("The name is required."), field="name")
    if kind not in OrganisationKind.values:
        raise ValidationFailed(_("One of: %(values)s.") % {"values": ", ".join(OrganisationKind.values)}, field="kind")
    siret = clean_siret(siret)
    postal_code = clean_postal_code(postal_code)
    existing = Organisation.objects.filter(siret=siret).first()
    if existing:
        raise Conflict(
            _("%(name)s has this SIRET already.") % {"name": existing.name}, "duplicate_siret", existing_id=existing.pk
        )
    return Organisation.objects.create(
        name=name.strip(),
        kind=kind,
        siret=siret,
        postal_code=postal_code,
        department=department_of(postal_code),
        open_referral_quota=open_referral_quota,
        created_by=user,
    )


@atomic
def organisation_authorise(*, user, organisation: Organisation, status: str, note: str = "") -> Organisation:
    """A coordinator validates or refuses a partner; each decision is kept."""
    policies.require(user, "organisation.authorise", _("Only coordinators decide on partner organisations."))
    if status not in (Authorisation.VALIDATED, Authorisation.REFUSED):
        raise ValidationFailed(_("validated or refused"), field="status")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    now = timezone.now()
    organisation.authorisation = status
    organisation.authorised_at = now
    organisation.authorised_by = user
    organisation.save(update_fields=["authorisation", "authorised_at", "authorised_by"])
    AuthorisationDecision.objects.create(organisation=organisation, status=status, by=user, at=now, note=note)
    return organisation
