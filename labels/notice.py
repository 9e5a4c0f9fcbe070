"""The information notice (notice d'information): one A4 page, in plain language, on how Bagage uses
a person's data. Every word comes in the data, already in the reader's language; this only lays it out.
"""

import datetime as dt
import io
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from labels.a4 import FONT, FONT_BOLD, MARGIN, PAGE_H, PAGE_W, new_canvas, wrap

# From the easiest to read to the smallest still comfortable on paper.
SIZES = (11.0, 10.5, 10.0, 9.5, 9.0, 8.5, 8.0, 7.5)
LEADING = 1.3


class NoticeTooLong(ValueError):
    """The texts do not fit on one page, even at the smallest size."""


@dataclass(frozen=True)
class NoticeData:
    title: str  # "Vos données chez Bagage Solidaire"
    version: str  # "Version 3 – septembre 2026"
    charity: str
    contact: str  # lines separated by "\n": address, e-mail, phone
    sections: tuple[tuple[str, str], ...]  # (heading, paragraph): purposes, retention, who sees what, rights, contact
    footer: str = ""
    referral: str = ""  # "Votre orientation : n° 42", only on a notice handed to one person
    published_at: dt.datetime = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # the PDF's creation date


@dataclass(frozen=True)
class _Block:
    text: str
    size: float
    bold: bool
    space_before: float


def _blocks(data: NoticeData, size: float) -> list[_Block]:
    blocks = [
        _Block(data.title, size * 1.7, True, 0),
        _Block(data.version, size * 0.9, False, size * 0.3),
        _Block(data.charity, size, True, size * 0.8),
        _Block(data.contact, size * 0.95, False, 0),
    ]
    if data.referral:
        blocks.append(_Block(data.referral, size, True, size * 0.8))
    for heading, paragraph in data.sections:
        blocks.append(_Block(heading, size * 1.15, True, size * 1.0))
        blocks.append(_Block(paragraph, size, False, size * 0.2))
    return blocks


def _height(blocks: list[_Block], width: float) -> float:
    return sum(
        block.space_before + len(wrap(block.text, width, block.size, block.bold)) * block.size * LEADING
        for block in blocks
    )


def render_notice(data: NoticeData) -> bytes:
    """One page: the largest of SIZES at which everything fits; NoticeTooLong if nothing does."""
    width = PAGE_W - 2 * MARGIN
    footer_h = 0.0
    if data.footer:
        footer_h = len(wrap(data.footer, width, 7.5)) * 7.5 * LEADING + 4 * mm
    room = PAGE_H - 2 * MARGIN - footer_h
    for size in SIZES:
        blocks = _blocks(data, size)
        if _height(blocks, width) <= room:
            break
    else:
        raise NoticeTooLong(f"the notice does not fit on one page, even at {SIZES[-1]} pt")

    out = io.BytesIO()
    canvas = new_canvas(out, title=data.title, author=data.charity, created=data.published_at)
    y = PAGE_H - MARGIN
    for block in blocks:
        y -= block.space_before
        y = _draw_lines(canvas, block, y, width)
    if data.footer:
        canvas.setFillGray(0.35)
        lines = wrap(data.footer, width, 7.5)
        y = MARGIN + (len(lines) - 1) * 7.5 * LEADING
        for line in lines:
            canvas.setFont(FONT, 7.5)
            canvas.drawString(MARGIN, y, line)
            y -= 7.5 * LEADING
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _draw_lines(canvas: Canvas, block: _Block, y: float, width: float) -> float:
    canvas.setFont(FONT_BOLD if block.bold else FONT, block.size)
    for line in wrap(block.text, width, block.size, block.bold):
        y -= block.size * LEADING
        canvas.drawString(MARGIN, y + block.size * 0.25, line)
    return y
