"""Every stock's codes keep their quiet zones and decode in 1-bit renders at the printer's resolution,
with two readers nobody here wrote: zxing-cpp and zbar (zbarimg)."""

import os
import shutil
import subprocess

import numpy as np
import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from labels.data import DeviceLabel, KitLabel, ShelfLabel, SimLabel
from labels.layout import QR_QUIET_MODULES, QUIET_ZONE_MODULES, layout_label
from labels.pdf import render_pdf
from labels.stocks import MM_PER_INCH, STOCKS

LABELS = [
    DeviceLabel(
        asset_tag="LYPC26-0042",
        title="Lenovo ThinkPad T480s",
        kind="Ordinateur portable",
        specs="8 Go · 256 Go SSD",
        grade="A",
        erasure="Effacé le 20/11/2026",
        url="https://bagage.example.org/devices/LYPC26-0042/",
    ),
    KitLabel(
        allocation="A-2026-000123",
        referral="Orientation #42",
        initials="Ł. Д.",
        hold="À retirer avant le 10/12/2026",
        site="SD Saint-Denis",
        asset_tag="SDTE26-0042",
        sim="SIM ••••1234",
    ),
    SimLabel(iccid="8933150319000000042", offer="SFR La Carte 10 Go", expiry="Expire le 30/06/2027"),
    ShelfLabel(location="A-01", site="SD Saint-Denis"),
]


def one_bit(content: bytes, dpi: int) -> Image.Image:
    """The first page as a printer prints it: every pixel black or white, no anti-aliasing."""
    page = pdfium.PdfDocument(content)[0]
    image = page.render(scale=dpi / 72, grayscale=True, no_smoothpath=True, no_smoothtext=True).to_pil()
    return image.convert("L").point(lambda level: 255 if level >= 128 else 0).convert("1")


def zbar(image: Image.Image, tmp_path) -> list[str]:
    if not shutil.which("zbarimg"):
        if os.environ.get("CI"):
            raise AssertionError("zbarimg (zbar-tools) is missing: .ci/run installs it")
        pytest.skip("zbarimg (zbar-tools) is not installed")
    path = tmp_path / "label.png"
    image.save(path)
    out = subprocess.run(["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True)
    return out.stdout.split()


def payloads(label) -> set[str]:
    content = label.content()
    return {content.barcode} | ({content.qr_url} if content.qr_url else set())


def expected(label, stock) -> set[str]:
    layout = layout_label(label.content(), stock)
    found = {layout.qr.payload} if layout.qr else set()
    return found | ({layout.bars.payload} if layout.bars else set())


# Each stock at its printer's resolution; the A4 sheets also at what office and thermal printers may have.
CASES = [(stock, stock.dpi) for stock in STOCKS.values()] + [
    (STOCKS[name], dpi) for name in ("avery_l7163", "avery_l7651") for dpi in (150, 203)
]


@pytest.mark.parametrize(("stock", "dpi"), CASES, ids=[f"{s.name}@{d}" for s, d in CASES])
@pytest.mark.parametrize("label", LABELS, ids=lambda label: type(label).__name__)
def test_every_code_decodes_in_a_one_bit_render_with_zxing_and_zbar(stock, dpi, label, tmp_path):
    image = one_bit(render_pdf([label], stock), dpi)
    wanted = expected(label, stock)
    assert layout_label(label.content(), stock).bars or stock.name == "avery_l7651"
    assert {found.text for found in zxingcpp.read_barcodes(image)} == wanted
    assert set(zbar(image, tmp_path)) == wanted


@pytest.mark.parametrize("stock", STOCKS.values(), ids=list(STOCKS))
@pytest.mark.parametrize("label", LABELS, ids=lambda label: type(label).__name__)
def test_quiet_zones_are_white_on_the_printed_label(stock, label):
    """Ten modules around a Code 128 (its ends and above it), four around a QR code, inside the label."""
    layout = layout_label(label.content(), stock)
    left_mm, top_mm = stock.cell_origin_mm(1)
    origin_x = round(left_mm / MM_PER_INCH * stock.dpi)
    origin_y = round(top_mm / MM_PER_INCH * stock.dpi)
    ink = np.array(one_bit(render_pdf([label], stock), stock.dpi)) == 0  # True where black

    def white(x0: int, y0: int, x1: int, y1: int) -> bool:
        assert 0 <= x0 and 0 <= y0 and x1 <= layout.width and y1 <= layout.height, "quiet zone outside the label"
        # One dot of tolerance where the sheet's cell does not fall on a whole pixel.
        return not ink[origin_y + y0 + 1 : origin_y + y1 - 1, origin_x + x0 + 1 : origin_x + x1 - 1].any()

    bars = layout.bars
    if bars is not None:
        quiet = QUIET_ZONE_MODULES * bars.module
        assert white(bars.x - quiet, bars.y, bars.x, bars.y + bars.height)  # left
        assert white(bars.x + bars.width, bars.y, bars.x + bars.width + quiet, bars.y + bars.height)  # right
        assert white(bars.x - quiet, bars.y - quiet, bars.x + bars.width + quiet, bars.y)  # above
        assert ink[origin_y + bars.y + 2, origin_x + bars.x + 1]  # and the bars are where the layout says
    qr = layout.qr
    if qr is not None:
        quiet = QR_QUIET_MODULES * qr.module
        x0, y0, x1, y1 = qr.x, qr.y, qr.x + qr.size, qr.y + qr.size
        assert white(x0 - quiet, y0 - quiet, x1 + quiet, y0)  # above
        assert white(x0 - quiet, y1, x1 + quiet, y1 + quiet)  # below
        assert white(x0 - quiet, y0, x0, y1)  # left
        assert white(x1, y0, x1 + quiet, y1)  # right
        assert ink[origin_y + y0 + 1, origin_x + x0 + 1]  # a finder pattern's corner
