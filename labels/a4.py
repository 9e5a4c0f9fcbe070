"""What the A4 documents share (receipt, information notice, donor certificate): a deterministic
canvas, wrapped text, and a Code 128 drawn as vector bars, as on the labels."""

import datetime as dt
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import BinaryIO

from PIL import Image
from reportlab.lib.boxstuff import aspectRatioFix
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import _digester
from reportlab.pdfbase import pdfdoc

from labels.layout import QUIET_ZONE_MODULES, code128_pattern, printable
from labels.pdf import bar_runs
from labels.typeface import FONT, FONT_BOLD, Canvas, string_width

PAGE_W, PAGE_H = A4
MARGIN = 18 * mm


def new_canvas(out: BinaryIO, *, title: str, author: str, created: dt.datetime) -> Canvas:
    """An A4 canvas whose bytes depend only on what is drawn: no clock, no random file id."""
    canvas = Canvas(out, pagesize=A4, pageCompression=1, invariant=1)
    stamp_pdf_date(canvas, created)
    canvas.setTitle(printable(title))
    canvas.setAuthor(printable(author))
    canvas.setCreator("Bagage")
    return canvas


def stamp_pdf_date(canvas: Canvas, created: dt.datetime) -> None:
    """Give the PDF this creation date, not the clock's: the same data makes the same bytes."""
    stamp = created.strftime("D:%Y%m%d%H%M%S") + _offset(created)
    canvas.setDateFormatter(lambda *_: stamp)


def _offset(moment: dt.datetime) -> str:
    delta = moment.utcoffset()
    if delta is None:
        return ""
    minutes = int(delta.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'"


@lru_cache(maxsize=4096)
def wrap(text: str, width: float, size: float, bold: bool = False) -> tuple[str, ...]:
    """Break text onto lines no wider than `width` (explicit newlines kept).

    Remembered: every document wraps the same words (a receipt, its two copies) at the same few widths.
    """
    lines: list[str] = []
    for paragraph in printable(text).split("\n"):
        lines.extend(_split(paragraph, width, size, bold) or [""])
    return tuple(lines)


def _split(paragraph: str, width: float, size: float, bold: bool) -> list[str]:
    """Greedy, word by word (widths measured as drawn, shaped); a word wider than the line is cut by letters."""
    lines: list[str] = []
    current = ""
    for word in paragraph.split():
        candidate = f"{current} {word}" if current else word
        if string_width(candidate, size, bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while string_width(current, size, bold) > width and len(current) > 1:
            cut = len(current) - 1
            while cut > 1 and string_width(current[:cut], size, bold) > width:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    return lines


def draw_code128(canvas: Canvas, payload: str, x: float, y: float, module: float, height: float) -> float:
    """Draw the bars with their bottom-left corner at (x, y); return the symbol's width, quiet zones excluded.

    The caller leaves QUIET_ZONE_MODULES modules of white on each side.
    """
    pattern = code128_pattern(payload)
    path = canvas.beginPath()
    for start, length in bar_runs(pattern):
        path.rect(x + start * module, y, length * module, height)
    canvas.drawPath(path, stroke=0, fill=1)
    return len(pattern) * module


def quiet_zone(module: float) -> float:
    return QUIET_ZONE_MODULES * module


@dataclass(frozen=True)
class GreyImage:
    """A grey picture as a PDF embeds it: its pixels deflated once, however many documents draw it."""

    name: str  # reportlab's: the digest of the pixels
    width: int
    height: int
    stream: bytes


def grey_image(image: Image.Image) -> GreyImage:
    """The picture (grey levels, mode "L") as reportlab's drawImage embeds an ImageReader of it, and so named;
    only deflated faster (deflate_runs)."""
    if image.mode != "L":
        raise ValueError("a GreyImage is made of grey levels (mode L)")
    pixels = image.tobytes()
    return GreyImage(_digester(pixels + b"None"), image.width, image.height, deflate_runs(pixels))


def deflate_runs(data: bytes) -> bytes:
    """A Flate stream (zlib) that looks for runs of one byte only: what a signature is made of, paper white with
    a few levels of ink. For a 400 × 150 pad: 0.04 ms where zlib's default takes 0.18 ms, for a stream of about
    the same size (within ±7 % either way on the pads tried: a few bytes of a 33 KB receipt)."""
    deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, zlib.MAX_WBITS, 8, zlib.Z_RLE)
    return deflate.compress(data) + deflate.flush()


def draw_image(canvas: Canvas, image: GreyImage, x: float, y: float, width: float, height: float, anchor: str) -> None:
    """Draw the picture in the box as `canvas.drawImage(..., preserveAspectRatio=True, anchor=anchor)` draws it,
    byte for byte, without deflating or digesting its pixels again in every document."""
    canvas._currentPageHasImages = 1
    document = canvas._doc
    name = document.getXObjectName(image.name)
    xobject = document.idToObject.get(name)
    if xobject is None:
        xobject = pdfdoc.PDFImageXObject(image.name)
        xobject.width, xobject.height = image.width, image.height
        xobject.bitsPerComponent = 8
        xobject.colorSpace = "DeviceGray"
        xobject._filters = ("FlateDecode",)
        xobject.streamContent = image.stream
        canvas._setXObjects(xobject)
        document.Reference(xobject, name)
        document.addForm(image.name, xobject)
    x, y, width, height, _ = aspectRatioFix(True, anchor, x, y, width, height, image.width, image.height)
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(width, height)
    canvas._code.append(f"/{name} Do")
    canvas.restoreState()
    canvas._formsinuse.append(image.name)


class Cursor:
    """Top-down writing on A4 pages: a y position, and a fresh page (with its header) when the next block
    does not fit."""

    def __init__(self, canvas: Canvas, new_page: Callable[[Canvas], float], bottom: float = MARGIN) -> None:
        self.canvas = canvas
        self.new_page = new_page
        self.bottom = bottom
        self.pages = 1
        self.y = new_page(canvas)

    def need(self, height: float) -> None:
        if self.y - height < self.bottom:
            self.canvas.showPage()
            self.pages += 1
            self.y = self.new_page(self.canvas)

    def text(
        self,
        text: str,
        size: float,
        *,
        bold: bool = False,
        x: float = MARGIN,
        width: float | None = None,
        leading: float = 1.25,
    ) -> None:
        width = width if width is not None else PAGE_W - MARGIN - x
        for line in wrap(text, width, size, bold):
            self.need(size * leading)
            self.y -= size * leading
            self.canvas.setFont(FONT_BOLD if bold else FONT, size)
            self.canvas.drawString(x, self.y + size * 0.25, line)

    def space(self, height: float) -> None:
        self.y -= height
