"""A signature is embedded exactly as reportlab's drawImage embeds the same pixels, once per document."""

import io
import zlib
from dataclasses import replace

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw
from reportlab.lib.utils import ImageReader

from common.exceptions import ValidationFailed
from distribution.validators import clean_signature
from labels import a4
from labels import receipt as receipt_module
from labels.a4 import GreyImage, grey_image
from labels.receipt import render_receipt
from tests.labels.test_receipt import receipt, signature_png


def _draw_with_reportlab(canvas, image: GreyImage, x, y, width, height, anchor):
    pixels = Image.frombytes("L", (image.width, image.height), zlib.decompress(image.stream))
    canvas.drawImage(ImageReader(pixels), x, y, width, height, preserveAspectRatio=True, anchor=anchor)


@pytest.mark.parametrize(
    "signatures",
    [
        {"signature_png": signature_png(400, 150)},
        {"signature_png": signature_png(2400, 900), "mediator_signature_png": signature_png(300, 200)},
        {"signature_png": None, "signed_on_paper": True, "mediator_signature_png": signature_png(400, 150)},
    ],
)
def test_a_signature_is_embedded_byte_for_byte_as_reportlabs_draw_image_embeds_it(signatures, monkeypatch):
    data = receipt(**signatures)
    # Deflated as reportlab deflates (zlib's default): the rest of the embedding must be reportlab's, byte for byte.
    monkeypatch.setattr(a4, "deflate_runs", zlib.compress)
    prepared = render_receipt(data)
    monkeypatch.setattr(receipt_module, "draw_image", _draw_with_reportlab)
    assert render_receipt(data) == prepared


@pytest.mark.parametrize("size", [(400, 150), (2400, 900), (120, 60)])
def test_a_signature_deflated_by_runs_prints_the_same_pixels(size, monkeypatch):
    data = receipt(signature_png=signature_png(*size), mediator_signature_png=signature_png(300, 200))
    by_runs = render_receipt(data)
    monkeypatch.setattr(a4, "deflate_runs", zlib.compress)
    as_reportlab = render_receipt(data)
    assert by_runs != as_reportlab
    for page in range(2):
        drawn = [
            pdfium.PdfDocument(pdf)[page].render(scale=200 / 72, grayscale=True).to_pil()
            for pdf in (by_runs, as_reportlab)
        ]
        assert drawn[0].tobytes() == drawn[1].tobytes()


@pytest.mark.parametrize(
    "data", [b"", b"\xff" * 60_000, bytes(range(256)) * 300, bytes((n * 7919) % 251 for n in range(50_000))]
)
def test_deflate_runs_is_a_flate_stream(data):
    assert zlib.decompress(a4.deflate_runs(data)) == data


def test_the_same_signature_twice_is_embedded_once_and_two_signatures_twice():
    png = signature_png(400, 150)
    assert render_receipt(receipt(signature_png=png, mediator_signature_png=png)).count(b"/Subtype /Image") == 1
    other = signature_png(420, 150)
    assert render_receipt(receipt(signature_png=png, mediator_signature_png=other)).count(b"/Subtype /Image") == 2


def test_a_grey_image_is_made_of_grey_levels_only():
    with pytest.raises(ValueError):
        grey_image(Image.new("RGB", (4, 4), "white"))


@pytest.mark.parametrize("size", [(400, 150), (1900, 700), (120, 60)])
def test_a_receipt_drawn_from_the_pixels_the_desk_checked_is_the_receipt_drawn_from_the_stored_png(size):
    # The handover draws the receipt from the signature clean_signature decoded; a receipt drawn again from the
    # snapshot's PNG (a duplicate, a check) must come out the same, byte for byte.
    png = signature_png(*size)
    checked = clean_signature(png, signed_on_paper=False)
    assert checked.png == png
    data = receipt(signature_png=png)
    assert render_receipt(replace(data, signature=checked)) == render_receipt(data)


def test_a_checked_signature_is_used_only_for_the_png_it_was_read_from():
    checked = clean_signature(signature_png(400, 150), signed_on_paper=False)
    data = receipt(signature_png=signature_png(420, 150))
    assert render_receipt(replace(data, signature=checked)) == render_receipt(data)
    assert render_receipt(replace(data, signature=checked)) != render_receipt(receipt(signature_png=checked.png))


def _transparent_colour_png(drawn: bool) -> bytes:
    # An RGB pad that marks its background transparent by a colour (tRNS), not by an alpha channel.
    image = Image.new("RGB", (400, 150), (0, 255, 0))
    if drawn:
        ImageDraw.Draw(image).line([(20, 100), (200, 30), (380, 110)], fill=(10, 20, 90), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG", transparency=(0, 255, 0))
    return out.getvalue()


def test_a_pad_transparent_by_a_colour_is_checked_and_printed_on_white():
    checked = clean_signature(_transparent_colour_png(drawn=True), signed_on_paper=False)
    assert checked.paper.getpixel((0, 0)) == 255  # the background is paper white, as the check saw it
    assert checked.paper.getpixel((110, 65)) < 100  # the stroke prints
    with pytest.raises(ValidationFailed) as refused:
        clean_signature(_transparent_colour_png(drawn=False), signed_on_paper=False)
    assert refused.value.code == "signature_required"
