"""Read labels back as a scanner would: rasterise the PDF at the printer's dpi, decode with zxing-cpp."""

from dataclasses import dataclass

import pypdfium2 as pdfium
import zxingcpp

MM_PER_INCH = 25.4


@dataclass
class Scanned:
    page: int
    format: str
    text: str
    x_mm: float  # centre, from the page's left
    y_mm: float  # centre, from the page's top


def scan_pdf(content: bytes, dpi: int) -> list[Scanned]:
    document = pdfium.PdfDocument(content)
    found = []
    for page_index in range(len(document)):
        image = document[page_index].render(scale=dpi / 72, grayscale=True).to_pil()
        for barcode in zxingcpp.read_barcodes(image):
            position = barcode.position
            corners = [position.top_left, position.top_right, position.bottom_left, position.bottom_right]
            x = sum(c.x for c in corners) / 4 / dpi * MM_PER_INCH
            y = sum(c.y for c in corners) / 4 / dpi * MM_PER_INCH
            found.append(Scanned(page_index, barcode.format.name, barcode.text, x, y))
    return found


def text_boxes_mm(content: bytes, page_index: int = 0) -> list[tuple[str, float, float, float, float]]:
    """(character, left, top, right, bottom) in mm from the page's top-left, for every character drawn."""
    page = pdfium.PdfDocument(content)[page_index]
    height_pt = page.get_height()
    text_page = page.get_textpage()
    boxes = []
    for index in range(text_page.count_chars()):
        char = text_page.get_text_range(index, 1)
        if not char.strip():
            continue
        left, bottom, right, top = text_page.get_charbox(index)
        to_mm = MM_PER_INCH / 72
        boxes.append((char, left * to_mm, (height_pt - top) * to_mm, right * to_mm, (height_pt - bottom) * to_mm))
    return boxes


def code_format(stock) -> str:
    """The symbology that carries a label's code on this stock: a Code 128, or a QR code where too narrow."""
    return "Code128" if stock.linear else "QRCode"
