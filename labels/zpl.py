"""Labels to ZPL II for Zebra printers: the printer draws the Code 128 (^BC) and uses its own font (^A0).

The resident font prints Windows-1252 letters only: every other character is transliterated for ZPL alone
(labels.transliterate: Łódź prints Lódz, Олена Olena), so that a label never prints '?'.
"""

from collections.abc import Sequence

from labels.layout import Layout, layout_label
from labels.stocks import Stock
from labels.transliterate import to_windows_1252


def _field(text: str) -> str:
    """Field data with ^FH hex escapes for the characters ZPL reserves."""
    escaped = "".join(f"_{ord(ch):02X}" if ch in "^~_" else ch for ch in text)
    return f"^FH_^FD{escaped}^FS"


def zpl_label(layout: Layout) -> str:
    bars = layout.bars
    lines = [
        "^XA",
        "^CI28",  # UTF-8 field data
        f"^PW{layout.width}",
        f"^LL{layout.height}",
        "^LH0,0",
    ]
    if bars is not None:
        # Code 128, no human-readable line (we print the text ourselves), automatic subsets.
        lines.append(f"^FO{bars.x},{bars.y}^BY{bars.module}^BCN,{bars.height},N,N,N,A{_field(bars.payload)}")
    for text in layout.texts:
        field = _field(to_windows_1252(text.text))
        lines.append(f"^FO{text.x},{text.y}^A0N,{text.size},{text.size}^FB{text.width},1,0,L,0{field}")
    if layout.qr:
        qr = layout.qr
        lines.append(f"^FO{qr.x},{qr.y}^BQN,2,{qr.module}^FDMA,{qr.payload}^FS")
    lines.append("^XZ")
    return "\n".join(lines) + "\n"


def render_zpl(contents: Sequence, stock: Stock) -> bytes:
    """One ^XA…^XZ block per label, for a roll stock of a Zebra printer."""
    if stock.is_sheet:
        raise ValueError(f"{stock.name} is a sheet for office printers; ZPL is for roll printers.")
    return "".join(zpl_label(layout_label(item.content(), stock)) for item in contents).encode()
