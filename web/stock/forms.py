"""Forms of the stock pages; every value they clean is checked again by the services."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from common.exceptions import DomainError, ValidationFailed
from inventory import imports
from inventory.enums import DeviceKind, DonorKind, ErasureMethod, ErasureResult, Grade, OfferKind, StorageType
from inventory.labelling import BIN_LOCATION, check_label_count
from inventory.models import Device, Donor
from inventory.validators import check_phone_serial, compact_digits, looks_like_imei
from sites.models import Site
from web.fields import DayField
from web.templatetags.bagage import label_stock


def _max(name: str) -> int:
    """A device field's limit, read from the model as the services' validators read it."""
    return Device._meta.get_field(name).max_length


class BatchForm(forms.Form):
    donor = forms.ModelChoiceField(label=gettext_lazy("Donor"), queryset=Donor.objects.order_by("name"), required=False)
    new_donor = forms.CharField(label=gettext_lazy("…or a new donor"), max_length=200, required=False)
    new_donor_kind = forms.ChoiceField(
        label=gettext_lazy("Kind of new donor"), choices=DonorKind.choices, required=False
    )
    site = forms.ModelChoiceField(
        label=gettext_lazy("Received at"), queryset=Site.objects.filter(is_active=True), to_field_name="code"
    )
    received_on = DayField(label=gettext_lazy("Received on"))
    donor_reference = forms.CharField(label=gettext_lazy("Donor's reference"), max_length=100, required=False)
    expected_count = forms.IntegerField(
        label=gettext_lazy("Expected count"), min_value=0, max_value=100_000, required=False
    )


class DeviceForm(forms.Form):
    imei = forms.CharField(
        label=gettext_lazy("IMEI or serial number"),
        max_length=max(20, _max("serial_number")),
        required=False,
        help_text=gettext_lazy("Scan either: a code that is no IMEI is kept as the serial number."),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "spellcheck": "false"}),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=DeviceKind.choices)
    brand = forms.CharField(label=gettext_lazy("Brand"), max_length=_max("brand"))
    model = forms.CharField(label=gettext_lazy("Model"), max_length=_max("model"), required=False)
    serial_number = forms.CharField(
        label=gettext_lazy("Serial number"), max_length=_max("serial_number"), required=False
    )
    ram_gb = forms.IntegerField(label=gettext_lazy("RAM (GB)"), min_value=0, required=False)
    storage_gb = forms.IntegerField(label=gettext_lazy("Storage (GB)"), min_value=0, required=False)
    storage_type = forms.ChoiceField(
        label=gettext_lazy("Storage type"), choices=[("", "—"), *StorageType.choices], required=False
    )
    cpu_mark = forms.IntegerField(label=gettext_lazy("CPU benchmark score"), min_value=0, required=False)
    os = forms.CharField(label=gettext_lazy("Operating system"), max_length=_max("os"), required=False)
    location = forms.CharField(label=gettext_lazy("Bin location"), max_length=_max("location"), required=False)

    def domain_fields(self) -> dict[str, str]:
        """Where a service's refusal goes: what was scanned as a serial number is told beside the scan box."""
        if self.cleaned_data.get("serial_number") and not self.data.get("serial_number"):
            return {"serial_number": "imei"}
        return {}

    def clean(self):
        data = super().clean()
        scanned = (data.get("imei") or "").strip()
        # The scan box takes an IMEI or a serial number: 15 digits with a right check digit are an IMEI,
        # anything else is the serial number (unless one was typed in its own box too).
        if scanned and not looks_like_imei(compact_digits(scanned)):
            if compact_digits(scanned).isdigit() and len(compact_digits(scanned)) == 15:
                return data  # 15 digits with a wrong check digit: the service says so, next to the box
            if data.get("serial_number"):
                self.add_error("imei", gettext_lazy("This is no IMEI, and the serial number is filled in already."))
                return data
            try:
                # Said beside the scan box, where the code was scanned.
                check_phone_serial(data.get("kind"), scanned, "imei")
            except ValidationFailed as exc:
                self.add_error("imei", exc.message)
            else:
                data["serial_number"], data["imei"] = scanned, ""
        return data


