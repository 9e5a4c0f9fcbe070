import enum

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


class ReferralStatus(models.TextChoices):
    # "referral status": a referral is "une orientation" (feminine): Acceptée, Remise, Expirée.
    SUBMITTED = "submitted", pgettext_lazy("referral status", "Submitted")
    NEEDS_INFO = "needs_info", pgettext_lazy("referral status", "Needs information")
    ACCEPTED = "accepted", pgettext_lazy("referral status", "Accepted")
    REJECTED = "rejected", pgettext_lazy("referral status", "Rejected")
    ALLOCATED = "allocated", pgettext_lazy("referral status", "Kit reserved")
    HANDED_OVER = "handed_over", pgettext_lazy("referral status", "Handed over")
    CANCELLED = "cancelled", pgettext_lazy("referral status", "Cancelled")
    EXPIRED = "expired", pgettext_lazy("referral status", "Expired")
    NO_SHOW = "no_show", pgettext_lazy("referral status", "No-show")


# Referrals still waiting for something: they count against an organisation's quota.
OPEN_STATES = (ReferralStatus.SUBMITTED, ReferralStatus.NEEDS_INFO, ReferralStatus.ACCEPTED, ReferralStatus.ALLOCATED)
# Final without a kit: retention counts BAGAGE_RETENTION["closed_referral_months"] from the closing.
CLOSED_WITHOUT_HANDOVER_STATES = (
    ReferralStatus.REJECTED,
    ReferralStatus.CANCELLED,
    ReferralStatus.EXPIRED,
    ReferralStatus.NO_SHOW,
)
# The social worker may still change what they wrote.
EDITABLE_STATES = (ReferralStatus.SUBMITTED, ReferralStatus.NEEDS_INFO)


class Connectivity(models.TextChoices):
    NONE = "none", _("No connectivity")
    SIM = "sim", _("Prepaid SIM card")
    TOPUP = "topup", _("Top-up for an existing SIM")


class Accessory(models.TextChoices):
    CHARGER = "charger", _("Charger")
    CASE = "case", _("Case")
    HEADSET = "headset", _("Headset")
    MOUSE = "mouse", _("Mouse")
    KEYBOARD = "keyboard", _("Keyboard")
    BAG = "bag", _("Bag")


class Reason(models.TextChoices):
    ADMINISTRATIVE = "administrative", _("Administrative procedures")
    JOB_SEARCH = "job_search", _("Job search")
    EDUCATION = "education", _("School or training")
    HEALTH = "health", _("Health")
    FAMILY = "family", _("Family contact")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")


class Eligibility(models.TextChoices):
    RSA = "rsa", _("RSA")
    ASS = "ass", _("ASS")
    AAH = "aah", _("AAH")
    MINIMUM_VIEILLESSE = "minimum_vieillesse", _("Minimum vieillesse (ASPA)")
    ASYLUM_SEEKER = "asylum_seeker", _("Asylum seeker (ADA)")
    REFUGEE = "refugee", _("Refugee")
    NO_FIXED_ADDRESS = "no_fixed_address", _("No fixed address")
    YOUNG_NEET = "young_neet", _("Young person 16–25 out of work or school")
    LOW_INCOME = "low_income", _("Low income")
    OTHER = "other", _("Other")


class ReferralEventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UPDATED = "updated", _("Updated")
    TRANSITION = "transition", _("Status change")
    # Retention applied: the person's details anonymised, or old entries of the access log deleted.
    RETENTION = "retention", _("Data retention")
    # After the handover, written by distribution: a device brought back, a top-up, a swap or a repair given back.
    AFTERCARE = "aftercare", _("After the handover")


class DuplicateFlag(enum.IntFlag):
    """What referrals.selectors.with_duplicates found of the same person's other referrals (`duplicate_flags`)."""

    # Another referral of the person lies beyond what the user may open (told to mediators only, never which).
    ELSEWHERE = 1
    # Another referral of the person lies within what the user may open.
    HERE = 2
