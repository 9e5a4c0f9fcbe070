"""Reads of stock that the API and the pages share, each at a constant number of queries."""

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from common.compiled import CompiledRead
from common.parsing import filter_values
from inventory.enums import LineItemStatus
from inventory.models import Batch, Device, DeviceEvent, Donor, Erasure, LineItem, Offer
from inventory.validators import compact_digits, looks_like_iccid, looks_like_imei


def donor_list(*, q: str = "") -> QuerySet[Donor]:
    donors = Donor.objects.annotate(batch_count=Count("batches")).order_by("name")
    return donors.filter(name__icontains=q) if q else donors


def batch_list(*, site: str | None = None, donor: int | None = None) -> QuerySet[Batch]:
    batches = Batch.objects.select_related("donor", "site").annotate(device_count=Count("devices"))
    if site:
        batches = batches.filter(site__code=site.upper())
    if donor:
        batches = batches.filter(donor_id=donor)
    return batches.order_by("-received_on", "-id")


def device_list(
    *,
    status: str | None = None,
    kind: str | None = None,
    site: str | None = None,
    grade: str | None = None,
    batch: int | None = None,
    q: str | None = None,
) -> QuerySet[Device]:
    devices = Device.objects.select_related("site")
    if status:
        devices = devices.filter(status__in=filter_values(status))
    if kind:
        devices = devices.filter(kind__in=filter_values(kind))
    if site:
        devices = devices.filter(site__code__in=filter_values(site, upper=True))
    if grade:
        devices = devices.filter(grade__in=filter_values(grade, upper=True))
    if batch:
        devices = devices.filter(batch_id=batch)
    if q:
        term = q.strip()
        devices = devices.filter(
            Q(asset_tag__icontains=term)
            | Q(brand__icontains=term)
            | Q(model__icontains=term)
            | Q(serial_number__iexact=term)
            | Q(imei=compact_digits(term))
            | Q(imei2=compact_digits(term))
        )
    return devices.order_by("-id")


def device_rows(devices: QuerySet[Device]) -> QuerySet:
    """Devices (a page of device_list's) as dicts of the device table's own columns and `site_code`, no model
    instance: the API's DeviceOut reads its fields from them, as from a device."""
    return devices.values(*(field.attname for field in Device._meta.concrete_fields), site_code=F("site__code"))


def device_get(asset_tag: str) -> Device | None:
    return Device.objects.select_related("site", "batch", "created_by").filter(asset_tag=asset_tag.upper()).first()


def device_history(device: Device) -> QuerySet[DeviceEvent]:
    return DeviceEvent.objects.filter(device=device).select_related("by", "site").order_by("at", "id")


def device_erasures(device: Device) -> QuerySet[Erasure]:
    return Erasure.objects.filter(device=device).select_related("operator").order_by("recorded_at", "id")


def offer_list(*, active_only: bool = False) -> QuerySet[Offer]:
    today = timezone.localdate()
    offers = Offer.objects.annotate(
        available=Count("items", filter=Q(items__status=LineItemStatus.AVAILABLE, items__expires_on__gte=today)),
        expiring_30_days=Count(
            "items",
            filter=Q(
                items__status=LineItemStatus.AVAILABLE,
                items__expires_on__gte=today,
                items__expires_on__lte=today + timezone.timedelta(days=30),
            ),
        ),
    ).order_by("operator", "name")
    return offers.filter(is_active=True) if active_only else offers


def line_item_list(*, offer: Offer, status: str | None = None, site: str | None = None) -> QuerySet[LineItem]:
    items = LineItem.objects.filter(offer=offer).select_related("site", "offer")
    if status:
        items = items.filter(status__in=filter_values(status))
    if site:
        items = items.filter(site__code=site.upper())
    # First expired, first out (FEFO): the order allocation takes them in.
    return items.order_by("expires_on", "id")


# Nearly every scan is a label's asset tag: its SQL built once per connection (common.compiled). The label's fields
# only, and no ORDER BY: the unique asset tag's index answers alone.
_device_by_tag = CompiledRead(lambda tag: Device.objects.only("asset_tag", "brand", "model").filter(asset_tag=tag))


def scan_stock(code: str) -> list[Device | LineItem]:
    """What a scanned code names in stock: asset tag, IMEI, ICCID or serial number (several if ambiguous)."""
    raw = code.strip()
    if not raw:
        return []
    device = _device_by_tag.first(raw.upper())
    if device is not None:
        return [device]
    digits = compact_digits(raw)
    if looks_like_imei(digits):
        devices = list(Device.objects.select_related("site").filter(Q(imei=digits) | Q(imei2=digits)))
        if devices:
            return devices
    iccid = digits.upper().removesuffix("F")
    if looks_like_iccid(iccid):
        item = LineItem.objects.select_related("offer", "site").filter(iccid=iccid).first()
        if item:
            return [item]
    return list(Device.objects.select_related("site").filter(serial_number__iexact=raw).order_by("asset_tag"))
