from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.history import AppendOnly
from common.moves import Move
from distribution.enums import AllocationKind, AllocationStatus, Payment, ReturnOutcome, ReturnReason


class NumberSequence(models.Model):
    """The last number given for a kind of document in a year (allocations, receipts): row-locked, gapless."""

    name = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["name", "year"],
                name="number_sequence_unique",
                violation_error_code="number_sequence_busy",
                violation_error_message=_("Another request took the next number at the same instant; try again."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}/{self.year}: {self.last}"


ALREADY_RESERVED = _("This is reserved for someone else already.")


class Allocation(models.Model):
    """A kit reserved for a referral and held at its pickup site until a date: never promised twice."""

    number = models.CharField(_("number"), max_length=20)
    kind = models.CharField(_("kind"), max_length=10, choices=AllocationKind.choices, default=AllocationKind.KIT)
    referral = models.ForeignKey("referrals.Referral", on_delete=models.PROTECT, related_name="allocations")
    device = models.ForeignKey(
        "inventory.Device", null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    line_item = models.ForeignKey(
        "inventory.LineItem", null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    accessories = models.JSONField(_("accessories"), default=list, blank=True)
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="allocations")
    # The device came from another site for this kit (its history says so too).
    transfer_from = models.ForeignKey("sites.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=12, choices=AllocationStatus.choices, default=AllocationStatus.HELD
    )
    hold_until = models.DateField(_("held until"))
    # The appointment to collect the kit, a slot of the site's opening hours (distribution/appointments.py).
    pickup_at = models.DateTimeField(_("pickup appointment"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    close_note = models.CharField(max_length=500, blank=True)
    # The swap this kit replaces a returned device for (warranty), if any.
    replaces = models.ForeignKey("Return", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["hold_until", "id"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="allocation_number_unique"),
            # Never promised twice: one active allocation per device, per SIM or voucher, per referral.
            models.UniqueConstraint(
                fields=["device"],
                condition=Q(status=AllocationStatus.HELD),
                name="allocation_active_device_unique",
                violation_error_code="already_reserved",
                violation_error_message=ALREADY_RESERVED,
            ),
            models.UniqueConstraint(
                fields=["line_item"],
                condition=Q(status=AllocationStatus.HELD),
                name="allocation_active_line_item_unique",
                violation_error_code="already_reserved",
                violation_error_message=ALREADY_RESERVED,
            ),
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(status=AllocationStatus.HELD),
                name="allocation_active_referral_unique",
                violation_error_code="already_reserved",
                violation_error_message=_("A kit is held for this referral already."),
            ),
            models.CheckConstraint(
                name="allocation_has_something", condition=Q(device__isnull=False) | Q(line_item__isnull=False)
            ),
            models.CheckConstraint(name="allocation_status_valid", condition=Q(status__in=AllocationStatus.values)),
        ]
        indexes = [
            models.Index(fields=["site", "status", "hold_until"], name="allocation_shelf_idx"),
            models.Index(fields=["pickup_at"], name="allocation_pickup_idx", condition=Q(pickup_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.number


class PickupSlot(models.Model):
    """How many held kits have an appointment in one slot of a site: the database keeps it within the capacity.

    A place is taken by one conditional UPDATE (`booked < capacity`), so two mediators booking the last place at
    the same instant cannot both win, on SQLite (one writer) as on PostgreSQL (the row lock of the UPDATE).
    """

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    booked = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("pickup slot")
        verbose_name_plural = _("pickup slots")
        ordering = ["site", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["site", "starts_at"], name="pickup_slot_unique"),
            models.CheckConstraint(name="pickup_slot_booked_positive", condition=Q(booked__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.starts_at:%Y-%m-%d %H:%M}: {self.booked}"


class AllocationEvent(AppendOnly, models.Model):
    """One line of an allocation's history: reserved, released, expired, handed over. Never edited."""

    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.allocation_id} {self.from_status}→{self.to_status}"


# A kit's closing step (handed over, released, expired: who and when) and its history row, in one statement
# (common.moves).
ALLOCATION_CLOSE = Move(
    AllocationEvent,
    "allocation",
    sets={"status": "to_status", "closed_at": "at", "closed_by_id": "by_id"},
    checks={"status": "from_status"},
    extras=("close_note",),
)


class Handover(models.Model):
    """The kit in the person's hands: the checklist, the contribution, the signature, the warranty."""

    allocation = models.OneToOneField(Allocation, on_delete=models.PROTECT, related_name="handover")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checklist = models.JSONField(_("checklist"), default=dict)
    contribution_eur = models.DecimalField(_("contribution (€)"), max_digits=7, decimal_places=2, default=0)
    payment = models.CharField(_("payment"), max_length=5, choices=Payment.choices, default=Payment.FREE)
    accessories = models.JSONField(_("accessories handed"), default=list, blank=True)
    signed_on_paper = models.BooleanField(_("signed on paper"), default=False)
    # The drawn signature lives in the receipt's stored bytes; its digest ties the two together.
    signature_sha256 = models.CharField(max_length=64, blank=True)
    warranty_until = models.DateField(_("warranty until"), null=True, blank=True)
    notice_version = models.CharField(_("information notice version"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(name="handover_payment_valid", condition=Q(payment__in=Payment.values)),
            models.CheckConstraint(name="handover_contribution_positive", condition=Q(contribution_eur__gte=0)),
            models.CheckConstraint(name="handover_signed", condition=Q(signed_on_paper=True) | ~Q(signature_sha256="")),
        ]

    def __str__(self) -> str:
        return f"{self.allocation} {self.at:%Y-%m-%d}"


class Receipt(models.Model):
    """The numbered handover receipt: its bytes are stored once, its digest kept; it never changes."""

    number = models.CharField(_("number"), max_length=20)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    handover = models.OneToOneField(Handover, on_delete=models.PROTECT, related_name="receipt")
    file = models.CharField(max_length=200, help_text=_("Name of the PDF in the receipts storage."))
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(max_length=2, default="fr")
    # What the receipt shows, to draw a duplicate; never the voucher code (read from stock when needed).
    snapshot = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="receipt_number_unique"),
            models.UniqueConstraint(fields=["year", "sequence"], name="receipt_year_sequence_unique"),
            models.UniqueConstraint(fields=["sha256"], name="receipt_sha256_unique"),
        ]

    def __str__(self) -> str:
        return self.number


class Return(models.Model):
    """A handed-over device back from its beneficiary: why, what happened, under warranty or not."""

    device = models.ForeignKey("inventory.Device", on_delete=models.PROTECT, related_name="returns")
    handover = models.ForeignKey(Handover, on_delete=models.PROTECT, related_name="returns")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=12, choices=ReturnReason.choices)
    outcome = models.CharField(_("outcome"), max_length=8, choices=ReturnOutcome.choices)
    under_warranty = models.BooleanField(_("under warranty"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(name="return_reason_valid", condition=Q(reason__in=ReturnReason.values)),
            models.CheckConstraint(name="return_outcome_valid", condition=Q(outcome__in=ReturnOutcome.values)),
        ]

    def __str__(self) -> str:
        return f"{self.device_id} {self.outcome}"


class Proposal(models.Model):
    """An allocation plan for waiting referrals, proposed by the planner and confirmed by a person."""

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The reception point planned for, or the whole network (empty).
    site = models.ForeignKey("sites.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField()
    solver = models.CharField(max_length=10)
    solve_ms = models.PositiveIntegerField(default=0)
    served_priority = models.PositiveIntegerField(default=0)
    device_moves = models.PositiveIntegerField(default=0)
    # Who stays unserved and why: [{"referral", "code", "why", "text"}].
    unserved = models.JSONField(default=list)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("allocation plan")
        verbose_name_plural = _("allocation plans")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.created_at:%Y-%m-%d %H:%M}"


class ProposalLine(models.Model):
    """One kit the plan proposes, and what became of it when the plan was confirmed."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="lines")
    referral = models.ForeignKey("referrals.Referral", on_delete=models.PROTECT, related_name="+")
    device = models.ForeignKey("inventory.Device", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    line_item = models.ForeignKey(
        "inventory.LineItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transfer_from = models.CharField(max_length=2, blank=True)
    why = models.JSONField(default=dict)
    text = models.CharField(max_length=300)
    # Filled at confirmation: the kit reserved, or why not (another reservation took the stock…).
    allocation = models.OneToOneField(
        Allocation, null=True, blank=True, on_delete=models.PROTECT, related_name="proposal_line"
    )
    refused_code = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.proposal_id}/{self.pk} → #{self.referral_id}"
