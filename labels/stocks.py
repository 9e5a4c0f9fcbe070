"""Label stocks: what the labels are printed on. A new stock is a few lines of data."""

from dataclasses import dataclass

MM_PER_INCH = 25.4


@dataclass(frozen=True)
class Stock:
    name: str
    description: str
    label_width_mm: float
    label_height_mm: float
    dpi: int
    # A roll prints one label per page; a sheet has columns × rows labels on a page.
    columns: int = 1
    rows: int = 1
    page_width_mm: float | None = None
    page_height_mm: float | None = None
    margin_left_mm: float = 0.0
    margin_top_mm: float = 0.0
    gutter_x_mm: float = 0.0
    gutter_y_mm: float = 0.0
    # Inside each label, what the printer cannot reach or the die-cut may shift.
    padding_mm: float = 1.5
    # Narrowest bar the printer prints cleanly, in dots (2 dots at 203 dpi = 0.25 mm).
    min_module_dots: int = 2
    # Wider bars than this scan no better and only eat the label.
    max_module_mm: float = 0.5
    qr_code: bool = False
    # False: the label is too narrow for a Code 128 whose bars every printer prints cleanly (ten modules of
    # quiet zone on each side included); its code is then a QR code, whose modules are at least this wide.
    linear: bool = True
    min_qr_module_mm: float = 0.4

    @property
    def is_sheet(self) -> bool:
        return self.columns * self.rows > 1

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def page_size_mm(self) -> tuple[float, float]:
        if self.page_width_mm and self.page_height_mm:
            return self.page_width_mm, self.page_height_mm
        return self.label_width_mm, self.label_height_mm

    def dots(self, mm: float) -> int:
        return int(mm / MM_PER_INCH * self.dpi)

    def points(self, points: float) -> int:
        """A font size given in points (1/72 in), in this printer's dots."""
        return round(points / 72 * self.dpi)

    @property
    def label_dots(self) -> tuple[int, int]:
        return self.dots(self.label_width_mm), self.dots(self.label_height_mm)

    def cell_origin_mm(self, position: int) -> tuple[float, float]:
        """Top-left corner of the label at a 1-based position on its page, from the page's top-left."""
        index = (position - 1) % self.per_page
        row, column = divmod(index, self.columns)
        return (
            self.margin_left_mm + column * (self.label_width_mm + self.gutter_x_mm),
            self.margin_top_mm + row * (self.label_height_mm + self.gutter_y_mm),
        )


A4 = (210.0, 297.0)

STOCKS: dict[str, Stock] = {
    stock.name: stock
    for stock in [
        Stock("brother_62x29", "Brother DK-11209, 62 × 29 mm die-cut (QL, 300 dpi)", 62, 29, 300, padding_mm=2.0),
        Stock(
            "brother_62",
            "Brother 62 mm continuous, cut at 40 mm (QL, 300 dpi)",
            62,
            40,
            300,
            padding_mm=2.0,
            qr_code=True,
        ),
        Stock("zebra_4x2", "Zebra 4 × 2 in, 101.6 × 50.8 mm (203 dpi)", 101.6, 50.8, 203, qr_code=True),
        Stock("dymo_99012", "Dymo 99012, 89 × 36 mm (LabelWriter, 300 dpi)", 89, 36, 300, qr_code=True),
        # Avery's published sheet geometry: margins and pitches as on the box.
        Stock(
            "avery_l7163",
            "Avery L7163, A4, 14 labels 99.1 × 38.1 mm (laser, 300 dpi)",
            99.1,
            38.1,
            300,
            columns=2,
            rows=7,
            page_width_mm=A4[0],
            page_height_mm=A4[1],
            margin_left_mm=4.65,
            margin_top_mm=15.15,
            gutter_x_mm=2.5,
            gutter_y_mm=0.0,
            qr_code=True,
        ),
        Stock(
            "avery_l7651",
            "Avery L7651, A4, 65 labels 38.1 × 21.2 mm (laser, 300 dpi)",
            38.1,
            21.2,
            300,
            columns=5,
            rows=13,
            page_width_mm=A4[0],
            page_height_mm=A4[1],
            margin_left_mm=4.75,
            margin_top_mm=10.7,
            gutter_x_mm=2.5,
            gutter_y_mm=0.0,
            padding_mm=1.2,
            # A Code 128 of an asset tag would need 0.17 mm bars here, which 150 and 203 dpi printers blur.
            linear=False,
        ),
    ]
}
