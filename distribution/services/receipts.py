"""Receipts: drawn once from the handover, stored with their digest, never changed.

The bytes live in the `receipts` storage (files under var/receipts by default; a deployment
points STORAGES["receipts"] elsewhere). Every download of the original is those bytes; a
duplicate is drawn again from the receipt's snapshot and stamped DUPLICATA.
"""

import datetime as dt
import hashlib
from dataclasses import replace
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import NotFound
from distribution.enums import AllocationKind
from distribution.models import Handover, Receipt
from distribution.services.numbers import next_number
from inventory.enums import CERTIFYING_ERASURE_METHODS, ErasureMethod, ErasureResult
from inventory.models import Erasure
from labels.receipt import ReceiptConnectivity, ReceiptData, ReceiptDevice, Signature, render_receipt
from referrals import services as referrals
from referrals.enums import Accessory
from referrals.notice_texts import notice_for_receipt

RECEIPT_LANGUAGES = ("fr", "en")


def receipts_storage():
    return storages["receipts"]


def _site_address(site) -> str:
    return "\n".join(part for part in (site.address, f"{site.postal_code} {site.city}".strip()) if part)


def _passed_erasure(allocation, device) -> Erasure | None:
    """The device's latest passed erasure: read with the locked allocation (lock_allocation's `with_erasure`), or
    looked up."""
    if hasattr(allocation, "erasure_method"):
        if allocation.erasure_method is None:
            return None
        return Erasure(device=device, method=allocation.erasure_method, finished_at=allocation.erasure_finished_at)
    return Erasure.objects.filter(device=device, result=ErasureResult.PASSED).order_by("-recorded_at", "-id").first()


def snapshot(handover: Handover, *, number: str, language: str, signature_png: bytes | None) -> dict:
    """What the receipt shows, as plain JSON (no voucher code: it is read from stock when drawn)."""
    allocation = handover.allocation
    referral = allocation.referral
    person = referral.beneficiary
    site = allocation.site
    device = allocation.device
    # The information notice the person was given, and where they can read it again (a public page).
    notice_version, notice_where = notice_for_receipt(handover.notice_version, language)
    data: dict = {
        "number": number,
        # A top-up's receipt is the short one (connectivity only); a give-back's says what it answers.
        "kind": allocation.kind,
        "issued_at": timezone.localtime(handover.at).isoformat(),
        "charity": settings.BAGAGE_CHARITY_NAME,
        "site_name": f"{site.code} {site.name}",
        "site_address": _site_address(site),
        "mediator": handover.by.get_full_name() or handover.by.username,
        "beneficiary": f"{person.first_name} {person.last_name}",
        "accessories": [str(Accessory(a).label) for a in handover.accessories],
        "contribution_eur": str(handover.contribution_eur),
        "payment": handover.payment,
        "warranty_months": settings.BAGAGE_WARRANTY_MONTHS if device else 0,
        "warranty_until": handover.warranty_until.isoformat() if handover.warranty_until else None,
        "warranty_terms": settings.BAGAGE_WARRANTY_TERMS.get(language, "") if device else "",
        "notice_version": notice_version,
        "notice_where": notice_where,
        "signature_png": signature_png.hex() if signature_png else None,
        "signed_on_paper": handover.signed_on_paper,
        "language": language,
        "device": None,
        "connectivity": None,
        "replaced_device": "",
        "replaced_receipt": "",
    }
    returned = allocation.replaces if allocation.kind == AllocationKind.SWAP else None
    if returned is not None:
        old = returned.device
        data["replaced_device"] = f"{' '.join(p for p in (old.brand, old.model) if p)}, {old.asset_tag}".lstrip(", ")
        first = getattr(returned.handover, "receipt", None)
        data["replaced_receipt"] = first.number if first is not None else ""
    if device is not None:
        erasure = _passed_erasure(allocation, device)
        data["device"] = {
            "kind": device.kind,
            "brand": device.brand,
            "model": device.model,
            "asset_tag": device.asset_tag,
            "serial": device.serial_number or "",
            "imei": device.imei or "",
            "grade": device.grade,
            "erased_on": timezone.localtime(erasure.finished_at).date().isoformat() if erasure else None,
            "erasure_method": str(ErasureMethod(erasure.method).label) if erasure else "",
            "erasure_code": erasure.method if erasure else "",
            "erasure_certified": bool(erasure) and erasure.method in CERTIFYING_ERASURE_METHODS,
        }
    item = allocation.line_item
    if item is not None:
        offer = item.offer
        data["connectivity"] = {
            "operator": offer.operator,
            "offer": offer.name,
            "iccid": item.iccid or "",
            "valid_until": item.expires_on.isoformat(),
            "instructions": offer.instructions,
        }
    return data


