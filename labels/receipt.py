"""The handover receipt (attestation de remise): A4, one page per copy, the same bytes for the same data.

A receipt names the beneficiary and the mediator and carries the beneficiary's signature: it is the
proof, for both, of what was handed over. The voucher code, which is money, is printed on the
beneficiary's copy only. The words come from labels.strings in the receipt's language ("fr" or "en");
what the caller holds in words already (names, model, offer, the warranty's terms) is printed as given.
"""

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from PIL import Image, UnidentifiedImageError
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from labels.a4 import (
    FONT,
    FONT_BOLD,
    MARGIN,
    PAGE_H,
    PAGE_W,
    Cursor,
    GreyImage,
    draw_code128,
    draw_image,
    grey_image,
    new_canvas,
    quiet_zone,
    wrap,
)
from labels.layout import code128_pattern, printable
from labels.strings import Words

COPIES = ("beneficiary", "association")
PAYMENTS = ("free", "cash", "card")
BARCODE_MODULE = 0.3 * mm  # office laser printers print 0.3 mm bars cleanly; scanners read them at arm's length
BARCODE_HEIGHT = 12 * mm
SIGNATURE_BOX = (70 * mm, 25 * mm)
# The signature is kept at 200 dpi in its box: sharp on paper, a few kilobytes in the file.
SIGNATURE_MAX_PIXELS = (round(70 / 25.4 * 200), round(25 / 25.4 * 200))
SIGNATURE_MAX_INPUT_PIXELS = 4_000_000
BODY = 9.5
SMALL = 8.5
LABEL_COLUMN = 48 * mm


