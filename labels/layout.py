"""Place a label's parts in printer dots (origin top-left, y down), the same for PDF and ZPL.

Bars come from the module pattern python-barcode computes for Code 128; each module is a whole
number of printer dots, so that a thermal printer prints every bar the same width.
"""

import math
from dataclasses import dataclass
from functools import lru_cache

import qrcode
from barcode import Code128
from barcode.errors import IllegalCharacterError

from labels.data import LabelContent
from labels.stocks import MM_PER_INCH, Stock
from labels.typeface import normalise, string_width

QUIET_ZONE_MODULES = 10  # ISO/IEC 15417: at least 10 modules of white on each side
QR_QUIET_MODULES = 4  # ISO/IEC 18004: four modules of white around a QR code
ELLIPSIS = "…"
QR_MASK = 2
# Sizes are chosen in points, as a reader sees them, and converted to each stock's dots.
MIN_DETAIL_PT = 4.5  # the smallest text still read without a loupe
MIN_TITLE_PT = 6.0  # below this a model name is a smudge at arm's length: wrap it instead
TITLE_LINES = 2
HEADING_RATIO = 1.4  # the bold heading is this much larger than the title
LEADING = 1.15  # line box height per font size


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
    role: str = "detail"  # "heading", "title" or "detail"


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
    bars: Bars | None  # None on a stock that carries its code as a QR code
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
    """The text as the PDFs draw it (NFC, no control character): the embedded fonts cover every script we accept."""
    return normalise(text)


def text_width(text: str, size: float, bold: bool) -> float:
    return string_width(text, size, bold)


def width_fit(text: str, width: int, bold: bool) -> int:
    """The largest font size, in dots, at which the text is no wider than `width`."""
    unit = text_width(text, 1, bold)
    return int(width / unit) if unit else 1 << 16


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
    """Barcode across the top; heading, title and details below; a QR code bottom right where there is room.

    Every code keeps its quiet zone inside the label, whatever the printer can reach: ten modules of white
    around a Code 128 (ISO/IEC 15417), four around a QR code (ISO/IEC 18004). A stock too narrow for a
    Code 128 whose bars every printer prints (`linear=False`) carries its code as a QR code instead.
    """
    if not stock.linear:
        return _layout_qr_only(content, stock)
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
    # The quiet zone above the bars too: a printer that cannot print to the edge never clips them.
    bars_top = max(pad, QUIET_ZONE_MODULES * module)
    bars_x = pad + (inner_w - symbol_w) // 2 + QUIET_ZONE_MODULES * module
    bars = Bars(bars_x, bars_top, module, bar_h, pattern, content.barcode)

    gap = max(1, stock.dots(0.8))
    text_top = bars_top + bar_h + gap
    text_h = height - pad - text_top
    text_w = inner_w

    qr = None
    if stock.qr_code and content.qr_url:
        matrix = qr_matrix(content.qr_url)
        cells = len(matrix)
        # Four modules of white on every side (to the bars, the text and the label's edges).
        qr_module = (height - bars_top - bar_h) // (cells + 2 * QR_QUIET_MODULES)
        size = cells * qr_module
        quiet = QR_QUIET_MODULES * qr_module
        qr_x = width - quiet - size
        if qr_module >= stock.min_module_dots and qr_x - quiet - pad >= inner_w // 2:
            qr = QrCode(qr_x, height - quiet - size, qr_module, matrix, content.qr_url)
            text_w = qr_x - quiet - pad

    texts = layout_text(content, stock, pad, text_top, text_w, text_h)
    return Layout(width, height, bars, tuple(texts), qr)


