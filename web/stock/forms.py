"""Forms of the stock pages; every value they clean is checked again by the services."""

from django import forms
from django.utils.translation import gettext_lazy

from inventory.enums import DeviceKind, DonorKind, ErasureMethod, ErasureResult, StorageType
from inventory.models import Device, Donor
from sites.models import Site


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
    received_on = forms.DateField(
        label=gettext_lazy("Received on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    donor_reference = forms.CharField(label=gettext_lazy("Donor's reference"), max_length=100, required=False)
    expected_count = forms.IntegerField(
        label=gettext_lazy("Expected count"), min_value=0, max_value=100_000, required=False
    )


class DeviceForm(forms.Form):
    imei = forms.CharField(
        label="IMEI",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "numeric"}),
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


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"))
    dry_run = forms.BooleanField(label=gettext_lazy("Check only, import nothing"), required=False)


class ErasureForm(forms.Form):
    method = forms.ChoiceField(label=gettext_lazy("Method"), choices=ErasureMethod.choices)
    tool = forms.CharField(label=gettext_lazy("Tool"), max_length=100)
    result = forms.ChoiceField(label=gettext_lazy("Result"), choices=ErasureResult.choices, widget=forms.RadioSelect)
    certificate_ref = forms.CharField(label=gettext_lazy("Certificate reference"), max_length=100, required=False)


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
