"""Stock pages for staff: scan, device list, device page with history and labels."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from common.exceptions import DomainError, ValidationFailed
from common.parsing import parse_id
from distribution import policies as distribution_policies
from distribution import selectors as distribution_selectors
from distribution.selectors import ScanHit
from distribution.selectors import scan as scan_code
from inventory import policies, selectors, services
from inventory.enums import DeviceKind, DeviceStatus, Grade
from inventory.grading import Specs, suggest_grade
from inventory.labelling import (
    check_label_count,
    default_stock_name,
    label_sheet_pdf,
    label_stock,
    shelf_label,
    sim_label,
)
from inventory.models import LineItem
from inventory.services.devices import TO_READY
from inventory.workflows import DEVICE_WORKFLOW, has_passed_erasure
from labels.stocks import STOCKS
from sites.selectors import site_list
from web.confirm import confirmation, confirmed
from web.forms import show_error
from web.permissions import allowed
from web.stock.forms import (
    BatchForm,
    DeliveryForm,
    DeviceForm,
    ErasureForm,
    ImportForm,
    MakeReadyForm,
    OfferForm,
    ShelfLabelsForm,
)


def _page_of(hit: ScanHit) -> str:
    """The page a person opens for what a scanned code names."""
    obj = hit.obj
    if hit.type == "device":
        return reverse("web:device", args=[obj.asset_tag])
    if hit.type == "line_item":
        return reverse("web:offer", args=[obj.offer_id])
    if hit.type == "allocation":
        return reverse("web:kit", args=[obj.pk])
    return reverse("web:receipt_pdf", args=[obj.number])


@allowed(policies, "stock.read")
def scan(request):
    code = request.GET.get("code", "").strip()
    hits = scan_code(code, request.user) if code else []
    if len(hits) == 1:
        return redirect(_page_of(hits[0]))
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
    return _device_page(request, device)


# What the device page lets people edit beside the status: specs a technician reads on the machine.
DEVICE_EDITABLE = ("grade", "location", "cpu", "cpu_mark", "battery_health_pct", "notes")


def _device_page(request, device, *, kept: dict | None = None, confirm=None, status: int = 200):
    actions = policies.device_actions(request.user, device)
    suggestion = suggest_grade(Specs.of(device))
    kept = kept or {}
    # Only the steps that can succeed now are offered; the others are said with what they wait for.
    allowed, waiting = [], []
    for target in actions["transitions"]:
        problems = DEVICE_WORKFLOW.manual_to(device.status, target).problems(device)
        (waiting if problems else allowed).append((target, DeviceStatus(target).label, problems))
    ready_form = kept.get("ready_form") or MakeReadyForm(
        prefix="ready", initial={"grade": device.grade or suggestion.grade or ""}
    )
    return render(
        request,
        "web/device_detail.html",
        {
            "device": device,
            "history": selectors.device_history(device),
            "erasures": selectors.device_erasures(device),
            "allowed": [(target, label) for target, label, _problems in allowed],
            "waiting": [(label, problems) for _target, label, problems in waiting],
            "stocks": STOCKS.values(),
            "default_stock": default_stock_name(device.site),
            "suggestion": suggestion,
            "grades": Grade.choices,
            "erasure_form": kept.get("erasure_form") or ErasureForm(),
            "can_write": actions["update"],
            "can_make_ready": actions["update"] and device.status in TO_READY[:-1],
            "ready_form": ready_form,
            "erasure_passed": has_passed_erasure(device) is None,
            "kept": kept,
            "values": kept.get("values") or {name: getattr(device, name) for name in DEVICE_EDITABLE},
            "confirmation": confirm,
            "may_take_back": _may_take_back(request.user, device),
        },
        status=status,
    )


def _may_take_back(user, device) -> bool:
    """The take-back button, only for a handed-over device whose person is within the user's scope."""
    if device.status != DeviceStatus.HANDED_OVER or not distribution_policies.allows(user, "kit.take_back"):
        return False
    handover = distribution_selectors.last_handover_of(device)
    return handover is not None and distribution_policies.may_take_back(user, handover)


# Status changes that cannot be undone: the device leaves the stock for good.
CONFIRM_STATUS = {
    DeviceStatus.RECYCLED: gettext_lazy(
        "Send %(tag)s to recycling? It leaves the stock for good: this cannot be undone."
    ),
    DeviceStatus.PARTS: gettext_lazy("Strip %(tag)s for parts? It leaves the stock for good: this cannot be undone."),
}