_PAPER_WHITE = 224
_INK_LEVELS = [255 if level >= _PAPER_WHITE else level // 32 * 32 for level in range(256)]


class ReceiptError(ValueError):
    """A receipt that cannot be drawn from this data."""


@dataclass(frozen=True)
class ReceiptDevice:
    kind: str  # "laptop" (printed in the receipt's language) or words as they are
    brand: str
    model: str
    asset_tag: str
    serial: str = ""
    imei: str = ""
    grade: str = ""  # "A"
    erased_on: dt.date | None = None
    erasure_method: str = ""  # "NIST 800-88 Purge"
    erasure_code: str = ""  # "nist_purge": printed in words from labels.strings when known
    erasure_certified: bool = True  # False for a method that certifies nothing (a factory reset)


@dataclass(frozen=True)
class ReceiptConnectivity:
    operator: str
    offer: str
    iccid: str = ""
    valid_until: dt.date | None = None
    voucher_code: str = ""  # printed on the beneficiary's copy only
    instructions: str = ""  # the offer's own words on how to use it


@dataclass(frozen=True)
class ReceiptData:
    """Everything a receipt shows. No device for a connectivity-only top-up (the "short receipt")."""

    number: str  # "R-2026-000042", also the Code 128
    issued_at: dt.datetime  # in the site's time zone: printed, and the PDF's creation date
    charity: str
    site_name: str
    site_address: str  # lines separated by "\n"
    mediator: str
    beneficiary: str
    device: ReceiptDevice | None = None
    connectivity: ReceiptConnectivity | None = None
    accessories: tuple[str, ...] = ()
    contribution_eur: Decimal = Decimal("0")
    payment: str = "free"  # "free", "cash" or "card"
    warranty_months: int = 0
    warranty_until: dt.date | None = None
    warranty_terms: str = ""
    notice_version: str = ""
    notice_where: str = ""  # "https://bagage.example.org/notice, or on paper at the site"
    signature_png: bytes | None = None
    signed_on_paper: bool = False
    language: str = "fr"
    kind: str = "kit"  # "kit", "topup" (connectivity only: a short receipt) or "swap" (under warranty)
    replaced_device: str = ""  # a swap: "Samsung Galaxy A52, SDTE26-0042"
    replaced_receipt: str = ""  # a swap: the first receipt's number
    mediator_signature_png: bytes | None = None  # where the mediator signed on the screen too
    # The beneficiary's signature as the desk read it when it was checked (clean_signature): drawn from those pixels
    # rather than decoded again. Only ever the same PNG as signature_png; never stored.
    signature: "Signature | None" = field(default=None, compare=False, repr=False)


def render_receipt(data: ReceiptData, copies: tuple[str, ...] = COPIES, duplicate: bool = False) -> bytes:
    """Draw each copy asked for, in order, each from a fresh page; stamp every page when a duplicate."""
    words = Words(data.language)
    if not copies or any(copy not in COPIES for copy in copies):
        raise ReceiptError(f"copies must be taken from {', '.join(COPIES)}")
    if data.payment not in PAYMENTS:
        raise ReceiptError(f"payment must be one of {', '.join(PAYMENTS)}")
    if data.signature_png is None and not data.signed_on_paper:
        raise ReceiptError("a receipt is signed: give the signature, or say it was signed on paper")
    if data.signature is not None and data.signature.png == data.signature_png:
        signature = data.signature.printed
    else:
        signature = _signature_image(data.signature_png) if data.signature_png is not None else None
    mediator_signature = (
        _signature_image(data.mediator_signature_png) if data.mediator_signature_png is not None else None
    )

    out = io.BytesIO()
    canvas = new_canvas(
        out, title=f"{words['receipt_title']} {data.number}", author=data.charity, created=data.issued_at
    )
    for index, copy in enumerate(copies):
        if index:
            canvas.showPage()
        _draw_copy(canvas, data, words, copy, duplicate, signature, mediator_signature)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _signature_image(png: bytes) -> GreyImage:
    """The signature flattened onto white, in grey levels, no larger than its box needs: a few kilobytes.

    Prepared anew for every receipt: each handover brings a new signature, so a cache would hit only on a retry
    and would keep people's signatures in memory meanwhile."""
    return Signature.read(png).printed


class Signature:
    """A drawn signature decoded once: what the desk checks (is anything drawn, is there ink enough) and what the
    receipt prints come from the same pixels. It lives as long as the request that brought it."""

    __slots__ = ("_printed", "paper", "png")

    def __init__(self, png: bytes, image: Image.Image) -> None:
        """`image`: `png` opened and loaded (its format and size checked by the caller)."""
        self.png = png
        self.paper = _on_paper(image)
        self._printed: GreyImage | None = None

    @classmethod
    def read(cls, png: bytes) -> "Signature":
        try:
            image = Image.open(io.BytesIO(png))
            if image.format != "PNG":
                raise ReceiptError("the signature must be a PNG image")
            if image.width * image.height > SIGNATURE_MAX_INPUT_PIXELS:
                raise ReceiptError("the signature image is too large")
            image.load()
        except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
            raise ReceiptError("the signature is not a readable PNG image") from exc
        return cls(png, image)

    @property
    def blank(self) -> bool:
        """One flat colour once on white: a pad nobody drew on."""
        lightest, darkest = self.paper.getextrema()
        return lightest == darkest

    @property
    def ink_mm2(self) -> float:
        return _ink_mm2(self.paper)

    @property
    def printed(self) -> GreyImage:
        if self._printed is None:
            image = self.paper
            if image.width > SIGNATURE_MAX_PIXELS[0] or image.height > SIGNATURE_MAX_PIXELS[1]:
                image = image.copy()
                image.thumbnail(SIGNATURE_MAX_PIXELS, Image.Resampling.LANCZOS)
            # Paper white where a scan or a camera left grey noise, and eight levels of ink: the stroke keeps its
            # smooth edges and the picture compresses to a few kilobytes whatever it came from.
            self._printed = grey_image(image.point(_INK_LEVELS))
        return self._printed


def _on_paper(image: Image.Image) -> Image.Image:
    """The picture flattened onto white paper, in grey levels (a transparent pad is white where nobody drew, whether
    it says so by an alpha channel or by a transparent colour)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        if image.mode != "RGBA":
            image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, "white")
        background.alpha_composite(image)
        image = background
    return image.convert("L")


def _ink_mm2(paper: Image.Image) -> float:
    """The ink a drawn signature puts on the receipt: the area, in mm², that prints darker than paper white once
    the picture (flattened on white) is fitted in its box at 200 dpi. A pad larger than the box is shrunk to it
    first, so that a stray dot on a huge pad averages away to nothing; a pad no larger is only enlarged, each of
    its pixels then covering scale² pixels of print, counted so without resizing it (a tenth of the cost). Drawn
    strokes measure as enlarging them measured (±6 %); a one-pixel hairline now measures the same wherever it lies
    on the pad's grid, where enlarging it printed it one or two pixels thick by its position (0.55–1.13× this)."""
    box_w, box_h = SIGNATURE_MAX_PIXELS
    scale = min(box_w / paper.width, box_h / paper.height)
    if scale >= 1:
        inked = sum(paper.histogram()[:_PAPER_WHITE]) * scale * scale
    else:
        size = (max(1, round(paper.width * scale)), max(1, round(paper.height * scale)))
        # Darker than paper white once printed: below the first level _INK_LEVELS turns white.
        inked = sum(paper.resize(size, Image.Resampling.BOX).histogram()[:_PAPER_WHITE])
    return inked * (25.4 / 200) ** 2


def _stamp(canvas: Canvas, text: str) -> None:
    """A large grey word across the page, under everything else."""
    canvas.saveState()
    canvas.setFillGray(0.85)
    canvas.setFont(FONT_BOLD, 96)
    canvas.translate(PAGE_W / 2, PAGE_H / 2)
    canvas.rotate(35)
    canvas.drawCentredString(0, -34, text)
    canvas.restoreState()


def voucher_groups(code: str) -> str:
    """A voucher code in groups of four, as people read it out and type it: 7391 4420 1187 23."""
    plain = "".join(ch for ch in code if ch.isalnum())
    return " ".join(plain[i : i + 4] for i in range(0, len(plain), 4))


def _draw_copy(
    canvas: Canvas,
    data: ReceiptData,
    words: Words,
    copy: str,
    duplicate: bool,
    signature: GreyImage | None,
    mediator_signature: GreyImage | None,
) -> None:
    copy_name = words[f"copy_{copy}"]
    pages = [0]

    def header(canvas: Canvas) -> float:
        pages[0] += 1
        if duplicate:
            _stamp(canvas, words["duplicate"])
        canvas.setFillGray(0)
        top = PAGE_H - MARGIN
        right = PAGE_W - MARGIN
        # Left: who hands over, where.
        left_w = PAGE_W / 2 - MARGIN
        y = top - 15
        for line in wrap(data.charity, left_w, 15, bold=True):
            canvas.setFont(FONT_BOLD, 15)
            canvas.drawString(MARGIN, y, line)
            y -= 17
        canvas.setFont(FONT_BOLD, BODY)
        canvas.drawString(MARGIN, y, printable(data.site_name))
        canvas.setFont(FONT, BODY)
        for line in wrap(data.site_address, left_w, BODY):
            y -= BODY * 1.25
            canvas.drawString(MARGIN, y, line)
        # Right: which copy, the number as bars and as text, the date.
        label = copy_name + (f" – {words['duplicate']}" if duplicate else "")
        canvas.setFont(FONT_BOLD, 10)
        label_w = canvas.stringWidth(printable(label), FONT_BOLD, 10)
        canvas.rect(right - label_w - 12, top - 16, label_w + 12, 16, stroke=1, fill=0)
        canvas.drawRightString(right - 6, top - 11.5, printable(label))
        bars_y = top - 26 - BARCODE_HEIGHT
        symbol_w = len(code128_pattern(data.number)) * BARCODE_MODULE
        draw_code128(
            canvas, data.number, right - quiet_zone(BARCODE_MODULE) - symbol_w, bars_y, BARCODE_MODULE, BARCODE_HEIGHT
        )
        canvas.setFont(FONT_BOLD, 11)
        canvas.drawRightString(right, bars_y - 13, printable(f"{words['receipt_number']} {data.number}"))
        canvas.setFont(FONT, BODY)
        issued = f"{words['date']}{words.colon}{words.date(data.issued_at)} {data.issued_at:%H:%M}"
        canvas.drawRightString(right, bars_y - 26, printable(issued))
        # Footer.
        canvas.setFont(FONT, 7.5)
        canvas.drawString(MARGIN, MARGIN - 10, printable(f"{data.number} · {copy_name}"))
        canvas.drawRightString(right, MARGIN - 10, words["page"].format(page=pages[0]))
        y = min(y, bars_y - 26) - 24
        canvas.setFont(FONT_BOLD, 14)
        title = words["receipt_title"]
        if data.kind in ("topup", "swap"):
            title = f"{title} – {words[f'title_{data.kind}']}"
        canvas.drawString(MARGIN, y, printable(title))
        return y - 8

    cursor = Cursor(canvas, header)
    colon = words.colon
    cursor.text(f"{words['handed_by']}{colon}{data.mediator}", BODY)
    cursor.text(f"{words['handed_to']}{colon}{data.beneficiary}", BODY, bold=True)

    device = data.device
    if device is not None:
        rows = [
            (words["kind"], words.word(device.kind)),
            (words["brand_model"], " ".join(part for part in (device.brand, device.model) if part)),
            (words["asset_tag"], device.asset_tag),
        ]
        if device.serial:
            rows.append((words["serial"], device.serial))
        if device.imei:
            rows.append((words["imei"], device.imei))
        # The person's copy speaks plainly: the grade in words; the association's keeps the grade's code too.
        grade = words.word(f"grade_{device.grade}") if device.grade else ""
        if device.grade and copy == "association":
            grade = f"{grade} ({words['grade']} {device.grade})"
        rows.append((words["grade"], " · ".join(part for part in (grade, words["condition"]) if part)))
        method = words.word(f"method_{device.erasure_code}") if device.erasure_code else device.erasure_method
        if not device.erased_on:
            erasure = words["erasure_none"]
        elif device.erasure_certified:
            erasure = words["erasure_certified"].format(date=words.date(device.erased_on), method=method)
        else:
            erasure = words["erasure_done"].format(date=words.date(device.erased_on), method=method)
        rows.append((words["erasure"], erasure))
        _section(cursor, words["device"], rows)

    line = data.connectivity
    if line is not None:
        rows = [(words["operator"], line.operator), (words["offer"], line.offer)]
        if line.iccid:
            # Whole, as the operator's hotline and a text search ask for it.
            rows.append((words["iccid"], line.iccid))
        if line.valid_until:
            rows.append((words["valid_until"], words.date(line.valid_until)))
        if line.voucher_code and copy == "beneficiary":
            rows.append((words["voucher"], voucher_groups(line.voucher_code)))
        if line.instructions:
            rows.append((words["instructions"], line.instructions))
        _section(cursor, words["connectivity"], rows)

    if data.kind == "swap" and (data.replaced_device or data.replaced_receipt):
        rows = []
        if data.replaced_device:
            rows.append((words["replaces_device"], data.replaced_device))
        if data.replaced_receipt:
            rows.append((words["first_receipt"], data.replaced_receipt))
        _section(cursor, words["swap"], rows)

    contribution = (
        words["free"]
        if data.payment == "free" or not data.contribution_eur
        else (f"{words.money(data.contribution_eur)} ({words[data.payment]})")
    )
    rows = []
    # A top-up gives connectivity only: no accessories row unless some were given.
    if data.accessories or data.device is not None:
        rows.append((words["accessories"], ", ".join(data.accessories) or words["none"]))
    rows.append((words["contribution"], contribution))
    if data.warranty_months:
        rows.append(
            (
                words["warranty"],
                words["warranty_line"].format(months=data.warranty_months, until=words.date(data.warranty_until)),
            )
        )
    _section(cursor, "", rows)
    if data.warranty_months and data.warranty_terms:
        cursor.text(data.warranty_terms, SMALL, x=MARGIN + LABEL_COLUMN)
    if data.notice_version or data.notice_where:
        cursor.space(6)
        cursor.text(words["notice_line"].format(version=data.notice_version, where=data.notice_where), SMALL)

    _signatures(cursor, data, words, signature, mediator_signature)


def _section(cursor: Cursor, title: str, rows: list[tuple[str, str]]) -> None:
    """A heading and a column of label: value rows; the heading never alone at the bottom of a page."""
    cursor.space(8)
    canvas = cursor.canvas
    if title:
        cursor.need(12 + 2 * BODY * 1.3)
        cursor.y -= 12
        canvas.setFont(FONT_BOLD, 10.5)
        canvas.drawString(MARGIN, cursor.y + 2, printable(title))
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, cursor.y, PAGE_W - MARGIN, cursor.y)
        cursor.y -= 2
    value_x = MARGIN + LABEL_COLUMN
    value_w = PAGE_W - MARGIN - value_x
    for label, value in rows:
        lines = wrap(value, value_w, BODY)
        cursor.need(len(lines) * BODY * 1.3)
        canvas.setFont(FONT, BODY)
        canvas.setFillGray(0.3)
        canvas.drawString(MARGIN, cursor.y - BODY * 1.05, printable(label))
        canvas.setFillGray(0)
        for line in lines:
            cursor.y -= BODY * 1.3
            canvas.drawString(value_x, cursor.y + BODY * 0.25, line)


