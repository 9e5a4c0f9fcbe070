"""Where labels land on a sheet, against the sheet makers' published geometry.

The expected positions are written out from Avery's data sheets, never computed with the
renderer's own Stock.cell_origin_mm, so that labels placed column by column (or a margin or
gutter lost) fail here. Sheets fill row by row, left to right, as people count positions on a
part-used sheet.

Avery L7163: A4, 2 columns × 7 rows of 99.1 × 38.1 mm; left margin 4.65, top margin 15.15,
2.5 mm between the columns, none between the rows.
Avery L7651: A4, 5 columns × 13 rows of 38.1 × 21.2 mm; left margin 4.75, top margin 10.7,
2.5 mm between the columns, none between the rows.
"""

import pytest

from labels.data import DeviceLabel
from labels.pdf import render_pdf
from labels.stocks import STOCKS
from tests.factories import DeviceFactory
from tests.labels.reader import scan_pdf

# (left, top) of each position, in mm from the sheet's top-left corner.
L7163 = {
    1: (4.65, 15.15),
    2: (106.25, 15.15),
    3: (4.65, 53.25),
    4: (106.25, 53.25),
    5: (4.65, 91.35),
    13: (4.65, 243.75),
    14: (106.25, 243.75),
}
L7651 = {
    1: (4.75, 10.7),
    2: (45.35, 10.7),
    5: (167.15, 10.7),
    6: (4.75, 31.9),
    7: (45.35, 31.9),
    64: (126.55, 265.1),
    65: (167.15, 265.1),
}


@pytest.mark.parametrize(("name", "expected"), [("avery_l7163", L7163), ("avery_l7651", L7651)])
def test_positions_fill_the_sheet_row_by_row_as_published(name, expected):
    stock = STOCKS[name]
    for position, (left, top) in expected.items():
        assert stock.cell_origin_mm(position) == pytest.approx((left, top)), position


def label(n: int) -> DeviceLabel:
    return DeviceLabel(asset_tag=f"SDTE26-{n:04d}", title="Samsung Galaxy A52", kind="Smartphone")


def scanned_centres(content: bytes) -> dict[str, tuple[float, float]]:
    stock = STOCKS["avery_l7163"]
    return {s.text: (s.x_mm, s.y_mm) for s in scan_pdf(content, stock.dpi) if s.format == "Code128"}


def assert_in_cell(centre: tuple[float, float], position: int):
    left, top = L7163[position]
    x, y = centre
    assert left < x < left + 99.1, (position, centre)
    assert top < y < top + 38.1, (position, centre)


def test_three_labels_from_position_1_go_right_then_down():
    found = scanned_centres(render_pdf([label(1), label(2), label(3)], STOCKS["avery_l7163"]))
    assert set(found) == {"SDTE26-0001", "SDTE26-0002", "SDTE26-0003"}
    first, second, third = found["SDTE26-0001"], found["SDTE26-0002"], found["SDTE26-0003"]
    assert_in_cell(first, 1)
    assert_in_cell(second, 2)
    assert_in_cell(third, 3)
    # The second is beside the first (same height, one pitch of 101.6 mm to the right) …
    assert second[1] == pytest.approx(first[1], abs=0.5)
    assert second[0] - first[0] == pytest.approx(101.6, abs=0.5)
    # … and the third below the first (same column, one row of 38.1 mm down).
    assert third[0] == pytest.approx(first[0], abs=0.5)
    assert third[1] - first[1] == pytest.approx(38.1, abs=0.5)


def test_a_part_used_sheet_from_position_2_starts_top_right_then_wraps_to_the_next_row():
    found = scanned_centres(render_pdf([label(1), label(2), label(3)], STOCKS["avery_l7163"], start=2))
    assert_in_cell(found["SDTE26-0001"], 2)
    assert_in_cell(found["SDTE26-0002"], 3)
    assert_in_cell(found["SDTE26-0003"], 4)


@pytest.mark.django_db
def test_post_labels_from_position_2_prints_beside_the_used_label(warehouse_api):
    devices = [DeviceFactory(asset_tag=f"SDTE26-{n:04d}") for n in (1, 2, 3)]
    response = warehouse_api.post(
        "labels", {"asset_tags": [d.asset_tag for d in devices], "stock": "avery_l7163", "start": 2}
    )
    assert response.status_code == 200
    found = scanned_centres(response.content)
    assert_in_cell(found["SDTE26-0001"], 2)
    assert_in_cell(found["SDTE26-0002"], 3)
    assert_in_cell(found["SDTE26-0003"], 4)
