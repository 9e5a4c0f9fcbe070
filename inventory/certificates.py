"""The donor's certificate of one batch: what became of each device and how its data was erased.

Three queries whatever the batch's size: the batch, its devices (with whether each was ever handed over),
their erasures. The PDF itself is drawn by labels.certificate (pure).
"""

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from inventory.enums import DeviceStatus, ErasureMethod, ErasureResult
from inventory.models import Batch, Device, DeviceEvent, Erasure
from labels.certificate import CertificateData, CertificateDevice, render_certificate


def outcome_of(status: str, was_handed_over: bool) -> str:
    """reused: handed over (now, or before coming back); parts; recycled; in progress otherwise."""
    if status == DeviceStatus.PARTS:
        return "parts"
    if status == DeviceStatus.RECYCLED:
        return "recycled"
    if status == DeviceStatus.HANDED_OVER or was_handed_over:
        return "reused"
    return "in_progress"


def erasure_of(erasures: list[Erasure]) -> Erasure | None:
    """The latest passed erasure, or the latest one if none passed (erasures in recording order)."""
    passed = [erasure for erasure in erasures if erasure.result == ErasureResult.PASSED]
    if passed:
        return passed[-1]
    return erasures[-1] if erasures else None


def batch_reference(batch: Batch) -> str:
    reference = f"#{batch.pk}"
    return f"{reference} ({batch.donor_reference})" if batch.donor_reference else reference


def certificate_data(batch_id: int, *, language: str | None = None) -> CertificateData | None:
    """Everything the certificate prints for one batch, or None when there is no such batch."""
    batch = Batch.objects.select_related("donor", "site").filter(pk=batch_id).first()
    if batch is None:
        return None
    language = language or settings.BAGAGE_LABEL_LANGUAGE
    handed_over = DeviceEvent.objects.filter(device=OuterRef("pk"), to_status=DeviceStatus.HANDED_OVER)
    devices = list(
        Device.objects.filter(batch=batch)
        .annotate(was_handed_over=Exists(handed_over))
        .only("pk", "asset_tag", "kind", "brand", "model", "serial_number", "imei", "status")
        .order_by("asset_tag")
    )
    erasures: dict[int, list[Erasure]] = {}
    for erasure in Erasure.objects.filter(device__batch=batch).order_by("recorded_at", "id"):
        erasures.setdefault(erasure.device_id, []).append(erasure)
    with translation.override(language):
        methods = {value: str(label) for value, label in ErasureMethod.choices}
        statement = _(
            "We certify that the data stored on the devices below was erased as stated, "
            "and that each device became what is stated."
        )
    rows = []
    for device in devices:
        erasure = erasure_of(erasures.get(device.pk, []))
        rows.append(
            CertificateDevice(
                asset_tag=device.asset_tag,
                kind=device.kind,
                brand=device.brand,
                model=device.model,
                serial=device.serial_number or "",
                imei=device.imei or "",
                erasure_method=methods.get(erasure.method, erasure.method) if erasure else "",
                erasure_tool=erasure.tool if erasure else "",
                erased_on=timezone.localdate(erasure.finished_at) if erasure else None,
                result=erasure.result if erasure else "",
                certificate_ref=erasure.certificate_ref if erasure else "",
                outcome=outcome_of(device.status, device.was_handed_over),
            )
        )
    return CertificateData(
        charity=settings.BAGAGE_CHARITY_NAME,
        charity_address=settings.BAGAGE_CHARITY_ADDRESS,
        donor=batch.donor.name,
        batch_reference=batch_reference(batch),
        batch_date=batch.received_on,
        issued_at=timezone.now(),
        devices=tuple(rows),
        statement=statement,
        language=language,
    )


def certificate_pdf(batch_id: int, *, language: str | None = None) -> bytes | None:
    data = certificate_data(batch_id, language=language)
    return None if data is None else render_certificate(data)
