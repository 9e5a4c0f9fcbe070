"""The API's link to what a scanned code names (the resolution itself is `distribution.selectors.scan`)."""

from django.urls import reverse

from distribution.selectors import ScanHit


def api_url(hit: ScanHit) -> str:
    """The API operation that reads what `hit` names."""
    obj = hit.obj
    if hit.type == "device":
        return reverse("api:device_read", kwargs={"asset_tag": obj.asset_tag})
    if hit.type == "line_item":
        return reverse("api:item_read", kwargs={"offer_id": obj.offer_id, "item_id": obj.pk})
    if hit.type == "allocation":
        return reverse("api:allocation_read", kwargs={"allocation_id": obj.pk})
    return reverse("api:receipt_pdf", kwargs={"number": obj.number})