def _signatures(
    cursor: Cursor,
    data: ReceiptData,
    words: Words,
    signature: GreyImage | None,
    mediator_signature: GreyImage | None,
) -> None:
    """Both names on every copy; each signature as taken: drawn on the screen, or a line to sign on paper."""
    box_w, box_h = SIGNATURE_BOX
    cursor.space(10)
    cursor.need(12 + 16 + box_h + 22)
    canvas = cursor.canvas
    cursor.y -= 12
    canvas.setFont(FONT_BOLD, 10.5)
    canvas.drawString(MARGIN, cursor.y + 2, printable(words["signatures"]))
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, cursor.y, PAGE_W - MARGIN, cursor.y)
    columns = (
        (MARGIN, words["beneficiary_signature"], data.beneficiary, signature),
        (PAGE_W / 2 + 5 * mm, words["mediator_signature"], data.mediator, mediator_signature),
    )
    top = cursor.y - 14
    box_top = top - BODY * 1.3 - 6
    for x, role, name, image in columns:
        canvas.setFont(FONT_BOLD, BODY)
        canvas.drawString(x, top, printable(role))
        canvas.setFont(FONT, BODY)
        canvas.drawString(x, top - BODY * 1.3, printable(name))
        if image is not None:
            draw_image(canvas, image, x, box_top - box_h, box_w, box_h, anchor="sw")
        elif data.signed_on_paper:
            # On paper, each signs on a line, under a word that says so.
            canvas.setFont(FONT, SMALL)
            canvas.setFillGray(0.4)
            canvas.drawString(x, box_top - box_h + 4, printable(words["sign_here"]))
            canvas.setFillGray(0)
            canvas.line(x, box_top - box_h, x + box_w, box_top - box_h)
        else:
            # The person signed on the screen; the mediator handed over under their own account, at this time.
            canvas.setFont(FONT, SMALL)
            recorded = words["recorded_by"].format(
                date=words.date(data.issued_at), time=f"{data.issued_at:%H:%M}", name=data.mediator
            )
            for index, line in enumerate(wrap(recorded, box_w, SMALL)):
                canvas.drawString(x, box_top - box_h / 2 - index * SMALL * 1.3, line)
    if data.signed_on_paper:
        canvas.setFont(FONT, SMALL)
        canvas.drawString(MARGIN, box_top - box_h - 12, printable(words["signed_on_paper"]))
        cursor.y = box_top - box_h - 18
    else:
        cursor.y = box_top - box_h - 6
