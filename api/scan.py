"""What a scanned code names, composed from each domain's resolver.

The domains return objects (inventory: devices and SIM cards; distribution: allocations and
receipts); only here do they become `{"type", "id", "label", "url"}` with
the API's URLs, so that no domain builds a URL of the API.
"""

from dataclasses import dataclass

from distribution import selectors as distribution_selectors
from distribution.models import Allocation, Receipt
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
    if isinstance(obj, Allocation):
        return ScanHit(
            "allocation",
            str(obj.pk),
            f"{obj.number} · #{obj.referral_id}",
            f"{API}/allocations/{obj.pk}",
            f"/kits/{obj.pk}/",
        )
    if isinstance(obj, Receipt):
        return ScanHit(
            "receipt", obj.number, obj.number, f"{API}/receipts/{obj.number}.pdf", f"/receipts/{obj.number}.pdf"
        )
    raise TypeError(f"No scan hit for {obj!r}")


# Kit and receipt numbers first: "A-…" and "R-…" cannot be asset tags or serial numbers people scan.
# Each takes the code and the reader: kits and receipts name people and are scoped like their referral; stock is
# the same for every staff reader.
RESOLVERS = (
    distribution_selectors.scan_distribution,
    lambda code, user: inventory_selectors.scan_stock(code),
)


def resolve(code: str, user) -> list[ScanHit]:
    """Every hit of the first resolver that recognises the code (several when a serial is ambiguous), within
    what `user` may read."""
    for resolver in RESOLVERS:
        found = resolver(code, user)
        if found:
            return [_hit(obj) for obj in found]
    return []