def receipt_data(data: dict, *, voucher_code: str = "") -> ReceiptData:
    """The renderer's dataclass from a snapshot."""
    device = data.get("device")
    connectivity = data.get("connectivity")
    as_date = lambda v: dt.date.fromisoformat(v) if v else None  # noqa: E731
    return ReceiptData(
        number=data["number"],
        issued_at=dt.datetime.fromisoformat(data["issued_at"]),
        charity=data["charity"],
        site_name=data["site_name"],
        site_address=data["site_address"],
        mediator=data["mediator"],
        beneficiary=data["beneficiary"],
        device=ReceiptDevice(
            kind=device["kind"],
            brand=device["brand"],
            model=device["model"],
            asset_tag=device["asset_tag"],
            serial=device["serial"],
            imei=device["imei"],
            grade=device["grade"],
            erased_on=as_date(device["erased_on"]),
            erasure_method=device["erasure_method"],
            # Snapshots from before these keys: the method as then printed.
            erasure_code=device.get("erasure_code", ""),
            erasure_certified=device.get("erasure_certified", True),
        )
        if device
        else None,
        connectivity=ReceiptConnectivity(
            operator=connectivity["operator"],
            offer=connectivity["offer"],
            iccid=connectivity["iccid"],
            valid_until=as_date(connectivity["valid_until"]),
            voucher_code=voucher_code,
            instructions=connectivity.get("instructions", ""),
        )
        if connectivity
        else None,
        accessories=tuple(data["accessories"]),
        contribution_eur=Decimal(data["contribution_eur"]),
        payment=data["payment"],
        warranty_months=data["warranty_months"],
        warranty_until=as_date(data["warranty_until"]),
        warranty_terms=data["warranty_terms"],
        notice_version=data["notice_version"],
        notice_where=data["notice_where"],
        signature_png=bytes.fromhex(data["signature_png"]) if data["signature_png"] else None,
        signed_on_paper=data["signed_on_paper"],
        language=data["language"],
        kind=data.get("kind", "kit"),
        replaced_device=data.get("replaced_device", ""),
        replaced_receipt=data.get("replaced_receipt", ""),
    )


def receipt_issue(*, user, handover: Handover, signature: Signature | None) -> Receipt:
    """Number, draw and store the receipt of a handover (inside the handover's transaction); `signature` as
    clean_signature read it, or None when signed on paper."""
    number, year, sequence = next_number("receipt")
    language = "en" if handover.allocation.referral.beneficiary.language == "en" else "fr"
    shown = snapshot(handover, number=number, language=language, signature_png=signature.png if signature else None)
    item = handover.allocation.line_item
    data = receipt_data(shown, voucher_code=(item.voucher_code or "") if item else "")
    # What the snapshot keeps, drawn from the pixels the desk checked rather than decoded once more.
    content = render_receipt(replace(data, signature=signature))
    digest = hashlib.sha256(content).hexdigest()
    storage = receipts_storage()
    name = storage.save(f"{year}/{number}.pdf", ContentFile(content))
    try:
        return Receipt.objects.create(
            number=number,
            year=year,
            sequence=sequence,
            handover=handover,
            file=name,
            sha256=digest,
            size=len(content),
            issued_at=handover.at,
            issued_by=user,
            language=language,
            snapshot=shown,
        )
    except Exception:
        # The transaction rolls back and gives the number back: leave no file behind under it.
        storage.delete(name)
        raise


def _require_kept(receipt: Receipt) -> None:
    if not receipt.file:
        raise NotFound(
            _("Receipt %(number)s was deleted at the end of its retention period.") % {"number": receipt.number},
            "receipt_purged",
        )


def _read_logged(receipt: Receipt, user, action: str) -> None:
    """A receipt names the person (full name, IMEI, ICCID, voucher code): reading it is a read of their details."""
    referrals.beneficiary_access_record(user=user, referral=receipt.handover.allocation.referral, action=action)


def receipt_original(receipt: Receipt, *, user) -> bytes:
    """The bytes issued, exactly, for `user` (logged as a read of the person); refuses a file that no longer
    matches its digest, or is gone."""
    _require_kept(receipt)
    try:
        with receipts_storage().open(receipt.file, "rb") as file:
            content = file.read()
    except FileNotFoundError:
        content = None  # lost from the storage: no bytes match the digest either (restore it from the backup)
    if content is None or hashlib.sha256(content).hexdigest() != receipt.sha256:
        raise NotFound(
            _("The stored receipt %(number)s does not match its digest.") % {"number": receipt.number},
            "receipt_tampered",
        )
    _read_logged(receipt, user, "receipt")
    return content


def receipt_duplicate(receipt: Receipt, *, user) -> bytes:
    """A copy drawn again from the snapshot, stamped DUPLICATA on every page, for `user` (logged as a read)."""
    _require_kept(receipt)
    item = receipt.handover.allocation.line_item
    data = receipt_data(receipt.snapshot, voucher_code=(item.voucher_code or "") if item else "")
    content = render_receipt(data, duplicate=True)
    _read_logged(receipt, user, "receipt_duplicate")
    return content


def receipt_verify(content: bytes) -> Receipt | None:
    """The receipt whose original bytes these are, if any."""
    return Receipt.objects.filter(sha256=hashlib.sha256(content).hexdigest()).first()
