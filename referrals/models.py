from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from referrals.enums import Authorisation, OrganisationKind


class Organisation(models.Model):
    """A partner organisation whose social workers refer people, identified by its SIRET."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=40, choices=OrganisationKind.choices)
    siret = models.CharField(_("SIRET"), max_length=14, unique=True)
    postal_code = models.CharField(_("postal code"), max_length=5)
    department = models.CharField(_("département"), max_length=3)
    authorisation = models.CharField(
        _("authorisation"), max_length=10, choices=Authorisation.choices, default=Authorisation.PENDING
    )
    authorised_at = models.DateTimeField(null=True, blank=True)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    open_referral_quota = models.PositiveIntegerField(
        _("quota of open referrals"), null=True, blank=True, help_text=_("Empty means no limit.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(name="organisation_siret_14_digits", condition=Q(siret__regex=r"^[0-9]{14}$")),
            models.CheckConstraint(name="organisation_kind_valid", condition=Q(kind__in=OrganisationKind.values)),
            models.CheckConstraint(
                name="organisation_authorisation_valid", condition=Q(authorisation__in=Authorisation.values)
            ),
        ]

    def __str__(self) -> str:
        return self.name
