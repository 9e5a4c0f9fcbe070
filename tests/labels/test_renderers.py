import pytest

from labels.data import DeviceLabel, KitLabel, ShelfLabel, SimLabel
from labels.layout import MIN_DETAIL_PT, MIN_TITLE_PT, LabelDoesNotFit, layout_label
from labels.pdf import render_pdf
from labels.stocks import STOCKS
from labels.zpl import render_zpl
from tests.factories import valid_iccid
from tests.labels.reader import code_format, scan_pdf, text_boxes_mm

LONG_MODEL = "Lenovo ThinkPad X1 Carbon Gen 11 Intel Evo vPro Édition Spéciale Entreprise 14 pouces 2,8K OLED"


def device(n: int, title: str = "Samsung Galaxy A52") -> DeviceLabel:
    return DeviceLabel(
        asset_tag=f"SDTE26-{n:04d}",
        title=title,
        kind="Smartphone",
        specs="4 Go RAM · 64 Go eMMC",
        grade="Grade A",
        erasure="Effacé le 20/11/2026",
        url=f"http://127.0.0.1:8000/devices/SDTE26-{n:04d}/",
    )


@pytest.mark.parametrize("stock", STOCKS.values(), ids=list(STOCKS))
def test_every_stock_scans_back_to_the_asset_tags(stock):
    labels = [device(n) for n in range(1, 9)] + [device(9, LONG_MODEL)]
    content = render_pdf(labels, stock)
    codes = [s.text for s in scan_pdf(content, stock.dpi) if s.format == code_format(stock)]
    assert sorted(codes) == [label.asset_tag for label in labels]


@pytest.mark.parametrize("stock", [s for s in STOCKS.values() if s.linear], ids=lambda s: s.name)
def test_narrowest_bar_is_never_thinner_than_the_printer_prints(stock):
    layout = layout_label(device(1).content(), stock)
    assert layout.bars.module >= stock.min_module_dots >= 2
    # quiet zones: 10 modules of white on each side, inside the label's padding
    assert layout.bars.x - 10 * layout.bars.module >= stock.dots(stock.padding_mm)
    assert layout.bars.x + layout.bars.width + 10 * layout.bars.module <= layout.width - stock.dots(stock.padding_mm)


def test_zebra_bars_are_at_least_two_dots_at_203_dpi():
    stock = STOCKS["zebra_4x2"]
    assert stock.dpi == 203
    assert layout_label(device(1).content(), stock).bars.module >= 2


@pytest.mark.parametrize(("name", "expected_cells"), [("avery_l7163", 2), ("avery_l7651", 5)])
def test_a_sheet_from_start_3_puts_labels_in_the_right_cells(name, expected_cells):
    stock = STOCKS[name]
    assert stock.columns == expected_cells
    labels = [device(n) for n in range(1, 5)]
    found = {
        s.text: s for s in scan_pdf(render_pdf(labels, stock, start=3), stock.dpi) if s.format == code_format(stock)
    }
    assert set(found) == {label.asset_tag for label in labels}
    for position, label in enumerate(labels, start=3):
        left, top = stock.cell_origin_mm(position)
        scanned = found[label.asset_tag]
        assert left < scanned.x_mm < left + stock.label_width_mm, (label.asset_tag, position)
        assert top < scanned.y_mm < top + stock.label_height_mm, (label.asset_tag, position)


def test_avery_l7163_geometry_matches_the_sheet():
    stock = STOCKS["avery_l7163"]
    right = stock.margin_left_mm + 2 * stock.label_width_mm + stock.gutter_x_mm
    bottom = stock.margin_top_mm + 7 * stock.label_height_mm
    assert right == pytest.approx(210 - 4.65) and bottom == pytest.approx(297 - 15.15)


def test_a_sheet_spills_onto_a_second_page():
    stock = STOCKS["avery_l7163"]
    found = scan_pdf(render_pdf([device(n) for n in range(1, 17)], stock, start=13), stock.dpi)
    pages = {s.text: s.page for s in found if s.format == "Code128"}
    assert pages["SDTE26-0001"] == pages["SDTE26-0002"] == 0
    assert pages["SDTE26-0003"] == 1 and len(pages) == 16