XLSX_MAGIC = b"PK\x03\x04"


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"))
    dry_run = forms.BooleanField(label=gettext_lazy("Check only, import nothing"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            imports.check_size(upload.size)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        head = upload.read(4)
        upload.seek(0)
        if head == XLSX_MAGIC or upload.name.lower().endswith((".xlsx", ".xls", ".ods")):
            raise forms.ValidationError(
                gettext_lazy("This is a spreadsheet file: save the file as CSV (semicolon separator) and import that.")
            )
        return upload


class ErasureForm(forms.Form):
    method = forms.ChoiceField(label=gettext_lazy("Method"), choices=ErasureMethod.choices)
    tool = forms.CharField(label=gettext_lazy("Tool"), max_length=100)
    result = forms.ChoiceField(label=gettext_lazy("Result"), choices=ErasureResult.choices, widget=forms.RadioSelect)
    certificate_ref = forms.CharField(label=gettext_lazy("Certificate reference"), max_length=100, required=False)


class MakeReadyForm(forms.Form):
    """A diagnosed device to ready in one submit: its erasure (unless a passed one is recorded), grade and specs."""

    method = forms.ChoiceField(label=gettext_lazy("Method"), choices=ErasureMethod.choices, required=False)
    tool = forms.CharField(label=gettext_lazy("Tool"), max_length=100, required=False)
    result = forms.ChoiceField(
        label=gettext_lazy("Result"), choices=ErasureResult.choices, widget=forms.RadioSelect, required=False
    )
    certificate_ref = forms.CharField(label=gettext_lazy("Certificate reference"), max_length=100, required=False)
    grade = forms.ChoiceField(label=gettext_lazy("Grade"), choices=[("", "—"), *Grade.choices])
    battery_health_pct = forms.IntegerField(
        label=capfirst(Device._meta.get_field("battery_health_pct").verbose_name),
        min_value=0,
        max_value=100,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    location = forms.CharField(label=gettext_lazy("Bin location"), max_length=_max("location"), required=False)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=2000, required=False)

    ERASURE_FIELDS = ("method", "tool", "result", "certificate_ref")

    def __init__(self, *args, erasure_needed: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.erasure_needed = erasure_needed
        for name in self.ERASURE_FIELDS:
            if not erasure_needed:
                del self.fields[name]
            elif name != "certificate_ref":
                # Without a passed erasure since the device came in, none can be ready: these are required.
                self.fields[name].required = True

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        specs = {k: data[k] for k in ("battery_health_pct", "location") if data.get(k) not in (None, "")}
        erasure = {k: data[k] for k in self.ERASURE_FIELDS} if self.erasure_needed else None
        return {"grade": data["grade"], "erasure": erasure, "specs": specs, "note": data.get("note") or ""}


class DeliveryForm(forms.Form):
    codes = forms.CharField(
        label=gettext_lazy("ICCIDs or voucher codes, one per line"),
        widget=forms.Textarea(attrs={"rows": 8, "autofocus": True, "spellcheck": "false"}),
        help_text=gettext_lazy("Scan each SIM pack's barcode: the scanner types the number and a new line."),
    )
    expires_on = DayField(label=gettext_lazy("Expires on"))
    site = forms.ModelChoiceField(
        label=gettext_lazy("Site"), queryset=Site.objects.filter(is_active=True), to_field_name="code"
    )


class OfferForm(forms.Form):
    operator = forms.CharField(label=gettext_lazy("Operator"), max_length=60)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=OfferKind.choices)
    data_gb = forms.DecimalField(
        label=gettext_lazy("Data (GB; empty: unlimited)"), min_value=0, max_digits=6, decimal_places=2, required=False
    )
    validity_days = forms.IntegerField(label=gettext_lazy("Validity (days)"), min_value=1, max_value=3650)
    unlimited_calls = forms.BooleanField(label=gettext_lazy("Unlimited calls and texts"), required=False)
    price = forms.DecimalField(label=gettext_lazy("Price (€)"), min_value=0, max_digits=7, decimal_places=2)
    instructions = forms.CharField(
        label=gettext_lazy("How to use it (printed on the receipt)"),
        max_length=600,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For example: dial *144*code# from the phone, or call 222."),
    )


class ShelfLabelsForm(forms.Form):
    locations = forms.CharField(
        label=gettext_lazy("Bin locations, one per line"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "autofocus": True}),
        help_text=gettext_lazy("Letters without accents, digits, spaces and . _ / - (for example A-01)."),
    )
    site = forms.ModelChoiceField(
        label=gettext_lazy("Site"), queryset=Site.objects.filter(is_active=True), to_field_name="code"
    )
    stock = forms.ChoiceField(label=gettext_lazy("Label stock"), choices=[])
    start = forms.IntegerField(label=gettext_lazy("First free position"), min_value=1, max_value=65, initial=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from labels.stocks import STOCKS

        self.fields["stock"].choices = [(stock.name, label_stock(stock.name)) for stock in STOCKS.values()]

    def clean_locations(self):
        lines = [line.strip() for line in self.cleaned_data["locations"].splitlines() if line.strip()]
        wrong = [line for line in lines if not BIN_LOCATION.fullmatch(line)]
        if wrong:
            raise forms.ValidationError(
                gettext_lazy("Not a bin location: %(lines)s.") % {"lines": ", ".join(wrong[:10])}
            )
        if not lines:
            raise forms.ValidationError(gettext_lazy("At least one location."))
        try:
            check_label_count(len(lines))
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        return lines
