"""The fonts' subsets, built once per process, are embedded exactly as reportlab builds them for each PDF."""

import unicodedata

import pytest
from reportlab.pdfbase.ttfonts import TTFont

from labels import subsets, typeface
from labels.notice import render_notice
from labels.receipt import render_receipt
from tests.labels.scripts import NAMES
from tests.labels.test_notice import notice
from tests.labels.test_receipt import receipt

EVERY_SCRIPT = " ".join(" ".join(names) for names in NAMES.values())


@pytest.mark.parametrize("beneficiary", ["Amina Traoré", EVERY_SCRIPT])
def test_a_receipt_embeds_its_font_subsets_byte_for_byte_as_reportlab_makes_them(beneficiary, monkeypatch):
    data = receipt(beneficiary=beneficiary, mediator="Łucja Şükrü")
    subsets._subset_objects.cache_clear()
    first = render_receipt(data)  # builds every subset
    again = render_receipt(data)  # takes them all from the cache
    monkeypatch.setattr(subsets.EmbeddedFont, "addObjects", TTFont.addObjects)
    assert render_receipt(data) == first == again


def test_a_subset_made_for_a_receipt_serves_the_notice_too(monkeypatch):
    render_receipt(receipt())
    cached = render_notice(notice())
    monkeypatch.setattr(subsets.EmbeddedFont, "addObjects", TTFont.addObjects)
    assert render_notice(notice()) == cached


def test_documents_with_other_characters_embed_other_subsets():
    assert render_receipt(receipt(beneficiary="Zoë Ødegård")) != render_receipt(receipt(beneficiary="Zoe Odegard"))


@pytest.mark.parametrize("beneficiary", ["Amina Traoré", EVERY_SCRIPT, "(Zoë) \\ 50 % – «\u00a0ok\u00a0»"])
def test_a_line_is_written_as_reportlabs_text_object_writes_it(beneficiary, monkeypatch):
    data = receipt(beneficiary=beneficiary, mediator="Łucja Şükrü")
    direct = render_receipt(data)
    # Every run is then taken for a shaped one, which reportlab's text object writes.
    monkeypatch.setattr(typeface, "ShapedStr", str)
    assert render_receipt(data) == direct


def test_normalise_composes_and_drops_control_characters_but_newlines():
    def by_category(text: str) -> str:
        text = unicodedata.normalize("NFC", text)
        return "".join(ch for ch in text if unicodedata.category(ch) != "Cc" or ch == "\n")

    every = "".join(chr(code) for code in range(0x3000) if not 0xD800 <= code < 0xE000)
    for text in (every, "Came\u0301lia\tTra\x07oré\r\n\x85", "plain ASCII\x00\x1f\x7f", ""):
        assert typeface.normalise(text) == by_category(text)