@pytest.mark.parametrize("stock", STOCKS.values(), ids=list(STOCKS))
def test_a_very_long_model_name_stays_inside_the_label(stock):
    content = render_pdf([device(1, LONG_MODEL)], stock, start=1)
    left, top = stock.cell_origin_mm(1)
    boxes = text_boxes_mm(content)
    assert boxes, "the label has text"
    pad = stock.padding_mm - 0.3  # glyph boxes may overhang their advance a hair
    for char, x0, y0, x1, y1 in boxes:
        assert left + pad <= x0 and x1 <= left + stock.label_width_mm - pad, (char, x0, x1)
        assert top + pad / 2 <= y0 and y1 <= top + stock.label_height_mm - pad / 2, (char, y0, y1)
    text = "".join(box[0] for box in boxes)
    assert "SDTE26-0001" in text
    # Shrunk to fit whole, or cut with an ellipsis at the smallest size: never silently clipped.
    assert "…" in text or LONG_MODEL.replace(" ", "") in text


def test_a_sim_pack_label_scans_back_to_the_iccid():
    stock = STOCKS["brother_62x29"]
    iccid = valid_iccid(42)
    content = render_pdf([SimLabel(iccid=iccid, offer="SFR La Carte 10 Go", expiry="Expire le 30/06/2027")], stock)
    assert [s.text for s in scan_pdf(content, stock.dpi)] == [iccid]


def test_a_shelf_label_scans_back_to_the_location():
    stock = STOCKS["avery_l7651"]
    content = render_pdf([ShelfLabel("B-07", "SD Saint-Denis")], stock)
    assert [s.text for s in scan_pdf(content, stock.dpi)] == ["B-07"]


def test_a_barcode_too_long_for_the_stock_is_refused_not_printed_unscannable():
    with pytest.raises(LabelDoesNotFit):
        layout_label(ShelfLabel("X" * 60).content(), STOCKS["brother_62x29"])
    # The QR code of the narrow sheet: refused once its modules would be narrower than 0.4 mm.
    with pytest.raises(LabelDoesNotFit):
        layout_label(ShelfLabel("X" * 200).content(), STOCKS["avery_l7651"])


def test_zpl_carries_the_barcode_payload_and_the_label_size_in_dots():
    zpl = render_zpl([device(42), device(43, "Shop ^ with ~ caret_")], STOCKS["zebra_4x2"]).decode()
    assert zpl.count("^XA") == zpl.count("^XZ") == 2
    assert "^PW812" in zpl and "^LL406" in zpl  # 101.6 × 50.8 mm at 203 dpi
    assert "^BCN," in zpl and "^FH_^FDSDTE26-0042^FS" in zpl
    assert "^BY2" in zpl or "^BY3" in zpl or "^BY4" in zpl
    assert "Shop _5E with _7E caret_5F" in zpl
    assert "^BQN,2," in zpl and "^FDMA,http://127.0.0.1:8000/devices/SDTE26-0042/^FS" in zpl


def test_zpl_refuses_sheet_stocks():
    with pytest.raises(ValueError, match="roll"):
        render_zpl([device(1)], STOCKS["avery_l7163"])


def test_start_outside_the_sheet_is_refused():
    with pytest.raises(ValueError):
        render_pdf([device(1)], STOCKS["avery_l7163"], start=15)
    with pytest.raises(ValueError):
        render_pdf([device(1)], STOCKS["zebra_4x2"], start=2)


@pytest.mark.parametrize("stock", [s for s in STOCKS.values() if s.qr_code], ids=lambda s: s.name)
def test_qr_codes_scan_back_to_the_device_page(stock):
    labels = [device(n) for n in range(1, 25)]
    found = [s for s in scan_pdf(render_pdf(labels, stock), stock.dpi) if s.format == "QRCode"]
    assert sorted(s.text for s in found) == sorted(label.url for label in labels)


def points(size_dots: int, stock) -> float:
    return size_dots * 72 / stock.dpi


def test_a_long_model_name_on_brother_62x29_wraps_onto_two_lines_at_a_readable_size():
    stock = STOCKS["brother_62x29"]
    layout = layout_label(device(1, LONG_MODEL).content(), stock)
    title = [text for text in layout.texts if text.role == "title"]
    assert len(title) == 2
    assert all(points(text.size, stock) >= MIN_TITLE_PT >= 6.0 for text in title)
    assert title[0].y + title[0].size <= title[1].y  # two lines, one under the other
    assert LONG_MODEL.startswith(title[0].text)
    # In the PDF: the title's capitals are at least 6 pt tall (Helvetica's cap height is 0.718 em).
    boxes = text_boxes_mm(render_pdf([device(1, LONG_MODEL)], stock))
    first_line = [box for box in boxes if box[0] == "L"][0]  # the L of "Lenovo"
    assert first_line[4] - first_line[2] >= 0.7 * 6 * 25.4 / 72
    rows = {round(box[4], 1) for box in boxes if box[0] in "LÉ"}
    assert len(rows) >= 2, "Lenovo… and Édition… sit on two lines"


