"""What a scanned code names, composed from each domain's resolver.

The domains return objects (inventory: devices and SIM cards; distribution will add
allocations and receipts); only here do they become `{"type", "id", "label", "url"}` with
the API's URLs, so that no domain builds a URL of the API.
"""

from dataclasses import dataclass

from inventory import selectors as inventory_selectors
from inventory.models import Device, LineItem

API = "/api/v1"


@dataclass(frozen=True)
class ScanHit:
    type: str
    id: str
    label: str
    url: str
    page: str  # the page a person opens for it


def _hit(obj) -> ScanHit:
    if isinstance(obj, Device):
        label = f"{obj.asset_tag} · {obj.brand} {obj.model}".strip()
        return ScanHit("device", obj.asset_tag, label, f"{API}/devices/{obj.asset_tag}", f"/devices/{obj.asset_tag}/")
    if isinstance(obj, LineItem):
        return ScanHit(
            "line_item",
            str(obj.pk),
            f"{obj.offer} · {obj.iccid}",
            f"{API}/offers/{obj.offer_id}/items/{obj.pk}",
            f"/offers/{obj.offer_id}/",
        )
    raise TypeError(f"No scan hit for {obj!r}")


RESOLVERS = (inventory_selectors.scan_stock,)


def resolve(code: str) -> list[ScanHit]:
    """Every hit of the first resolver that recognises the code (several when a serial is ambiguous)."""
    for resolver in RESOLVERS:
        found = resolver(code)
        if found:
            return [_hit(obj) for obj in found]
    return []
