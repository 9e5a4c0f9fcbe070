from django.db import models
from django.utils.translation import gettext_lazy as _


class AllocationStatus(models.TextChoices):
    HELD = "held", _("Held for pickup")
    HANDED_OVER = "handed_over", _("Handed over")
    RELEASED = "released", _("Released")
    EXPIRED = "expired", _("Not collected in time")


class AllocationKind(models.TextChoices):
    KIT = "kit", _("Kit")
    # Connectivity for a person already equipped, within their support period: a short receipt.
    TOPUP = "topup", _("Top-up")
    # A give-back under warranty, always linked to its return, each with its own receipt: a swap's new device
    # (a fresh warranty), or the repaired device itself (the original warranty, extended).
    SWAP = "swap", _("Warranty swap")
    REPAIR = "repair", _("Repair")


class Payment(models.TextChoices):
    FREE = "free", _("Free")
    CASH = "cash", _("Cash")
    CARD = "card", _("Card")


class ReturnOutcome(models.TextChoices):
    # Under warranty: a new device is reserved for the person, with a new receipt and warranty.
    SWAP = "swap", _("Swapped")
    # Under warranty: the device is repaired and given back; the warranty runs six months longer.
    REPAIR = "repair", _("Repaired")
    # The person gives the device back (or the warranty is over): recorded, nothing owed.
    RETURN = "return", _("Returned")


class ReturnReason(models.TextChoices):
    FAULTY = "faulty", _("Faulty")
    DAMAGED = "damaged", _("Damaged")
    NOT_NEEDED = "not_needed", _("No longer needed")
    OTHER = "other", _("Other")


# The first-steps checklist of the "bagage numérique minimum" (DESIGN.md keys).
CHECKLIST_KEYS = ("device_starts", "sim_tested", "email_account", "first_steps_session")

# Kits that give back what a return under warranty took: the return's outcome names the kind.
GIVE_BACK_KINDS = (AllocationKind.SWAP, AllocationKind.REPAIR)

# Allocations still promising stock to someone.
ACTIVE_STATES = (AllocationStatus.HELD,)