def _layout_qr_only(content: LabelContent, stock: Stock) -> Layout:
    """The code as a QR code on the left, its quiet zone inside the label; the text to its right."""
    width, height = stock.label_dots
    pad = stock.dots(stock.padding_mm)
    matrix = qr_matrix(content.barcode)
    cells = len(matrix)
    module = min(height // (cells + 2 * QR_QUIET_MODULES), stock.dots(stock.max_module_mm))
    if module < max(stock.min_module_dots, math.ceil(stock.min_qr_module_mm / MM_PER_INCH * stock.dpi)):
        raise LabelDoesNotFit(f"{content.barcode!r} makes a QR code too large for {stock.name}.")
    quiet = QR_QUIET_MODULES * module
    size = cells * module
    qr = QrCode(quiet, (height - size) // 2, module, matrix, content.barcode)
    left = quiet + size + quiet
    texts = layout_text(content, stock, left, pad, width - pad - left, height - 2 * pad)
    return Layout(width, height, None, tuple(texts), qr)


def _wrap(words: list[str], size: int, width: int, lines: int, cut: bool = False) -> list[str] | None:
    """Break words onto at most `lines` lines at `size`; None if they do not fit whole (unless `cut`)."""
    out: list[str] = []
    current = ""
    for index, word in enumerate(words):
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, False) <= width:
            current = candidate
        elif current and len(out) < lines - 1 and text_width(word, size, False) <= width:
            out.append(current)
            current = word
        elif not cut:
            return None
        else:
            if current and len(out) < lines - 1:
                out.append(current)
                current = ""
            # The last line takes the rest of the words, cut with an ellipsis.
            out.append(fit_text(" ".join(filter(None, [current, *words[index:]])), width, size, size)[0])
            return out
    out.append(current)
    return out


@dataclass(frozen=True)
class _Plan:
    heading: int
    title: tuple[str, ...]
    size: int  # the title's
    detail: int


def _plan_sizes(content: LabelContent, stock: Stock, width: int, height: int) -> _Plan:
    """Choose the heading, title and detail sizes together, so that the details never outgrow the title.

    In order of preference: the title on one line at a readable size or more; the title on two lines
    at a readable size or more; two lines at the readable minimum, the second cut with an ellipsis;
    and on a label too small for that, one line as large as fits, cut with an ellipsis.
    """
    heading = printable(content.heading.strip())
    title = printable(content.title.strip())
    details = [printable(line.strip()) for line in content.lines if line.strip()]
    title_min = max(1, stock.points(MIN_TITLE_PT))
    detail_min = max(1, min(stock.points(MIN_DETAIL_PT), title_min))
    heading_fit = width_fit(heading, width, True) if heading else 0
    ratio = HEADING_RATIO if heading else 0.0
    room = height / LEADING  # in font-size units
    count = len(details)

    def heading_size(size: int) -> int:
        return min(int(size * ratio), heading_fit) if heading else 0

    def vertical(lines: int, size: int) -> tuple[int, int] | None:
        """(heading, detail) sizes that fit with `lines` title lines at `size`, or None."""
        head = heading_size(size)
        if not count:
            return (head, 0) if head + lines * size <= room else None
        detail = min(size, int((room - head - lines * size) / count))
        if detail >= detail_min:
            return head, detail
        # Then the heading gives way, never below the title.
        head = min(head, int(room - lines * size - count * detail_min))
        return (head, detail_min) if head >= min(size, heading_size(size)) else None

    def top(lines: int) -> int:
        return max(1, int(room / (ratio + lines + count)))

    def plan(lines: tuple[str, ...], size: int, head: int, detail: int) -> _Plan:
        # The heading takes back what the title and details leave, up to its size beside a one-line title.
        spare = int(room - len(lines) * size - count * detail)
        natural = heading_size(top(1 if title else 0))
        return _Plan(max(head, min(natural, spare)), lines, size, detail)

    if not title:
        size = top(0)
        return plan((), size, *(vertical(0, size) or (heading_size(size), size)))

    one_line = min(top(1), width_fit(title, width, False))
    if one_line >= title_min:
        return plan((title,), one_line, *(vertical(1, one_line) or (heading_size(one_line), one_line)))

    words = title.split()
    for size in range(max(top(TITLE_LINES), title_min), title_min - 1, -1):
        lines = _wrap(words, size, width, TITLE_LINES)
        sizes = vertical(len(lines), size) if lines else None
        if lines and sizes:
            return plan(tuple(lines), size, *sizes)

    sizes = vertical(TITLE_LINES, title_min)
    if sizes:
        return plan(tuple(_wrap(words, title_min, width, TITLE_LINES, cut=True)), title_min, *sizes)

    size = max(detail_min, one_line)
    head, detail = vertical(1, size) or (heading_size(size), min(size, detail_min))
    return plan((fit_text(title, width, size, size)[0],), size, head, detail)


def layout_text(content: LabelContent, stock: Stock, left: int, top: int, width: int, height: int) -> list[Text]:
    """The heading, the title (wrapped if need be) and the details, spread down the text box."""
    plan = _plan_sizes(content, stock, width, height)
    detail_min = max(1, min(stock.points(MIN_DETAIL_PT), plan.detail))
    details = [line.strip() for line in content.lines if line.strip()]
    # One size for every detail line: the largest at which they all fit, or the smallest readable.
    detail = plan.detail
    for line in details:
        detail = max(detail_min, min(detail, width_fit(printable(line), width, False)))

    groups: list[list[tuple[str, int, str]]] = []
    if content.heading.strip():
        groups.append([(*fit_text(content.heading, width, plan.heading, plan.heading, True), "heading")])
    if plan.title:
        groups.append([(line, plan.size, "title") for line in plan.title])
    groups.extend([(*fit_text(line, width, detail, detail), "detail")] for line in details)

    used = sum(size * LEADING for group in groups for _, size, _ in group)
    extra = max(0.0, height - used) / max(1, len(groups))
    texts = []
    y = float(top)
    for group in groups:
        y += extra / 2
        for text, size, role in group:
            texts.append(Text(left, int(y + size * (LEADING - 1) / 2), width, size, text, role == "heading", role))
            y += size * LEADING
        y += extra / 2
    return texts


def mm_to_points(mm: float) -> float:
    return mm * 72.0 / MM_PER_INCH
