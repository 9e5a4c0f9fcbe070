from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.history import AppendOnly
from common.moves import Move
from common.validators import validate_phone_number
from inventory.enums import (
    DeviceEventKind,
    DeviceKind,
    DeviceStatus,
    DonorKind,
    ErasureMethod,
    ErasureResult,
    Grade,
    LineItemStatus,
    OfferKind,
    StorageType,
)
from sites.models import Site

# Free text typed by people: long enough for any remark, short enough that one request cannot flood a table.
NOTES_MAX_LENGTH = 2000


class Donor(models.Model):
    """A company, public body, association or person who gives devices."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=DonorKind.choices)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    contact_name = models.CharField(_("contact"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    notes = models.TextField(
        _("notes"), max_length=NOTES_MAX_LENGTH, blank=True, validators=[MaxLengthValidator(NOTES_MAX_LENGTH)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        ordering = ["name"]
        constraints = [models.CheckConstraint(name="donor_kind_valid", condition=Q(kind__in=DonorKind.values))]

    def __str__(self) -> str:
        return self.name


class Batch(models.Model):
    """One donation received at a site on a day."""

    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="batches")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="batches")
    received_on = models.DateField(_("received on"))
    donor_reference = models.CharField(_("donor's reference"), max_length=100, blank=True)
    expected_count = models.PositiveIntegerField(_("expected count"), null=True, blank=True)
    notes = models.TextField(
        _("notes"), max_length=NOTES_MAX_LENGTH, blank=True, validators=[MaxLengthValidator(NOTES_MAX_LENGTH)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.donor} {self.received_on:%Y-%m-%d}"


class AssetTagSequence(models.Model):
    """The last sequence number used for one site, type code and year of asset tags."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    type_code = models.CharField(max_length=2)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "type_code", "year"],
                name="asset_tag_sequence_unique",
                violation_error_code="asset_tag_sequence_busy",
                violation_error_message=_("Another registration took the asset tag sequence; try again."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site_id}/{self.type_code}/{self.year}: {self.last}"


