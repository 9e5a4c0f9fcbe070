from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.history import AppendOnly
from common.moves import Move
from referrals.enums import (
    Authorisation,
    Connectivity,
    DuplicateFlag,
    OrganisationKind,
    Reason,
    ReferralEventKind,
    ReferralStatus,
    Urgency,
)


class Organisation(models.Model):
    """A partner organisation whose social workers refer people, identified by its SIRET."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=40, choices=OrganisationKind.choices)
    siret = models.CharField(_("SIRET"), max_length=14)
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for organisations loaded by a command."),
    )

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                name="organisation_siret_unique",
                violation_error_code="duplicate_siret",
                violation_error_message=_("A partner organisation has this SIRET already."),
            ),
            models.CheckConstraint(name="organisation_siret_14_digits", condition=Q(siret__regex=r"^[0-9]{14}$")),
            models.CheckConstraint(name="organisation_kind_valid", condition=Q(kind__in=OrganisationKind.values)),
            models.CheckConstraint(
                name="organisation_authorisation_valid", condition=Q(authorisation__in=Authorisation.values)
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A social worker's belonging to one partner organisation (les emplois' PrescriberMembership).

    Accounts know roles and sites; which organisation a social worker refers for is the
    referrals domain's business, and every query a social worker makes is scoped through it.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="membership")
    organisation = models.ForeignKey("Organisation", on_delete=models.PROTECT, related_name="memberships")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class AuthorisationDecision(AppendOnly, models.Model):
    """A coordinator's decision on a partner organisation's authorisation; the latest one holds."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="decisions")
    status = models.CharField(max_length=10, choices=Authorisation.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.status}"


class NoticeVersion(models.Model):
    """One published version of the information notice (GDPR art. 13), in every language it was written in.

    Never edited: a change is a new version, so each person's record keeps pointing at the words they were
    given. The current version is the latest published.
    """

    label = models.CharField(_("version"), max_length=20, help_text=_("For example 2026-11."))
    # {"fr": {"title", "sections": [[heading, paragraph], …], "footer"}, "en": {…}}; French is always there.
    texts = models.JSONField(_("texts"))
    charity_name = models.CharField(_("charity"), max_length=200)
    charity_contact = models.CharField(_("contact"), max_length=400, help_text=_("Postal address and e-mail."))
    # The retention settings the texts quote, as they were when the version was published.
    retention = models.JSONField(_("retention periods"), default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for the first version, seeded with the database."),
    )

    class Meta:
        verbose_name = _("information notice version")
        verbose_name_plural = _("information notice versions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["label"],
                name="notice_version_label_unique",
                violation_error_code="duplicate_notice_version",
                violation_error_message=_("A notice has this version already."),
            ),
            models.CheckConstraint(
                name="notice_version_label_format", condition=Q(label__regex=r"^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$")
            ),
        ]

    def __str__(self) -> str:
        return self.label


def initial(name: str) -> str:
    """A name's initial as staff see it ("D."), or nothing for no name: the one way Bagage shortens a name."""
    name = name.strip()
    return f"{name[:1].upper()}." if name else ""


class Beneficiary(models.Model):
    """The person referred, with the minimum needed to give them a kit. No identity numbers, no health data.

    One record per referral: the same person referred twice is flagged to mediators, never merged.
    """

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5)
    birth_year = models.PositiveSmallIntegerField(_("birth year"))
    language = models.CharField(_("language"), max_length=3, default="fr")
    # Text messages about the kit (ready, reminders), only with the person's consent, to the number they chose
    # (may be a relative's). A mediator records a "stop" by turning the consent off (sms_stopped_at says when).
    sms_consent = models.BooleanField(_("agrees to receive SMS"), default=False)
    sms_phone = models.CharField(_("phone for SMS"), max_length=20, blank=True)
    sms_stopped_at = models.DateTimeField(_("SMS stopped at"), null=True, blank=True)
    accessibility_needs = models.CharField(_("accessibility needs"), max_length=200, blank=True)
    eligibility = models.JSONField(_("eligibility criteria"), default=list)
    eligibility_note = models.CharField(_("eligibility note"), max_length=200, blank=True)
    consent_given_at = models.DateTimeField(_("consent given at"))
    consent_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The information notice the person was given; the column holds its label ("2026-01").
    consent_version = models.ForeignKey(
        NoticeVersion,
        to_field="label",
        db_column="consent_version",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("information notice version"),
    )
    # Normalised keys to spot the same person referred twice (name + birth year + postal code, or phone).
    identity_key = models.CharField(max_length=240, db_index=True)
    phone_key = models.CharField(max_length=20, blank=True, db_index=True)
    # Set when retention replaced the person's details with neutral values (BAGAGE_RETENTION).
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        constraints = [
            models.CheckConstraint(name="beneficiary_phone_or_email", condition=~Q(phone="") | ~Q(email="")),
            models.CheckConstraint(
                name="beneficiary_sms_consent_has_phone", condition=Q(sms_consent=False) | ~Q(sms_phone="")
            ),
        ]

    def __str__(self) -> str:
        return self.short_name

    @property
    def short_name(self) -> str:
        """First name and the initial of the last name ("Amina D."): all that staff lists and plans show."""
        return " ".join(part for part in (self.first_name, initial(self.last_name)) if part)


