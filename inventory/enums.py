from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DeviceKind(models.TextChoices):
    SMARTPHONE = "smartphone", _("Smartphone")
    FEATURE_PHONE = "feature_phone", _("Feature phone")
    TABLET = "tablet", _("Tablet")
    LAPTOP = "laptop", _("Laptop")
    DESKTOP = "desktop", _("Desktop")


# Phones are known by their IMEI, computers by their serial number (DESIGN: a device can't be
# ready without it); tablets by either.
PHONE_KINDS = (DeviceKind.SMARTPHONE, DeviceKind.FEATURE_PHONE)
COMPUTER_KINDS = (DeviceKind.LAPTOP, DeviceKind.DESKTOP)

# The type code in an asset tag: PC computers, TE phones (téléphones), TA tablets.
TYPE_CODES = {
    DeviceKind.SMARTPHONE: "TE",
    DeviceKind.FEATURE_PHONE: "TE",
    DeviceKind.TABLET: "TA",
    DeviceKind.LAPTOP: "PC",
    DeviceKind.DESKTOP: "PC",
}


class DeviceStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    DIAGNOSED = "diagnosed", _("Diagnosed")
    WIPED = "wiped", _("Wiped")
    REFURBISHED = "refurbished", _("Refurbished")
    READY = "ready", _("Ready")
    RESERVED = "reserved", _("Reserved")
    HANDED_OVER = "handed_over", _("Handed over")
    RETURNED = "returned", _("Returned")
    PARTS = "parts", _("Parts")
    RECYCLED = "recycled", _("Recycled")


# States in which a device enters the workshop: the donor's, or a beneficiary's, data may be on it,
# so an erasure recorded before the latest of these does not count.
INTAKE_STATES = (DeviceStatus.RECEIVED, DeviceStatus.RETURNED)
# Terminal: a device in these states leaves the stock for good.
FINAL_STATES = (DeviceStatus.PARTS, DeviceStatus.RECYCLED)
# Still in the workshop, not yet given to anyone: what "parts" and "recycled" may be taken from.
WORKSHOP_STATES = (
    DeviceStatus.RECEIVED,
    DeviceStatus.DIAGNOSED,
    DeviceStatus.WIPED,
    DeviceStatus.REFURBISHED,
    DeviceStatus.READY,
    DeviceStatus.RETURNED,
)


class Grade(models.TextChoices):
    PREMIUM = "PREMIUM", "PREMIUM"
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


# Best first, as refurbishers rank them.
GRADE_ORDER = [Grade.PREMIUM, Grade.A, Grade.B, Grade.C, Grade.D]


class StorageType(models.TextChoices):
    HDD = "hdd", "HDD"
    SSD = "ssd", "SSD"
    NVME = "nvme", "NVMe"
    EMMC = "emmc", "eMMC"


class ErasureMethod(models.TextChoices):
    NIST_CLEAR = "nist_clear", _("NIST 800-88 Clear")
    NIST_PURGE = "nist_purge", _("NIST 800-88 Purge")
    CRYPTO_ERASE = "crypto_erase", _("Cryptographic erase")
    FACTORY_RESET = "factory_reset", _("Factory reset")
    DESTRUCTION = "destruction", _("Physical destruction")


# The methods whose tools verify and report the erasure: a receipt says "certified" for these only (a factory
# reset certifies nothing, it is named in words).
CERTIFYING_ERASURE_METHODS = (ErasureMethod.NIST_CLEAR, ErasureMethod.NIST_PURGE, ErasureMethod.CRYPTO_ERASE)


class ErasureResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


# A device that is promised or given to someone: it cannot move site, be wiped or be edited as stock.
COMMITTED_STATES = (DeviceStatus.RESERVED, DeviceStatus.HANDED_OVER)


class DeviceEventKind(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    TRANSITION = "transition", _("Status change")
    ERASURE = "erasure", _("Data erasure")
    UPDATED = "updated", _("Specs updated")
    MOVED = "moved", _("Moved to another site")
    LABEL_PRINTED = "label_printed", _("Label printed")
    TRANSFER = "transfer", _("Transfer to another site")


class DonorKind(models.TextChoices):
    COMPANY = "company", _("Company")
    PUBLIC_BODY = "public_body", _("Public body")
    ASSOCIATION = "association", _("Association")
    INDIVIDUAL = "individual", _("Individual")


class OfferKind(models.TextChoices):
    SIM = "sim", _("Prepaid SIM")
    TOPUP = "topup", _("Top-up voucher")
    HOTSPOT = "hotspot", _("Hotspot")


class LineItemStatus(models.TextChoices):
    # "SIM card or voucher status": both are feminine in French (une carte SIM, une recharge).
    AVAILABLE = "available", pgettext_lazy("SIM card or voucher status", "Available")
    RESERVED = "reserved", pgettext_lazy("SIM card or voucher status", "Reserved")
    HANDED_OVER = "handed_over", pgettext_lazy("SIM card or voucher status", "Handed over")
    EXPIRED = "expired", pgettext_lazy("SIM card or voucher status", "Expired")
    VOID = "void", pgettext_lazy("SIM card or voucher status", "Void")
