"""Stock pages for staff: scan, device list, device page with history and labels."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.enums import STOCK_READERS
from inventory import selectors, workflows
from inventory.enums import DeviceKind, DeviceStatus, Grade
from inventory.labelling import default_stock_name
from labels.stocks import STOCKS
from web.permissions import role_required


@role_required(*STOCK_READERS)
def scan(request):
    code = request.GET.get("code", "").strip()
    hits = selectors.scan_resolve(code) if code else []
    if len(hits) == 1 and hits[0].type == "device":
        return redirect("web:device", asset_tag=hits[0].id)
    return render(request, "web/scan.html", {"code": code, "hits": hits, "searched": bool(code)})


@role_required(*STOCK_READERS)
def device_list(request):
    filters = {key: request.GET.get(key) or None for key in ("status", "kind", "site", "grade", "q")}
    devices = selectors.device_list(**filters)
    page = Paginator(devices, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/device_list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "statuses": DeviceStatus.choices,
            "kinds": DeviceKind.choices,
            "grades": Grade.choices,
            "sites": selectors.site_list(),
        },
    )


@role_required(*STOCK_READERS)
def device_detail(request, asset_tag: str):
    device = selectors.device_get(asset_tag)
    if device is None:
        raise Http404(_("No such device."))
    return render(
        request,
        "web/device_detail.html",
        {
            "device": device,
            "history": selectors.device_history(device),
            "erasures": selectors.device_erasures(device),
            "allowed": workflows.allowed_targets(device.status),
            "stocks": STOCKS.values(),
            "default_stock": default_stock_name(device.site),
        },
    )