class Referral(models.Model):
    """A social worker's request for a kit for one beneficiary."""

    beneficiary = models.OneToOneField(Beneficiary, on_delete=models.PROTECT, related_name="referral")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="referrals")
    social_worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals")
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="referrals")
    device_kinds = models.JSONField(_("device kinds"), default=list)
    connectivity = models.CharField(_("connectivity"), max_length=10, choices=Connectivity.choices)
    accessories = models.JSONField(_("accessories"), default=list, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    urgency_justification = models.CharField(_("why it is urgent"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.SUBMITTED
    )
    # What the mediator last said to the social worker: why it was rejected, or what is missing.
    decision_reason = models.TextField(_("mediator's message"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    # When the referral last changed status: expiry counts from here.
    status_changed_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(name="referral_status_valid", condition=Q(status__in=ReferralStatus.values)),
            models.CheckConstraint(name="referral_urgency_valid", condition=Q(urgency__in=Urgency.values)),
            models.CheckConstraint(
                name="referral_high_urgency_justified",
                condition=~Q(urgency=Urgency.HIGH) | ~Q(urgency_justification=""),
            ),
            models.CheckConstraint(
                name="referral_rejection_has_reason",
                condition=~Q(status=ReferralStatus.REJECTED) | ~Q(decision_reason=""),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="referral_org_status_idx"),
            models.Index(fields=["site", "status"], name="referral_site_status_idx"),
            # The queue's order (selectors.referral_list), for a site's mediators and for coordinators: a page
            # reads fifty index entries however many referrals the years have piled up.
            models.Index(fields=["site", "urgency", "submitted_at", "id"], name="referral_site_queue_idx"),
            models.Index(fields=["urgency", "submitted_at", "id"], name="referral_queue_idx"),
            # A mediator's scope (policies.referral_scope: their site, validated partners): the list's count reads
            # this index alone, not the table (0.7 ms to 0.35 ms at 5,000 referrals of one site).
            models.Index(fields=["site", "organisation"], name="referral_site_org_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.status}"

    # Read from `duplicate_flags`, which only referrals.selectors.with_duplicates annotates.
    @property
    def possible_duplicate(self) -> bool:
        return bool(self.duplicate_flags & DuplicateFlag.HERE.value)

    @property
    def duplicate_elsewhere(self) -> bool:
        return bool(self.duplicate_flags & DuplicateFlag.ELSEWHERE.value)


class ReferralEvent(AppendOnly, models.Model):
    """One line of a referral's history, with who and when. Never edited or deleted."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=ReferralEventKind.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["referral", "at"], name="referral_event_idx")]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.from_status}→{self.to_status}"


# A referral's step and its history row, in one statement (common.moves).
REFERRAL_MOVE = Move(
    ReferralEvent,
    "referral",
    sets={"status": "to_status", "status_changed_at": "at", "updated_at": "at"},
    checks={"status": "from_status"},
)


class BeneficiaryAccess(AppendOnly, models.Model):
    """A member of staff read a beneficiary's details: who, when, which referral."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=20, default="read")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access to personal data")
        verbose_name_plural = _("accesses to personal data")

    def __str__(self) -> str:
        return f"{self.user_id} read {self.referral_id} at {self.at:%Y-%m-%d %H:%M}"
