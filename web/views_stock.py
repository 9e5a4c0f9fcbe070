"""Stock pages for staff: scan, device list, device page with history and labels."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.enums import STOCK_READERS, STOCK_WRITERS
from common.exceptions import DomainError, ValidationFailed
from inventory import selectors, services, workflows
from inventory.enums import DeviceKind, DeviceStatus, DonorKind, ErasureMethod, ErasureResult, Grade, StorageType
from inventory.grading import Specs, suggest_grade
from inventory.labelling import default_stock_name
from inventory.models import Donor, Site
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
            "allowed": [(status, DeviceStatus(status).label) for status in workflows.allowed_targets(device.status)],
            "stocks": STOCKS.values(),
            "default_stock": default_stock_name(device.site),
            "suggestion": suggestion,
            "grades": Grade.choices,
            "erasure_form": ErasureForm(),
            "can_write": request.user.has_role(*STOCK_WRITERS),
        },
    )


# --- warehouse: batches, registration, refurbishment ---------------------------------------------


class BatchForm(forms.Form):
    donor = forms.ModelChoiceField(label=gettext_lazy("Donor"), queryset=Donor.objects.order_by("name"), required=False)
    new_donor = forms.CharField(label=gettext_lazy("…or a new donor"), max_length=200, required=False)
    new_donor_kind = forms.ChoiceField(
        label=gettext_lazy("Kind of new donor"), choices=DonorKind.choices, required=False
    )
    site = forms.ModelChoiceField(
        label=gettext_lazy("Received at"), queryset=Site.objects.filter(is_active=True), to_field_name="code"
    )
    received_on = forms.DateField(
        label=gettext_lazy("Received on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    donor_reference = forms.CharField(label=gettext_lazy("Donor's reference"), max_length=100, required=False)
    expected_count = forms.IntegerField(
        label=gettext_lazy("Expected count"), min_value=0, max_value=100_000, required=False
    )

    def clean(self):
        data = super().clean()
        if not data.get("donor") and not data.get("new_donor"):
            raise forms.ValidationError(_("Choose a donor or name a new one."))
        return data


class DeviceForm(forms.Form):
    imei = forms.CharField(
        label="IMEI",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "numeric"}),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=DeviceKind.choices)
    brand = forms.CharField(label=gettext_lazy("Brand"), max_length=60)
    model = forms.CharField(label=gettext_lazy("Model"), max_length=120, required=False)
    serial_number = forms.CharField(label=gettext_lazy("Serial number"), max_length=64, required=False)
    ram_gb = forms.IntegerField(label=gettext_lazy("RAM (GB)"), min_value=0, required=False)
    storage_gb = forms.IntegerField(label=gettext_lazy("Storage (GB)"), min_value=0, required=False)
    storage_type = forms.ChoiceField(
        label=gettext_lazy("Storage type"), choices=[("", "—"), *StorageType.choices], required=False
    )
    cpu_mark = forms.IntegerField(label=gettext_lazy("CPU benchmark score"), min_value=0, required=False)
    os = forms.CharField(label=gettext_lazy("Operating system"), max_length=60, required=False)
    location = forms.CharField(label=gettext_lazy("Bin location"), max_length=40, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"))
    dry_run = forms.BooleanField(label=gettext_lazy("Check only, import nothing"), required=False)


class ErasureForm(forms.Form):
    method = forms.ChoiceField(label=gettext_lazy("Method"), choices=ErasureMethod.choices)
    tool = forms.CharField(label=gettext_lazy("Tool"), max_length=100)
    result = forms.ChoiceField(label=gettext_lazy("Result"), choices=ErasureResult.choices, widget=forms.RadioSelect)
    certificate_ref = forms.CharField(label=gettext_lazy("Certificate reference"), max_length=100, required=False)


@role_required(*STOCK_READERS)
def batch_list(request):
    form = BatchForm(request.POST or None, initial={"site": request.user.site, "received_on": timezone.localdate()})
    if request.method == "POST":
        if not request.user.has_role(*STOCK_WRITERS):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    donor = data["donor"] or services.donor_create(
                        user=request.user, name=data["new_donor"], kind=data["new_donor_kind"] or DonorKind.COMPANY
                    )
                    batch = services.batch_create(
                        user=request.user,
                        donor=donor,
                        site=data["site"],
                        received_on=data["received_on"],
                        donor_reference=data["donor_reference"],
                        expected_count=data["expected_count"],
                    )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("web:batch", batch_id=batch.pk)
    page = Paginator(selectors.batch_list(site=request.GET.get("site")), 50).get_page(request.GET.get("page"))
    return render(
        request, "web/batch_list.html", {"page": page, "form": form, "can_write": request.user.has_role(*STOCK_WRITERS)}
    )


@role_required(*STOCK_READERS)
def batch_detail(request, batch_id: int):
    batch = selectors.batch_list().filter(pk=batch_id).first()
    if batch is None:
        raise Http404(_("No such batch."))
    can_write = request.user.has_role(*STOCK_WRITERS)
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
            "stocks": STOCKS.values(),
            "default_stock": default_stock_name(batch.site),
            "last": devices.first(),
        },
    )


@role_required(*STOCK_WRITERS)
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


class DeliveryForm(forms.Form):
    codes = forms.CharField(
        label=gettext_lazy("ICCIDs or voucher codes, one per line"),
        widget=forms.Textarea(attrs={"rows": 8, "autofocus": True, "spellcheck": "false"}),
        help_text=gettext_lazy("Scan each SIM pack's barcode: the scanner types the number and a new line."),
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Expires on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    site = forms.ModelChoiceField(
        label=gettext_lazy("Site"), queryset=Site.objects.filter(is_active=True), to_field_name="code"
    )


@role_required(*STOCK_READERS)
def offer_list(request):
    return render(request, "web/offer_list.html", {"offers": selectors.offer_list()})


@role_required(*STOCK_READERS)
def offer_detail(request, offer_id: int):
    offer = selectors.offer_list().filter(pk=offer_id).first()
    if offer is None:
        raise Http404(_("No such offer."))
    can_write = request.user.has_role(*STOCK_WRITERS)
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