TITLES = ["Samsung Galaxy A52", "Lenovo ThinkPad X1 Carbon Gen 11 Intel Evo", LONG_MODEL, "HP"]


@pytest.mark.parametrize("stock", STOCKS.values(), ids=list(STOCKS))
@pytest.mark.parametrize("title", TITLES, ids=["short", "long", "very-long", "two-letters"])
def test_detail_lines_are_never_larger_than_the_title_nor_the_title_than_the_heading(stock, title):
    layout = layout_label(device(1, title).content(), stock)
    roles = {role: [t.size for t in layout.texts if t.role == role] for role in ("heading", "title", "detail")}
    assert len(roles["heading"]) == 1 and 1 <= len(roles["title"]) <= 2 and len(roles["detail"]) == 2
    assert max(roles["detail"]) <= min(roles["title"]) <= roles["heading"][0]
    assert len(set(roles["detail"])) == 1, "every detail line at one size"
    assert min(roles["detail"]) >= stock.points(MIN_DETAIL_PT)


@pytest.mark.parametrize("stock", STOCKS.values(), ids=list(STOCKS))
def test_a_title_that_fits_stays_on_one_line_and_is_not_shrunk_below_the_minimum(stock):
    layout = layout_label(device(1, "Samsung Galaxy A52").content(), stock)
    title = [t for t in layout.texts if t.role == "title"]
    assert [t.text for t in title] == ["Samsung Galaxy A52"]
    assert points(title[0].size, stock) >= MIN_TITLE_PT


@pytest.mark.parametrize("stock", STOCKS.values(), ids=list(STOCKS))
def test_text_lines_do_not_overlap_and_stay_in_the_text_box(stock):
    layout = layout_label(device(1, LONG_MODEL).content(), stock)
    bottom = layout.height - stock.dots(stock.padding_mm)
    previous = layout.bars.y + layout.bars.height if layout.bars else stock.dots(stock.padding_mm)
    for text in layout.texts:
        assert text.y >= previous, text
        previous = text.y + text.size
    assert previous <= bottom


def kit(n: int = 123, **overrides) -> KitLabel:
    fields = {
        "allocation": f"A-2026-{n:06d}",
        "referral": "Orientation #42",
        "initials": "A. T.",
        "hold": "À retirer avant le 10/12/2026",
        "site": "SD Saint-Denis",
        "asset_tag": "SDTE26-0042",
        "sim": "SIM ••••1234",
    }
    return KitLabel(**(fields | overrides))


@pytest.mark.parametrize("stock", STOCKS.values(), ids=list(STOCKS))
def test_a_kit_label_scans_back_to_the_allocation_number_on_every_stock(stock):
    labels = [kit(123), kit(124, asset_tag=""), kit(125, sim="")]
    content = render_pdf(labels, stock)
    codes = sorted(s.text for s in scan_pdf(content, stock.dpi) if s.format == code_format(stock))
    assert codes == ["A-2026-000123", "A-2026-000124", "A-2026-000125"]


@pytest.mark.parametrize("stock", STOCKS.values(), ids=list(STOCKS))
def test_a_kit_label_shows_the_initials_and_keeps_its_text_inside_the_label(stock):
    content = render_pdf([kit()], stock)
    left, top = stock.cell_origin_mm(1)
    pad = stock.padding_mm - 0.3
    boxes = text_boxes_mm(content)
    for char, x0, y0, x1, y1 in boxes:
        assert left + pad <= x0 and x1 <= left + stock.label_width_mm - pad, (char, x0, x1)
        assert top + pad / 2 <= y0 and y1 <= top + stock.label_height_mm - pad / 2, (char, y0, y1)
    text = "".join(box[0] for box in boxes)
    assert text.startswith("A.T.·Orientation#42")
    assert "Àretireravantle10/12/2026" in text


def test_a_kit_label_carries_the_initials_and_nothing_else_of_the_person():
    layout = layout_label(kit().content(), STOCKS["brother_62x29"])
    assert [t.text for t in layout.texts] == [
        "A. T. · Orientation #42",
        "À retirer avant le 10/12/2026",
        "SDTE26-0042 · SIM ••••1234",
        "SD Saint-Denis · A-2026-000123",
    ]


def test_a_kit_label_prints_in_zpl_with_the_allocation_number():
    zpl = render_zpl([kit()], STOCKS["zebra_4x2"]).decode()
    assert "^FH_^FDA-2026-000123^FS" in zpl and "A. T. · Orientation #42" in zpl
