"""Place a label's parts in printer dots (origin top-left, y down), the same for PDF and ZPL.

Bars come from the module pattern python-barcode computes for Code 128; each module is a whole
number of printer dots, so that a thermal printer prints every bar the same width.
"""

from dataclasses import dataclass
from functools import lru_cache

import qrcode
from barcode import Code128
from barcode.errors import IllegalCharacterError
from reportlab.pdfbase.pdfmetrics import stringWidth

from labels.data import LabelContent
from labels.stocks import MM_PER_INCH, Stock

QUIET_ZONE_MODULES = 10  # ISO/IEC 15417: at least 10 modules of white on each side
FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
ELLIPSIS = "…"
QR_MASK = 2
MIN_TEXT_MM = 1.6  # about 4.5 pt: the smallest text still read without a loupe


class LabelError(ValueError):
    """A label that cannot be printed as asked."""


class LabelDoesNotFit(LabelError):
    """The barcode cannot be printed scannably on this stock."""


class UnencodableBarcode(LabelError):
    """The text has characters Code 128 cannot carry."""


@dataclass(frozen=True)
class Bars:
    x: int
    y: int
    module: int
    height: int
    pattern: str  # "1101001…": one character per module, 1 = bar
    payload: str

    @property
    def width(self) -> int:
        return len(self.pattern) * self.module


@dataclass(frozen=True)
class Text:
    x: int
    y: int  # top of the line box
    width: int  # the box the text must stay in
    size: int  # font size in dots
    text: str
    bold: bool = False


@dataclass(frozen=True)
class QrCode:
    x: int
    y: int
    module: int
    matrix: tuple[tuple[bool, ...], ...]
    payload: str

    @property
    def size(self) -> int:
        return len(self.matrix) * self.module


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    bars: Bars
    texts: tuple[Text, ...]
    qr: QrCode | None = None


@lru_cache(maxsize=4096)
def code128_pattern(payload: str) -> str:
    try:
        return Code128(payload).build()[0]
    except IllegalCharacterError as exc:
        raise UnencodableBarcode(f"{payload!r} has characters a Code 128 barcode cannot carry.") from exc


def qr_matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    # Any of the 8 masks decodes; trying all of them for the "best" one (what qrcode does by
    # default) costs 6x the time, in pure Python, for every label of a batch.
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=QR_MASK)
    qr.add_data(payload)
    qr.make(fit=True)
    return tuple(tuple(row) for row in qr.get_matrix())


def printable(text: str) -> str:
    """Keep what the printers' built-in fonts can print (Latin-1 / Windows-1252)."""
    return text.encode("cp1252", "replace").decode("cp1252")


def text_width(text: str, size: float, bold: bool) -> float:
    return stringWidth(text, FONT_BOLD if bold else FONT, size)


@lru_cache(maxsize=4096)
def fit_text(text: str, width: int, max_size: int, min_size: int, bold: bool = False) -> tuple[str, int]:
    """Shrink the text to fit its box; at the smallest size, cut it with an ellipsis."""
    text = printable(text.strip())
    size = max_size
    while size > min_size and text_width(text, size, bold) > width:
        size -= 1
    if text_width(text, size, bold) <= width:
        return text, size
    while text and text_width(text + ELLIPSIS, size, bold) > width:
        text = text[:-1]
    return (text.rstrip() + ELLIPSIS) if text else "", size


def layout_label(content: LabelContent, stock: Stock) -> Layout:
    """Barcode across the top, heading and lines below, and a QR code bottom right where there is room."""
    width, height = stock.label_dots
    pad = stock.dots(stock.padding_mm)
    inner_w, inner_h = width - 2 * pad, height - 2 * pad

    pattern = code128_pattern(content.barcode)
    total_modules = len(pattern) + 2 * QUIET_ZONE_MODULES
    module = min(inner_w // total_modules, max(stock.min_module_dots, stock.dots(stock.max_module_mm)))
    if module < stock.min_module_dots:
        raise LabelDoesNotFit(
            f"{content.barcode!r} needs {total_modules * stock.min_module_dots} dots on {stock.name}, "
            f"which has {inner_w}."
        )
    symbol_w = total_modules * module
    # Height: 38 % of the label, and never less than 15 % of the symbol's width (what scanners like).
    bar_h = max(int(inner_h * 0.38), int(symbol_w * 0.15))
    bar_h = min(bar_h, int(inner_h * 0.5))
    bars_x = pad + (inner_w - symbol_w) // 2 + QUIET_ZONE_MODULES * module
    bars = Bars(bars_x, pad, module, bar_h, pattern, content.barcode)

    gap = max(1, stock.dots(0.8))
    text_top = pad + bar_h + gap
    text_h = height - pad - text_top
    text_w = inner_w

    qr = None
    if stock.qr_code and content.qr_url:
        matrix = qr_matrix(content.qr_url)
        qr_module = text_h // len(matrix)
        # Four modules of white between the text and the code (the padding guards the other sides).
        quiet = 4 * qr_module
        if qr_module >= stock.min_module_dots and inner_w - len(matrix) * qr_module - quiet >= inner_w // 2:
            size = len(matrix) * qr_module
            qr = QrCode(pad + inner_w - size, height - pad - size, qr_module, matrix, content.qr_url)
            text_w = inner_w - size - quiet

    rows = (content.heading, *content.lines)
    # The heading gets a taller line than the details.
    weights = [1.5] + [1.0] * len(content.lines)
    unit = text_h / sum(weights)
    min_size = max(1, stock.dots(MIN_TEXT_MM))
    texts = []
    y = float(text_top)
    for index, (row, weight) in enumerate(zip(rows, weights, strict=True)):
        line_h = unit * weight
        bold = index == 0
        max_size = max(min_size, int(line_h * 0.9))
        fitted, size = fit_text(row, text_w, max_size, min_size, bold)
        texts.append(Text(pad, int(y + (line_h - size) / 2), text_w, size, fitted, bold))
        y += line_h
    return Layout(width, height, bars, tuple(texts), qr)


def mm_to_points(mm: float) -> float:
    return mm * 72.0 / MM_PER_INCH
