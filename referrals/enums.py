from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    CCAS = "ccas", _("CCAS / CIAS")
    DEPARTMENTAL = "departmental_social_services", _("Departmental social services")
    ASSOCIATION = "association", _("Association")
    FRANCE_TRAVAIL = "france_travail", _("France Travail")
    MISSION_LOCALE = "mission_locale", _("Mission locale")
    CHRS = "chrs", _("CHRS")
    CADA = "cada", _("CADA")
    HOSPITAL = "hospital_social_service", _("Hospital social service")
    OTHER = "other", _("Other")


class Authorisation(models.TextChoices):
    PENDING = "pending", _("Pending")
    VALIDATED = "validated", _("Validated")
    REFUSED = "refused", _("Refused")
