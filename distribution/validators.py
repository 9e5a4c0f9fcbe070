"""Checking what the handover desk sends: the checklist, the contribution, the drawn signature."""

import base64
import binascii
import io
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from common.exceptions import ValidationFailed
from distribution.enums import CHECKLIST_KEYS, Payment
from labels.receipt import Signature

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SIGNATURE_MAX_BYTES = 200_000
SIGNATURE_MAX_SIDE = 2000
SIGNATURE_MIN_SIDE = 50
# The least ink a signature leaves on the receipt once fitted in its printed box (70 × 25 mm): a scrawled
# initial on the pad leaves about 10 mm², a name 30 to 80; a dot or a hairline on a huge pad next to nothing.
SIGNATURE_MIN_INK_MM2 = 3.0
CONTRIBUTION_MAX = Decimal("1000")


def clean_checklist(checklist: dict | None) -> dict[str, bool]:
    checklist = checklist or {}
    unknown = set(checklist) - set(CHECKLIST_KEYS)
    if unknown:
        raise ValidationFailed(
            _("Unknown checklist items: %(names)s.") % {"names": ", ".join(sorted(unknown))}, field="checklist"
        )
    return {key: bool(checklist.get(key, False)) for key in CHECKLIST_KEYS}


def clean_contribution(amount, payment: str) -> tuple[Decimal, str]:
    if payment not in Payment.values:
        raise ValidationFailed(_("free, cash or card"), field="payment")
    try:
        value = Decimal(str(amount if amount is not None else "0")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("An amount in euros."), "invalid_contribution", field="contribution_eur") from None
    if not value.is_finite() or value < 0 or value > CONTRIBUTION_MAX:
        raise ValidationFailed(
            _("Between 0 and %(max)s €.") % {"max": CONTRIBUTION_MAX}, "invalid_contribution", field="contribution_eur"
        )
    if payment == Payment.FREE and value:
        raise ValidationFailed(_("A free kit has no contribution."), "invalid_contribution", field="contribution_eur")
    if payment != Payment.FREE and not value:
        raise ValidationFailed(_("Say the amount paid."), "invalid_contribution", field="contribution_eur")
    return value, payment


def clean_signature(signature_png: str | bytes | None, signed_on_paper: bool) -> Signature | None:
    """A real, bounded PNG drawn on the signature pad (base64 or bytes), or None when signed on paper: read once,
    its bytes (`.png`) to keep and its pixels to print on the receipt."""
    if signed_on_paper:
        if signature_png:
            raise ValidationFailed(
                _("Either a drawn signature or signed on paper, not both."), "signature_twice", field="signature_png"
            )
        return None
    if not signature_png:
        raise ValidationFailed(
            _("The person signs: on the pad, or on paper."), "signature_required", field="signature_png"
        )
    data = signature_png
    if isinstance(data, str):
        text = data.split(",", 1)[1] if data.startswith("data:") else data
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed(
                _("The signature is not base64."), "invalid_signature", field="signature_png"
            ) from None
    if len(data) > SIGNATURE_MAX_BYTES or not data.startswith(PNG_MAGIC):
        raise ValidationFailed(
            _("The signature must be a PNG image under %(kb)s KB.") % {"kb": SIGNATURE_MAX_BYTES // 1000},
            "invalid_signature",
            field="signature_png",
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if image.format != "PNG":
                raise ValueError
            if not (
                SIGNATURE_MIN_SIDE <= width <= SIGNATURE_MAX_SIDE
                and SIGNATURE_MIN_SIDE // 2 <= height <= SIGNATURE_MAX_SIDE
            ):
                raise ValueError
            image.load()
            # Onto white, as it will be printed: a pad nobody drew on is one flat colour.
            signature = Signature(data, image)
    except (UnidentifiedImageError, ValueError, OSError, Image.DecompressionBombError):
        raise ValidationFailed(
            _("The signature must be a PNG image of a sensible size."), "invalid_signature", field="signature_png"
        ) from None
    if signature.blank:
        raise ValidationFailed(_("The signature is empty."), "signature_required", field="signature_png")
    if signature.ink_mm2 < SIGNATURE_MIN_INK_MM2:
        raise ValidationFailed(
            _("The signature is too small or too faint to be read on the receipt: sign again, larger."),
            "signature_too_faint",
            field="signature_png",
        )
    return signature
