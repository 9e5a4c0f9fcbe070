"""common.exports.xlsx_file types the values itself: the values as the database gives them (`rows(typed=False)`)
make the same workbook as the typed cells (`cell`)."""

import datetime as dt
import zipfile
from decimal import Decimal

import openpyxl

from common.exports import WIDTH_SAMPLE_ROWS, cell, xlsx_file

# Text that a spreadsheet would run (first six: with a prefix, or one after spaces) or not, every other type.
ROW = [
    "=1+1",
    " =2",
    "\u00a0@SUM(A1)",
    "\t1",
    "\u3000-3",
    "\r1",
    "plain",
    " plain",
    "é=",
    None,
    7,
    2.5,
    True,
    Decimal("12.50"),
    dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC),  # 01:30 in Paris, the night clocks go forward
    dt.datetime(2026, 1, 2, 3, 4, 5),
    dt.date(2026, 12, 3),
    ["laptop", "smartphone"],
]
HEADERS = [f"c{n}" for n in range(len(ROW))]


def sheet_xml(rows) -> bytes:
    with xlsx_file(HEADERS, rows) as workbook:
        return zipfile.ZipFile(workbook).read("xl/worksheets/sheet1.xml")


def test_values_as_read_make_the_same_sheet_as_typed_cells():
    rows = [ROW] * (WIDTH_SAMPLE_ROWS + 50)  # past the rows the widths are measured on
    typed = [[cell(value) for value in row] for row in rows]
    assert sheet_xml(rows) == sheet_xml(typed)


def test_values_as_read_are_typed_and_text_that_would_run_is_marked():
    with xlsx_file(HEADERS, [ROW, ROW]) as workbook:
        sheet = openpyxl.load_workbook(workbook).worksheets[0]
    for cells in (sheet[2], sheet[3]):  # a row sampled for the widths, and one written as it comes
        assert [c.quotePrefix for c in cells[:9]] == [True] * 6 + [False] * 3
        assert all(c.data_type == "s" for c in cells[:9])
        assert cells[9].value is None
        assert [c.value for c in cells[10:13]] == [7, 2.5, True]
        assert cells[13].value == 12.5 and cells[13].number_format == "#,##0.00"
        assert cells[14].value == dt.datetime(2026, 3, 29, 1, 30)
        assert cells[15].value == dt.datetime(2026, 1, 2, 3, 4, 5)
        assert cells[16].value == dt.datetime(2026, 12, 3)
        assert cells[17].value == "laptop|smartphone"