@allowed(policies, "stock.write")
def device_action(request, asset_tag: str):
    """Status change, erasure, grade, bin and specs from the device page; an error keeps what was typed."""
    if request.method != "POST":
        return redirect("web:device", asset_tag=asset_tag)
    device = selectors.device_get(asset_tag)
    if device is None:
        raise Http404(_("No such device."))
    action = request.POST.get("action")
    kept: dict = {"action": action, "note": request.POST.get("note", "")}
    tag = device.asset_tag
    try:
        if action == "transition":
            to = request.POST.get("to", "")
            if to in CONFIRM_STATUS and not confirmed(request):
                message = str(CONFIRM_STATUS[to]) % {"tag": tag}
                return _device_page(request, device, kept=kept, confirm=confirmation(request, message))
            device = services.device_transition(user=request.user, device=device, to=to, note=kept["note"])
            done = _("%(tag)s is now “%(status)s”.") % {"tag": tag, "status": device.get_status_display()}
        elif action == "erasure":
            form = ErasureForm(request.POST)
            kept["erasure_form"] = form
            if not form.is_valid():
                raise ValidationFailed(_("Fill in the method, the tool and the result."))
            erasure = services.erasure_record(
                user=request.user, device=device, finished_at=timezone.now(), **form.cleaned_data
            )
            done = _("Erasure recorded for %(tag)s: %(result)s.") % {
                "tag": tag,
                "result": erasure.get_result_display().lower(),
            }
        elif action == "update":
            changes = {k: request.POST[k] for k in DEVICE_EDITABLE if k in request.POST}
            kept["values"] = changes
            services.device_update(user=request.user, device=device, changes=changes)
            done = _("%(tag)s saved.") % {"tag": tag}
        elif action == "make_ready":
            form = MakeReadyForm(request.POST, prefix="ready", erasure_needed=has_passed_erasure(device) is not None)
            kept["ready_form"] = form
            if not form.is_valid():
                raise ValidationFailed(_("Correct the fields marked below."))
            device = services.device_make_ready(user=request.user, device=device, **form.service_arguments())
            done = _("%(tag)s is ready.") % {"tag": tag}
        else:
            raise ValidationFailed(_("Unknown action."))
    except DomainError as exc:
        kept["error"] = exc.message
        kept["field"] = exc.extra.get("field")
        # Every wrong field at once, each message beside its field (ValidationFailed.items()).
        items = exc.items() if isinstance(exc, ValidationFailed) else []
        kept["errors"] = {item["field"]: item["detail"] for item in items if item.get("field")}
        device = selectors.device_get(asset_tag)
        return _device_page(request, device, kept=kept, status=exc.status if 400 <= exc.status < 500 else 400)
    messages.success(request, done)
    return redirect("web:device", asset_tag=tag)


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
                show_error(form, exc)
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
    # After a registration the kind, brand and model stay for the next device (20 identical laptops in a row).
    same = {k: request.GET[k] for k in ("kind", "brand", "model") if request.GET.get(k)}
    device_form, import_form, report = DeviceForm(initial=same), ImportForm(), None
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
            # Whatever refuses it, the scan box holds its code selected: the next scan replaces it (bagage.js).
            device_form.fields["imei"].widget.attrs["data-select-on-load"] = ""
            if device_form.is_valid():
                fields = {k: v for k, v in device_form.cleaned_data.items() if v not in (None, "")}
                try:
                    device = services.device_register(user=request.user, site=batch.site, batch=batch, **fields)
                except DomainError as exc:
                    show_error(device_form, exc, device_form.domain_fields())
                else:
                    messages.success(request, _("%(tag)s registered.") % {"tag": device.asset_tag})
                    kept = {k: device_form.cleaned_data.get(k) or "" for k in ("kind", "brand", "model")}
                    return redirect(f"{reverse('web:batch', args=[batch.pk])}?{urlencode(kept)}")
        # The count shown is the one after what was just imported.
        batch = selectors.batch_list().get(pk=batch.pk)
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


# --- connectivity: offers and deliveries ---------------------------------------------------------


@allowed(policies, "stock.read")
def offer_list(request):
    can_manage = policies.allows(request.user, "connectivity.manage")
    form = OfferForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                offer = services.offer_create(user=request.user, **form.cleaned_data)
            except DomainError as exc:
                show_error(form, exc)
                status = exc.status if 400 <= exc.status < 500 else 400
            else:
                messages.success(request, _("Offer %(name)s created.") % {"name": offer.name})
                return redirect("web:offer", offer_id=offer.pk)
        else:
            status = 400
    return render(
        request,
        "web/offer_list.html",
        {"offers": selectors.offer_list(), "form": form, "can_manage": can_manage},
        status=status,
    )


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@allowed(policies, "stock.read")
def offer_labels(request, offer_id: int):
    """The ticked SIM packs of an offer, one label each, in one PDF."""
    offer = selectors.offer_list().filter(pk=offer_id).first()
    if offer is None:
        raise Http404(_("No such offer."))
    if request.method != "POST":
        return redirect("web:offer", offer_id=offer.pk)
    asked = request.POST.getlist("items")
    try:
        check_label_count(len(asked))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("web:offer", offer_id=offer.pk)
    ids = [parse_id(value) for value in asked]
    items = list(
        LineItem.objects.select_related("offer", "site")
        .filter(offer=offer, pk__in=[i for i in ids if i], iccid__isnull=False)
        .order_by("expires_on", "id")
    )
    if not items:
        messages.error(request, _("Tick the SIM cards whose labels you want."))
        return redirect("web:offer", offer_id=offer.pk)
    try:
        stock = label_stock(request.POST.get("stock"), items[0].site)
        return _pdf(label_sheet_pdf([sim_label(item) for item in items], stock), f"sims-{offer.pk}.pdf")
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("web:offer", offer_id=offer.pk)


@allowed(policies, "stock.read")
def shelf_labels(request):
    """Bin labels: the locations typed one per line, in one PDF."""
    form = ShelfLabelsForm(
        request.POST or None,
        initial={"site": request.user.site, "stock": default_stock_name(request.user.site)},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                labels = [shelf_label(location, data["site"]) for location in data["locations"]]
                content = label_sheet_pdf(labels, label_stock(data["stock"], data["site"]), data["start"])
                return _pdf(content, "shelves.pdf")
            except DomainError as exc:
                show_error(form, exc)
        status = 400
    return render(request, "web/shelf_labels.html", {"form": form}, status=status)


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
                show_error(form, exc)
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
            "stocks": STOCKS.values(),
            "default_stock": default_stock_name(request.user.site),
        },
    )
