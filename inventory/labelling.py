"""What the stock's labels say: devices, SIM cards and shelves turned into label data.

Only stock is printed: asset tag, make, specs, grade, erasure. Never a person.
"""

import re
from collections.abc import Sequence

from django.conf import settings
from django.db.models import Max, Q
from django.utils import formats, translation
from django.utils.translation import gettext as _

from common.exceptions import ValidationFailed
from inventory.enums import DeviceKind, ErasureResult
from inventory.models import Device, LineItem
from labels.data import DeviceLabel, ShelfLabel, SimLabel
from labels.layout import LabelError
from labels.pdf import render_pdf
from labels.stocks import STOCKS, Stock
from sites.models import Site

# Shelf bins are printed as Code 128: plain ASCII letters, digits and a few separators.
BIN_LOCATION = re.compile(r"[A-Za-z0-9 ._/-]{1,40}")

# One request prints at most this many labels, repeats included: a few sheets, a second of work at most.
MAX_LABELS_PER_PRINT = 500


def check_label_count(count: int, *, field: str | None = None) -> None:
    """Refuse (422 `too_many_labels`) a print of more than MAX_LABELS_PER_PRINT labels, before any work."""
    if count > MAX_LABELS_PER_PRINT:
        extra = {"field": field} if field else {}
        raise ValidationFailed(
            _("At most %(max)s labels in one print; %(count)s asked. Print them in several parts.")
            % {"max": MAX_LABELS_PER_PRINT, "count": count},
            "too_many_labels",
            **extra,
        )


def default_stock_name(site: Site | None) -> str:
    """The stock a site prints on unless told otherwise (settings.BAGAGE_LABEL_STOCK_BY_SITE)."""
    code = site.code if site else ""
    return settings.BAGAGE_LABEL_STOCK_BY_SITE.get(code, settings.BAGAGE_LABEL_STOCK_DEFAULT)


def label_stock(name: str | None, site: Site | None) -> Stock:
    """The label stock called `name`, else the site's; an unknown name is refused (422 `unknown_stock`)."""
    name = name or default_stock_name(site)
    stock = STOCKS.get(name)
    if stock is None:
        raise ValidationFailed(f"Unknown stock {name!r}; one of {', '.join(STOCKS)}.", "unknown_stock", field="stock")
    return stock


def label_sheet_pdf(labels: Sequence, stock: Stock, start: int = 1) -> bytes:
    """The labels as one PDF on `stock` from position `start`; what cannot be printed is refused (422)."""
    try:
        return render_pdf(labels, stock, start=start)
    except LabelError as exc:
        raise ValidationFailed(str(exc), "label_does_not_fit") from exc
    except ValueError as exc:
        raise ValidationFailed(str(exc), "invalid_start", field="start") from exc


def devices_for_labels(asset_tags: Sequence[str]) -> tuple[list[Device], list[str]]:
    """The devices in the order asked, with their last passed erasure; and the tags not found."""
    wanted = [tag.strip().upper() for tag in asset_tags]
    found = {
        device.asset_tag: device
        for device in Device.objects.filter(asset_tag__in=wanted).annotate(
            last_erasure_at=Max("erasures__finished_at", filter=Q(erasures__result=ErasureResult.PASSED))
        )
    }
    return [found[tag] for tag in wanted if tag in found], [tag for tag in wanted if tag not in found]


def device_label(device: Device) -> DeviceLabel:
    with translation.override(settings.BAGAGE_LABEL_LANGUAGE):
        return _device_label(device)


def _device_label(device: Device) -> DeviceLabel:
    specs = []
    if device.ram_gb:
        specs.append(_("%(n)s GB RAM") % {"n": device.ram_gb})
    if device.storage_gb:
        storage = _("%(n)s GB") % {"n": device.storage_gb}
        specs.append(f"{storage} {device.get_storage_type_display()}".strip())
    erased_at = getattr(device, "last_erasure_at", None)
    if erased_at:
        erasure = _("Wiped on %(date)s") % {"date": formats.date_format(erased_at, "SHORT_DATE_FORMAT")}
    else:
        erasure = _("Not wiped yet")
    url = settings.BAGAGE_PUBLIC_URL.rstrip("/")
    return DeviceLabel(
        asset_tag=device.asset_tag,
        title=f"{device.brand} {device.model}".strip(),
        kind=str(DeviceKind(device.kind).label),
        specs=" · ".join(specs),
        grade=_("Grade %(grade)s") % {"grade": device.grade} if device.grade else "",
        erasure=erasure,
        url=f"{url}/devices/{device.asset_tag}/" if url else "",
    )


def sim_label(item: LineItem) -> SimLabel:
    with translation.override(settings.BAGAGE_LABEL_LANGUAGE):
        expiry = _("Expires on %(date)s") % {"date": formats.date_format(item.expires_on, "SHORT_DATE_FORMAT")}
    return SimLabel(iccid=item.iccid or "", offer=f"{item.offer.operator} {item.offer.name}", expiry=expiry)


def shelf_label(location: str, site: Site) -> ShelfLabel:
    return ShelfLabel(location=location.strip().upper(), site=f"{site.code} {site.name}")
