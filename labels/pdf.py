"""Labels to PDF with reportlab: every bar a vector rectangle, text in the embedded fonts (labels.typeface)."""

import io
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from reportlab import rl_config

from labels.layout import Layout, layout_label, mm_to_points
from labels.stocks import Stock
from labels.typeface import FONT, FONT_BOLD, Canvas

# Our PDFs are 8-bit clean: ASCII85 would only make every stream a quarter larger and slower.
rl_config.useA85 = 0

DARK_RUN = re.compile("1+")


@lru_cache(maxsize=4096)
def bar_runs(pattern: str) -> tuple[tuple[int, int], ...]:
    """(first module, width in modules) of each bar."""
    return tuple((m.start(), m.end() - m.start()) for m in DARK_RUN.finditer(pattern))


def _row_runs(row: Iterable[bool]) -> list[tuple[int, int]]:
    return bar_runs("".join("1" if dark else "0" for dark in row))


def _draw(canvas: Canvas, layout: Layout, stock: Stock, left: float, bottom: float) -> None:
    """Draw one label whose bottom-left corner is at (left, bottom) in points on the page.

    The label is drawn in its printer's dots (y up from the label's bottom edge), under one
    scale: every coordinate is a whole number of dots, as the printer will place it.
    """
    height = layout.height
    canvas.saveState()
    canvas.translate(left, bottom)
    scale = 72.0 / stock.dpi
    canvas.scale(scale, scale)
    canvas.setFillGray(0)
    bars = layout.bars
    if bars is not None:
        top = height - bars.y - bars.height
        # One path of rectangles, filled once.
        canvas.addLiteral(
            "\n".join(
                f"{bars.x + start * bars.module} {top} {length * bars.module} {bars.height} re"
                for start, length in bar_runs(bars.pattern)
            )
            + "\nf"
        )
    for text in layout.texts:
        canvas.setFont(FONT_BOLD if text.bold else FONT, text.size)
        # Baseline at about 80 % of the line box: Noto Sans's capitals and ascenders stay inside it.
        canvas.drawString(text.x, height - text.y - text.size * 0.8, text.text)
    if layout.qr:
        qr = layout.qr
        cells = []
        for row_index, row in enumerate(qr.matrix):
            row_y = height - qr.y - (row_index + 1) * qr.module
            cells.extend(
                f"{qr.x + start * qr.module} {row_y} {length * qr.module} {qr.module} re"
                for start, length in _row_runs(row)
            )
        canvas.addLiteral("\n".join(cells) + "\nf")
    canvas.restoreState()


def render_pdf(contents: Sequence, stock: Stock, start: int = 1, title: str = "Bagage labels") -> bytes:
    """Render labels (anything with .content()) onto `stock`, from position `start` of the first sheet."""
    if start < 1 or (not stock.is_sheet and start != 1) or start > stock.per_page:
        raise ValueError(f"start must be between 1 and {stock.per_page} on {stock.name}")
    layouts = [layout_label(item.content(), stock) for item in contents]
    page_w, page_h = stock.page_size_mm
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(mm_to_points(page_w), mm_to_points(page_h)), pageCompression=1, invariant=1)
    canvas.setTitle(title)
    canvas.setCreator("Bagage")
    position = start
    for index, layout in enumerate(layouts):
        if index and (position - 1) % stock.per_page == 0:
            canvas.showPage()
        left_mm, top_mm = stock.cell_origin_mm(position)
        _draw(canvas, layout, stock, mm_to_points(left_mm), mm_to_points(page_h - top_mm - stock.label_height_mm))
        position += 1
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
