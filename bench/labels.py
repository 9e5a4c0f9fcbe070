"""Label benchmark: 1,000 device labels into one PDF, against the usual approach, in the same run.

The usual approach renders each barcode to a PNG with python-barcode's ImageWriter and embeds
the picture in the label; Bagage draws the bars as vector rectangles. Prints figures; not a test.

    .venv/bin/python bench/labels.py [--labels 1000] [--stock brother_62x29]

Targets (issue 4): >= 15x the baseline's speed, >= 1,000 labels/s, <= 2 KB per label.
"""

import argparse
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _setup import parse_args  # noqa: E402
from barcode import Code128  # noqa: E402
from barcode.writer import ImageWriter  # noqa: E402
from reportlab.lib.utils import ImageReader  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from labels.data import DeviceLabel  # noqa: E402
from labels.layout import fit_text  # noqa: E402
from labels.pdf import render_pdf  # noqa: E402
from labels.stocks import STOCKS, Stock  # noqa: E402
from labels.typeface import FONT, FONT_BOLD  # noqa: E402


def make_labels(count: int, with_url: bool) -> list[DeviceLabel]:
    return [
        DeviceLabel(
            asset_tag=f"SDTE26-{n:04d}",
            title="Samsung Galaxy A52",
            kind="Smartphone",
            specs="4 Go RAM · 64 Go eMMC",
            grade="Grade A",
            erasure="Effacé le 20/11/2026",
            url=f"https://bagage.example.org/devices/SDTE26-{n:04d}/" if with_url else "",
        )
        for n in range(1, count + 1)
    ]


def png_as_usual(payload: str, stock: Stock) -> ImageReader:
    """What the python-barcode docs show: Code128(…, writer=ImageWriter()).write(file) with its defaults."""
    png = io.BytesIO()
    Code128(payload, writer=ImageWriter()).write(png)
    png.seek(0)
    return ImageReader(png)


def png_tuned(payload: str, stock: Stock) -> ImageReader:
    """The same, tuned: no human-readable line, a lower symbol, the image handed over without PNG."""
    return ImageReader(
        Code128(payload, writer=ImageWriter()).render(
            {"module_width": 0.2, "module_height": 8.0, "quiet_zone": 2.0, "write_text": False, "dpi": stock.dpi}
        )
    )


def baseline_pdf(labels: list[DeviceLabel], stock: Stock, barcode_image=png_as_usual) -> bytes:
    """The usual way: a PNG per barcode from python-barcode's ImageWriter, placed as a picture."""
    mm = 72 / 25.4
    width, height = stock.label_width_mm * mm, stock.label_height_mm * mm
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), pageCompression=1)
    for label in labels:
        content = label.content()
        image = barcode_image(content.barcode, stock)
        pad = stock.padding_mm * mm
        canvas.drawImage(image, pad, height * 0.55, width - 2 * pad, height * 0.4)
        y = height * 0.55
        for index, line in enumerate((content.heading, *content.lines)):
            size = 9 if index == 0 else 6
            text, size = fit_text(line, int(width - 2 * pad), size, 4, index == 0)
            y -= size + 1
            canvas.setFont(FONT_BOLD if index == 0 else FONT, size)
            canvas.drawString(pad, y, text)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def timed(function, *args) -> tuple[float, bytes]:
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--labels", type=int, default=1000)
    parser.add_argument("--stock", default="brother_62x29", choices=list(STOCKS))
    args = parse_args(parser, labels=50)
    stock = STOCKS[args.stock]
    labels = make_labels(args.labels, with_url=False)

    render_pdf(labels[:10], stock)  # warm the font metrics and imports for every contender
    baseline_pdf(labels[:10], stock)
    baseline_pdf(labels[:10], stock, png_tuned)
    base_s, base_pdf = timed(baseline_pdf, labels, stock)
    tuned_s, tuned_pdf = timed(baseline_pdf, labels, stock, png_tuned)
    ours_s, ours_pdf = timed(render_pdf, labels, stock)
    n = len(labels)
    print(f"Bagage label benchmark — {n} device labels, one PDF, stock {stock.name}")
    print(
        f"baseline, ImageWriter PNG as documented: {n / base_s:8,.0f} labels/s  {len(base_pdf) / n:8,.0f} bytes/label"
    )
    print(
        f"baseline, ImageWriter tuned, no PNG:     {n / tuned_s:8,.0f} labels/s  {len(tuned_pdf) / n:8,.0f} bytes/label"
    )
    print(
        f"bagage, vector bars:                     {n / ours_s:8,.0f} labels/s  {len(ours_pdf) / n:8,.0f} bytes/label"
    )
    print(
        f"speed-up: {base_s / ours_s:.1f}x the baseline (target >= 15x), {tuned_s / ours_s:.1f}x the tuned variant; "
        f"{len(base_pdf) / len(ours_pdf):.1f}x smaller; targets >= 1,000 labels/s and <= 2,048 bytes/label"
    )
    for name in ("zebra_4x2", "avery_l7163"):
        with_qr = make_labels(n, with_url=True)
        seconds, content = timed(render_pdf, with_qr, STOCKS[name])
        print(f"  {name} with QR codes: {n / seconds:,.0f} labels/s, {len(content) / n:,.0f} bytes/label")


if __name__ == "__main__":
    main()
