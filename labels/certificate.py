"""The donor's certificate: for one donation batch, what became of every device and how its data was erased.

A4 landscape, a table whose header row repeats on every page. It names the donor and the devices,
never a beneficiary. The words come from labels.strings in the certificate's language.
"""

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer, Table, TableStyle

from labels.a4 import FONT, FONT_BOLD, stamp_pdf_date, wrap
from labels.layout import printable
from labels.strings import Words
from labels.typeface import Canvas, string_width

OUTCOMES = ("reused", "parts", "recycled", "in_progress")
RESULTS = ("passed", "failed", "")
PAGE = landscape(A4)
MARGIN = 14 * mm
CELL = 7.5
# Relative column widths: asset tag, kind, brand/model, serial/IMEI, method, tool, date, result, certificate, outcome.
COLUMNS = (24, 22, 38, 34, 30, 24, 18, 16, 32, 22)
HEADERS = (
    "col_asset_tag",
    "col_kind",
    "col_model",
    "col_serial",
    "col_method",
    "col_tool",
    "col_date",
    "col_result",
    "col_certificate",
    "col_outcome",
)


class CertificateError(ValueError):
    """A certificate that cannot be drawn from this data."""


@dataclass(frozen=True)
class CertificateDevice:
    asset_tag: str
    kind: str  # "laptop" (printed in the certificate's language) or words as they are
    brand: str
    model: str
    serial: str = ""
    imei: str = ""
    erasure_method: str = ""  # "NIST 800-88 Purge"
    erasure_tool: str = ""  # "Blancco Drive Eraser 7"
    erased_on: dt.date | None = None
    result: str = ""  # "passed", "failed", or "" when not wiped yet
    certificate_ref: str = ""
    outcome: str = "in_progress"  # "reused", "parts", "recycled" or "in_progress"


@dataclass(frozen=True)
class CertificateData:
    charity: str
    charity_address: str
    donor: str
    batch_reference: str
    batch_date: dt.date
    issued_at: dt.datetime  # printed, and the PDF's creation date
    devices: tuple[CertificateDevice, ...]
    statement: str = ""  # a paragraph the charity signs under, as given
    language: str = "fr"


def render_certificate(data: CertificateData) -> bytes:
    """Title, charity, donor and batch, a count per outcome, then one row per device."""
    words = Words(data.language)
    for device in data.devices:
        if device.outcome not in OUTCOMES:
            raise CertificateError(f"outcome must be one of {', '.join(OUTCOMES)}, not {device.outcome!r}")
        if device.result not in RESULTS:
            raise CertificateError(f"result must be passed, failed or empty, not {device.result!r}")

    width = PAGE[0] - 2 * MARGIN
    column_widths = [width * share / sum(COLUMNS) for share in COLUMNS]
    title = f"{words['certificate_title']} – {data.batch_reference}"
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        invariant=1,
        pageCompression=1,
        title=printable(title),
        author=printable(data.charity),
        creator="Bagage",
    )
    counts = Counter(device.outcome for device in data.devices)
    summary = words["device_count"].format(count=len(data.devices))
    if data.devices:
        summary += words.colon
        summary += ", ".join(f"{words[outcome]} {counts[outcome]}" for outcome in OUTCOMES if counts[outcome])
    story = [
        _Lines("", words["certificate_title"], 15, 19, bold=True),
        Spacer(1, 4),
        _Lines("", data.charity, 9.5, 12, bold=True),
        _Lines("", data.charity_address, 9.5, 12),
        Spacer(1, 3 * mm),
        _Lines(words["donor"] + words.colon, data.donor, 9.5, 12),
        _Lines(
            words["batch"] + " ",
            f"{data.batch_reference}, {words['received_on']} {words.date(data.batch_date)} · {summary}",
            9.5,
            12,
        ),
    ]
    if data.statement:
        story += [Spacer(1, 2 * mm), _Lines("", data.statement, 9.5, 12)]
    story.append(Spacer(1, 4 * mm))

    rows = [[_cell(words[key], w, bold=True) for key, w in zip(HEADERS, column_widths, strict=True)]]
    for device in data.devices:
        values = (
            device.asset_tag,
            words.word(device.kind),
            " ".join(part for part in (device.brand, device.model) if part),
            "\n".join(part for part in (device.serial, device.imei) if part),
            device.erasure_method or (words["not_wiped"] if not device.result else ""),
            device.erasure_tool,
            words.date(device.erased_on),
            words[device.result] if device.result else "",
            device.certificate_ref,
            words[device.outcome],
        )
        rows.append([_cell(value, w) for value, w in zip(values, column_widths, strict=True)])
    table = Table(rows, colWidths=column_widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, CELL, CELL * 1.2),
                ("FONT", (0, 0), (-1, 0), FONT_BOLD, CELL, CELL * 1.2),
                ("BACKGROUND", (0, 0), (-1, 0), (0.88, 0.88, 0.88)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.4, (0.55, 0.55, 0.55)),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    story.append(table)

    footer = printable(f"{data.charity} · {data.batch_reference} · {words.date(data.issued_at)}")

    def on_page(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillGray(0.35)
        canvas.drawString(MARGIN, MARGIN - 2, footer)
        canvas.drawRightString(PAGE[0] - MARGIN, MARGIN - 2, words["page"].format(page=doc.page))
        canvas.restoreState()

    def canvasmaker(*args, **kwargs) -> Canvas:
        canvas = Canvas(*args, **kwargs)
        stamp_pdf_date(canvas, data.issued_at)
        return canvas

    document.build(story, onFirstPage=on_page, onLaterPages=on_page, canvasmaker=canvasmaker)
    return out.getvalue()


def _cell(text: str, width: float, bold: bool = False) -> str:
    """Pre-wrapped to the column: plain strings keep a table of hundreds of rows fast."""
    return "\n".join(wrap(text, width - 6, CELL, bold))


class _Lines(Flowable):
    """A bold lead-in (may be empty) and text wrapped after it, drawn with the embedded fonts in any script."""

    def __init__(self, lead: str, text: str, size: float, leading: float, bold: bool = False) -> None:
        super().__init__()
        self.lead, self.text, self.size, self.leading, self.bold = lead, text, size, leading, bold
        self.lines: tuple[str, ...] = ()
        self.indent = 0.0

    def wrap(self, available_width, available_height):
        self.indent = string_width(printable(self.lead), self.size, True) if self.lead else 0.0
        self.lines = wrap(self.text, available_width - self.indent, self.size, self.bold)
        self.width = available_width
        self.height = len(self.lines) * self.leading
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        y = self.height - self.size
        if self.lead:
            canvas.setFont(FONT_BOLD, self.size)
            canvas.drawString(0, y, printable(self.lead))
        canvas.setFont(FONT_BOLD if self.bold else FONT, self.size)
        for line in self.lines:
            canvas.drawString(self.indent, y, line)
            y -= self.leading
