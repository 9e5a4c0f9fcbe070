"""Every name prints as written, in every script the referral form's languages use, and every font is embedded."""

from dataclasses import replace

import pytest
from bidi import get_display

from distribution.labelling import initials
from labels.certificate import render_certificate
from labels.data import DeviceLabel, KitLabel, ShelfLabel, SimLabel
from labels.notice import render_notice
from labels.pdf import render_pdf
from labels.receipt import render_receipt
from labels.stocks import STOCKS
from labels.typeface import unprintable
from labels.zpl import render_zpl
from tests.labels.scripts import NAMES, page_lines, pdffonts, visual_lines
from tests.labels.test_certificate import certificate, device
from tests.labels.test_notice import notice
from tests.labels.test_receipt import receipt


def kit(first: str, last: str) -> KitLabel:
    return KitLabel(
        allocation="A-2026-000123",
        referral="Orientation #42",
        initials=initials(first, last),
        hold="À retirer avant le 10/12/2026",
        site="SD Saint-Denis",
        asset_tag="SDTE26-0042",
        sim="SIM ••••1234",
    )


@pytest.mark.parametrize("script", NAMES)
def test_a_receipt_prints_the_persons_name_in_its_own_script_on_both_copies(script):
    name = " ".join(NAMES[script])
    content = render_receipt(receipt(beneficiary=name))
    for page in (0, 1):
        lines = page_lines(content, page)
        # The signature column prints the name alone on its line: pdfium reads it back exactly, in logical order.
        assert name in lines, lines
        assert "?" not in "".join(lines)
        # And the line "Remis à : …" stands on the page as the bidirectional algorithm orders it.
        handed = f"Remis à : {name}"
        assert get_display(handed, base_dir="L").replace(" ", "") in visual_lines(content, page)


@pytest.mark.parametrize("script", NAMES)
@pytest.mark.parametrize("stock", ["zebra_4x2", "brother_62x29", "avery_l7163", "avery_l7651"])
def test_a_kit_label_prints_the_initials_in_their_own_script(script, stock):
    first, last = NAMES[script]
    label = kit(first, last)
    content = render_pdf([label], STOCKS[stock])
    heading = f"{label.initials} · {label.referral}"
    assert label.initials.startswith(first[0]) and label.initials.endswith(f"{last[0]}.")
    assert get_display(heading, base_dir="L").replace(" ", "") in visual_lines(content)


def test_a_right_to_left_name_is_drawn_right_to_left_not_as_typed():
    """The test above fails if the runs are drawn in logical order: this is what it would then see."""
    name = " ".join(NAMES["arabic"])
    content = render_receipt(receipt(beneficiary=name))
    drawn = "|".join(visual_lines(content))
    assert name.replace(" ", "") not in drawn
    assert get_display(name, base_dir="L").replace(" ", "") in drawn


@pytest.mark.parametrize("script", NAMES)
def test_zpl_prints_every_name_in_letters_the_printer_has_never_a_question_mark(script):
    label = kit(*NAMES[script])
    zpl = render_zpl([label], STOCKS["zebra_4x2"]).decode()
    fields = [line.split("^FD", 1)[1] for line in zpl.splitlines() if "^A0N" in line]
    assert fields and "?" not in zpl
    for field in fields:
        field.encode("cp1252")  # every character in the resident font
    assert fields[0].split(" _C2_B7")[0].split(" ·")[0].replace(".", "").replace(" ", "").isalpha()


def test_zpl_transliterates_only_what_the_printer_font_lacks():
    label = DeviceLabel(asset_tag="SDTE26-0001", title="Łódź Олена Hélène", kind="Smartphone")
    zpl = render_zpl([label], STOCKS["zebra_4x2"]).decode()
    assert "Lódz Olena Hélène" in zpl


def test_a_name_no_embedded_font_covers_is_named_by_unprintable():
    assert unprintable("王小明 Amina") == "王小明"
    assert unprintable("Amina 🙂") == "🙂"
    assert all(not unprintable(" ".join(parts)) for parts in NAMES.values())


def _every_pdf_kind() -> dict[str, bytes]:
    mixed = " ".join(" ".join(parts) for parts in NAMES.values())
    documents = {
        "receipt": render_receipt(receipt(beneficiary=mixed)),
        "notice": render_notice(notice(charity=mixed)),
        "certificate": render_certificate(
            certificate(count=3, donor=mixed, devices=(replace(device(1), model=mixed),))
        ),
    }
    labels = {
        "kit": kit(*NAMES["arabic"]),
        "device": DeviceLabel(asset_tag="SDTE26-0001", title=mixed, kind="Smartphone", url="https://b.example/d/1"),
        "sim": SimLabel(iccid="8933150319000000042", offer="SFR La Carte 10 Go – Олена"),
        "shelf": ShelfLabel(location="A-01", site="SD Saint-Denis ተስፋይ"),
    }
    for stock in STOCKS.values():
        for kind, label in labels.items():
            documents[f"{kind} label on {stock.name}"] = render_pdf([label], stock)
    return documents


def test_every_pdf_kind_embeds_every_font_it_names(tmp_path):
    for kind, content in _every_pdf_kind().items():
        fonts = pdffonts(content, tmp_path)
        assert fonts, kind
        for font in fonts:
            assert (font["type"], font["emb"], font["sub"], font["uni"]) == ("TrueType", "yes", "yes", "yes"), (
                kind,
                font,
            )