class Device(models.Model):
    """One donated phone, tablet or computer, known by its asset tag for the rest of its life."""

    asset_tag = models.CharField(_("asset tag"), max_length=32)
    kind = models.CharField(_("kind"), max_length=20, choices=DeviceKind.choices)
    brand = models.CharField(_("brand"), max_length=60)
    model = models.CharField(_("model"), max_length=120, blank=True)
    # NULL, not "", for "none": the unique constraints below must not see two blanks as equal.
    serial_number = models.CharField(_("serial number"), max_length=64, null=True, blank=True)  # noqa: DJ001
    imei = models.CharField(_("IMEI"), max_length=15, null=True, blank=True)  # noqa: DJ001
    imei2 = models.CharField(_("second IMEI"), max_length=15, null=True, blank=True)  # noqa: DJ001
    ram_gb = models.PositiveSmallIntegerField(
        _("RAM (GB)"), null=True, blank=True, validators=[MaxValueValidator(4096)]
    )
    storage_gb = models.PositiveIntegerField(
        _("storage (GB)"), null=True, blank=True, validators=[MaxValueValidator(1_000_000)]
    )
    storage_type = models.CharField(_("storage type"), max_length=8, choices=StorageType.choices, blank=True)
    cpu = models.CharField(_("CPU"), max_length=120, blank=True)
    cpu_mark = models.PositiveIntegerField(
        _("CPU benchmark score"), null=True, blank=True, validators=[MaxValueValidator(1_000_000)]
    )
    os = models.CharField(_("operating system"), max_length=60, blank=True)
    battery_health_pct = models.PositiveSmallIntegerField(
        _("battery health (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    grade = models.CharField(_("grade"), max_length=8, choices=Grade.choices, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=DeviceStatus.choices, default=DeviceStatus.RECEIVED)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="devices")
    location = models.CharField(_("bin location"), max_length=40, blank=True)
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="devices", null=True, blank=True)
    notes = models.TextField(
        _("notes"), max_length=NOTES_MAX_LENGTH, blank=True, validators=[MaxLengthValidator(NOTES_MAX_LENGTH)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["asset_tag"],
                name="device_asset_tag_unique",
                violation_error_code="duplicate_asset_tag",
                violation_error_message=_("This asset tag is taken already."),
            ),
            models.UniqueConstraint(
                fields=["imei"],
                condition=Q(imei__isnull=False),
                name="device_imei_unique",
                violation_error_code="duplicate_device",
                violation_error_message=_("A device with this IMEI is registered already."),
            ),
            models.UniqueConstraint(
                Lower("brand"),
                "serial_number",
                condition=Q(serial_number__isnull=False),
                name="device_brand_serial_unique",
                violation_error_code="duplicate_device",
                violation_error_message=_("A device of this brand with this serial number is registered already."),
            ),
            models.CheckConstraint(name="device_kind_valid", condition=Q(kind__in=DeviceKind.values)),
            models.CheckConstraint(name="device_status_valid", condition=Q(status__in=DeviceStatus.values)),
            models.CheckConstraint(name="device_grade_valid", condition=Q(grade__in=[*Grade.values, ""])),
            models.CheckConstraint(
                name="device_battery_pct_range",
                condition=Q(battery_health_pct__isnull=True) | Q(battery_health_pct__lte=100),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "kind", "site"], name="device_stock_idx"),
            models.Index(fields=["serial_number"], name="device_serial_idx"),
            # The list filtered by status (and kind), newest first: read in the index's order, never past the
            # years of handed-over devices (selectors.device_list orders by -id).
            models.Index(fields=["status", "id"], name="device_status_list_idx"),
            models.Index(fields=["status", "kind", "id"], name="device_status_kind_list_idx"),
            # A scanned or searched serial number is matched whatever its case (serial_number__iexact).
            models.Index(Upper("serial_number"), name="device_serial_upper_idx"),
            models.Index(fields=["imei2"], name="device_imei2_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.asset_tag} {self.brand} {self.model}".strip()


class DeviceEvent(AppendOnly, models.Model):
    """One line of a device's history: who did what, when and where. Never edited or deleted."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    # Empty for what the system does on its own (a hold released by the daily command).
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=DeviceEventKind.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("device event")
        verbose_name_plural = _("device history")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["device", "at"], name="device_event_device_at_idx")]

    def __str__(self) -> str:
        return f"{self.device_id} {self.kind} {self.from_status}→{self.to_status}"


# A device's step: its status and when it changed, if it is still as the caller read it (state and site), and
# its history row, in one statement (common.moves).
DEVICE_MOVE = Move(
    DeviceEvent,
    "device",
    sets={"status": "to_status", "updated_at": "at"},
    checks={"status": "from_status", "site_id": "site_id"},
)


class Erasure(models.Model):
    """A recorded wipe of the data on a device, with its result and certificate."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="erasures")
    method = models.CharField(_("method"), max_length=20, choices=ErasureMethod.choices)
    tool = models.CharField(_("tool"), max_length=100)
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drive_serial = models.CharField(_("drive serial"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"))
    result = models.CharField(_("result"), max_length=10, choices=ErasureResult.choices)
    certificate_ref = models.CharField(_("certificate reference"), max_length=100, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(name="erasure_method_valid", condition=Q(method__in=ErasureMethod.values)),
            models.CheckConstraint(name="erasure_result_valid", condition=Q(result__in=ErasureResult.values)),
            models.CheckConstraint(
                name="erasure_started_before_finished",
                condition=Q(started_at__isnull=True) | Q(started_at__lte=F("finished_at")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.device_id} {self.method} {self.result}"


class Offer(models.Model):
    """A connectivity product: a prepaid SIM, a top-up voucher or a hotspot."""

    operator = models.CharField(_("operator"), max_length=60)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=OfferKind.choices)
    data_gb = models.DecimalField(
        _("data allowance (GB)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Empty means unlimited."),
    )
    validity_days = models.PositiveSmallIntegerField(_("validity (days)"))
    unlimited_calls = models.BooleanField(_("unlimited calls and texts"), default=False)
    price = models.DecimalField(_("price (€)"), max_digits=7, decimal_places=2)
    # The operator's own words on how to use a voucher or SIM (dial *123*code#…): printed on the receipt.
    instructions = models.TextField(_("how to use it"), max_length=600, blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("connectivity offer")
        verbose_name_plural = _("connectivity offers")
        ordering = ["operator", "name"]
        constraints = [models.CheckConstraint(name="offer_kind_valid", condition=Q(kind__in=OfferKind.values))]

    def __str__(self) -> str:
        return f"{self.operator} {self.name}"


class LineItem(models.Model):
    """One unit of an offer in stock: a SIM card (ICCID) or a top-up voucher (code)."""

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="items")
    iccid = models.CharField(_("ICCID"), max_length=20, null=True, blank=True)  # noqa: DJ001
    # A voucher code is as good as cash: the API masks it everywhere but at the handover.
    # NULL for SIM cards, so that the (offer, voucher_code) unique constraint ignores them.
    voucher_code = models.CharField(_("voucher code"), max_length=40, null=True, blank=True)  # noqa: DJ001
    msisdn = models.CharField(_("phone number"), max_length=16, blank=True, validators=[validate_phone_number])
    expires_on = models.DateField(_("expires on"))
    status = models.CharField(
        _("status"), max_length=12, choices=LineItemStatus.choices, default=LineItemStatus.AVAILABLE
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="line_items")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("SIM card or voucher")
        verbose_name_plural = _("SIM cards and vouchers")
        ordering = ["expires_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="line_item_sim_xor_voucher",
                condition=(Q(iccid__isnull=False) & Q(voucher_code__isnull=True))
                | (Q(iccid__isnull=True) & Q(voucher_code__isnull=False)),
            ),
            models.UniqueConstraint(
                fields=["iccid"],
                condition=Q(iccid__isnull=False),
                name="line_item_iccid_unique",
                violation_error_code="duplicate_line_item",
                violation_error_message=_("This SIM card is in stock already."),
            ),
            models.UniqueConstraint(
                fields=["offer", "voucher_code"],
                condition=Q(voucher_code__isnull=False),
                name="line_item_voucher_unique",
                violation_error_code="duplicate_line_item",
                violation_error_message=_("This voucher is in stock already."),
            ),
            models.CheckConstraint(name="line_item_status_valid", condition=Q(status__in=LineItemStatus.values)),
        ]
        indexes = [models.Index(fields=["offer", "status", "expires_on"], name="line_item_fefo_idx")]

    def __str__(self) -> str:
        return self.iccid or f"{self.offer} {mask_secret(self.voucher_code)}"

    @property
    def masked_voucher_code(self) -> str | None:
        return mask_secret(self.voucher_code)

    @property
    def masked_iccid(self) -> str | None:
        """The SIM's last four digits, enough to find its pack on a kit label or a shelf."""
        return mask_secret(self.iccid)

    @property
    def masked_code(self) -> str | None:
        """The SIM card's ICCID or the voucher's code, whichever it has, masked to its last four characters."""
        return mask_secret(self.iccid or self.voucher_code)


class LineItemEvent(AppendOnly, models.Model):
    """One status change of a SIM card or voucher, with who and when."""

    item = models.ForeignKey(LineItem, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.from_status}→{self.to_status}"


# A SIM card's or voucher's step and its history row, in one statement (common.moves).
LINE_ITEM_MOVE = Move(LineItemEvent, "item", sets={"status": "to_status"}, checks={"status": "from_status"})


# Below this many characters, even four shown would be too large a part of the secret.
MASK_MIN_LENGTH = 8


def mask_secret(value: str | None) -> str | None:
    """Show only the last four characters of a secret code, and none of a short one."""
    if not value:
        return value
    if len(value) < MASK_MIN_LENGTH:
        return "••••"
    return "••••" + value[-4:]
