"""Stock pages for staff: scan, device list, device page with history and labels."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from api.scan import resolve
from common.exceptions import DomainError, ValidationFailed
from inventory import policies, selectors, services
from inventory.enums import DeviceKind, DeviceStatus, Grade
from inventory.grading import Specs, suggest_grade
from inventory.labelling import default_stock_name
from labels.stocks import STOCKS
from sites.selectors import site_list
from web.permissions import allowed
from web.stock.forms import BatchForm, DeliveryForm, DeviceForm, ErasureForm, ImportForm


@allowed(policies, "stock.read")
def scan(request):
    code = request.GET.get("code", "").strip()
    hits = resolve(code) if code else []
    if len(hits) == 1:
        return redirect(hits[0].page)
    return render(request, "web/scan.html", {"code": code, "hits": hits, "searched": bool(code)})


@allowed(policies, "stock.read")
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
            "sites": site_list(),
        },
    )


@allowed(policies, "stock.read")
def device_detail(request, asset_tag: str):
    device = selectors.device_get(asset_tag)
    if device is None:
        raise Http404(_("No such device."))
    actions = policies.device_actions(request.user, device)
    suggestion = suggest_grade(
        Specs(device.kind, device.ram_gb, device.storage_gb, device.storage_type, device.cpu_mark, device.os)
    )
    return render(
        request,
        "web/device_detail.html",
        {
            "device": device,
            "history": selectors.device_history(device),
            "erasures": selectors.device_erasures(device),
            "allowed": [(status, DeviceStatus(status).label) for status in actions["transitions"]],
            "stocks": STOCKS.values(),
            "default_stock": default_stock_name(device.site),
            "suggestion": suggestion,
            "grades": Grade.choices,
            "erasure_form": ErasureForm(),
            "can_write": actions["update"],
        },
    )


# --- warehouse: batches, registration, refurbishment ---------------------------------------------


@allowed(policies, "stock.read")
def batch_list(request):
    form = BatchForm(request.POST or None, initial={"site": request.user.site, "received_on": timezone.localdate()})
    if request.method == "POST":
        if not policies.allows(request.user, "stock.write"):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                batch = services.batch_create(user=request.user, **data)
            except DomainError as exc:
                field = exc.extra.get("field")
                form.add_error(field if field in form.fields else None, exc.message)
            else:
                return redirect("web:batch", batch_id=batch.pk)
    page = Paginator(selectors.batch_list(site=request.GET.get("site")), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "web/batch_list.html",
        {"page": page, "form": form, "can_write": policies.allows(request.user, "stock.write")},
    )


@allowed(policies, "stock.read")
def batch_detail(request, batch_id: int):
    batch = selectors.batch_list().filter(pk=batch_id).first()
    if batch is None:
        raise Http404(_("No such batch."))
    can_write = policies.allows(request.user, "stock.write")
    device_form, import_form, report = DeviceForm(), ImportForm(), None
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if "import" in request.POST:
            import_form = ImportForm(request.POST, request.FILES)
            if import_form.is_valid():
                try:
                    result = services.batch_import_devices(
                        user=request.user,
                        batch=batch,
                        content=import_form.cleaned_data["file"].read(),
                        dry_run=import_form.cleaned_data["dry_run"],
                    )
                    report = result.as_dict()
                except DomainError as exc:
                    messages.error(request, exc.message)
                    report = exc.extra.get("report")
                else:
                    if not result.dry_run:
                        created = result.counts["created"]
                        messages.success(
                            request,
                            ngettext("%(n)s device imported.", "%(n)s devices imported.", created) % {"n": created},
                        )
        else:
            device_form = DeviceForm(request.POST)
            if device_form.is_valid():
                fields = {k: v for k, v in device_form.cleaned_data.items() if v not in (None, "")}
                try:
                    device = services.device_register(user=request.user, site=batch.site, batch=batch, **fields)
                except DomainError as exc:
                    field = exc.extra.get("field")
                    device_form.add_error(field if field in device_form.fields else None, exc.message)
                else:
                    messages.success(request, _("%(tag)s registered.") % {"tag": device.asset_tag})
                    return redirect("web:batch", batch_id=batch.pk)
    devices = selectors.device_list(batch=batch.pk)
    return render(
        request,
        "web/batch_detail.html",
        {
            "batch": batch,
            "devices": devices,
            "device_form": device_form,
            "import_form": import_form,
            "report": report,
            "can_write": can_write,
            "can_certify": policies.allows(request.user, "stock.certify"),
            "stocks": STOCKS.values(),
            "default_stock": default_stock_name(batch.site),
            "last": devices.first(),
        },
    )


@allowed(policies, "stock.write")
def device_action(request, asset_tag: str):
    """Status change, erasure, grade or bin from the device page."""
    if request.method != "POST":
        return redirect("web:device", asset_tag=asset_tag)
    device = selectors.device_get(asset_tag)
    if device is None:
        raise Http404(_("No such device."))
    action = request.POST.get("action")
    try:
        if action == "transition":
            services.device_transition(
                user=request.user, device=device, to=request.POST.get("to", ""), note=request.POST.get("note", "")
            )
        elif action == "erasure":
            form = ErasureForm(request.POST)
            if not form.is_valid():
                raise ValidationFailed(_("Fill in the method, the tool and the result."))
            services.erasure_record(user=request.user, device=device, finished_at=timezone.now(), **form.cleaned_data)
        elif action == "update":
            changes = {k: request.POST[k] for k in ("grade", "location") if k in request.POST}
            services.device_update(user=request.user, device=device, changes=changes)
        else:
            raise ValidationFailed(_("Unknown action."))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done."))
    return redirect("web:device", asset_tag=device.asset_tag)


# --- connectivity: offers and deliveries ---------------------------------------------------------


@allowed(policies, "stock.read")
def offer_list(request):
    return render(request, "web/offer_list.html", {"offers": selectors.offer_list()})


@allowed(policies, "stock.read")
def offer_detail(request, offer_id: int):
    offer = selectors.offer_list().filter(pk=offer_id).first()
    if offer is None:
        raise Http404(_("No such offer."))
    can_write = policies.allows(request.user, "stock.write")
    form = DeliveryForm(request.POST or None, initial={"site": request.user.site})
    errors: list[dict] = []
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if form.is_valid():
            key = "voucher_code" if offer.kind == "topup" else "iccid"
            lines = [line.strip() for line in form.cleaned_data["codes"].splitlines() if line.strip()]
            try:
                added = services.line_items_add(
                    user=request.user,
                    offer=offer,
                    site=form.cleaned_data["site"],
                    items=[{key: code, "expires_on": form.cleaned_data["expires_on"]} for code in lines],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                errors = exc.extra.get("errors", [])
            else:
                messages.success(
                    request,
                    ngettext("%(n)s item added to the stock.", "%(n)s items added to the stock.", len(added))
                    % {"n": len(added)},
                )
                return redirect("web:offer", offer_id=offer.pk)
    items = Paginator(selectors.line_item_list(offer=offer, status=request.GET.get("status") or "available"), 100)
    return render(
        request,
        "web/offer_detail.html",
        {
            "offer": offer,
            "form": form,
            "errors": errors,
            "can_write": can_write,
            "page": items.get_page(request.GET.get("page")),
        },
    )
