"""Tabular exports, streamed: a dataset is a queryset and a list of columns (header, where the value comes from).

Rows are read with `.values(...).iterator(chunk_size=...)`, so a hundred thousand rows never sit in memory:
CSV is written as it is read (UTF-8 with a byte-order mark, so that Excel reads the accents), XLSX is written
by XlsxWriter in its `constant_memory` mode into a temporary file that is then streamed and deleted.

A CSV cell a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return) is
neutralised: a quote is put in front, as OWASP advises ("CSV injection"). A spreadsheet may read the file with
another separator than the one it was written with (French Excel splits on `;`, a comma file read so splits inside
values; a quoted field is then no longer a field), so every place where any reading could start a cell is
neutralised too: after each `,`, `;`, tab or line break inside a value (`A52;=2+5` → `A52;'=2+5`). Whatever the
separator the file is read with (`,`, `;` or tab), no cell starts a formula. (The open-data file keeps the plain
numbers its standard asks for, such as `+33612345678`, which run nothing.) XLSX cells are typed: text is written
as text, which no spreadsheet runs, so nothing is added to it (a cell that looks like a formula is only marked
"quote prefix", which Excel does not show).

Adding a dataset is a list of `Column`s and a queryset:

    COLUMNS = (Column("asset_tag"), Column("site", "site__code"), Column("kinds", compute=lambda row: ...))
    return export_response(queryset, COLUMNS, fmt="csv", filename="devices", sep=",")
"""

import csv
import datetime as dt
import operator
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ValidationFailed

FORMATS = ("csv", "xlsx")
SEPARATORS = {",": ",", ";": ";", "tab": "\t", "\t": "\t"}
CHUNK_SIZE = 2000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Where a reading of the file with `,`, `;` or tab as the separator may start a cell: the value's start, and after
# any separator or line break inside it; there, what a spreadsheet would run (after spaces and quotes it skips).
_CELL_START_RUNS = re.compile(r"(?:^|(?<=[,;\t\r\n]))(?=[\s\"]*[=+\-@]|[\t\r])")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
BOM = "\ufeff"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Column:
    """One column: its header, and the `values()` lookup it reads (the header itself by default),
    or a function of the row (a dict of every field the dataset reads) for a computed cell."""

    header: str
    source: str | None = None
    compute: Callable[[dict], Any] | None = None
    needs: tuple[str, ...] = field(default=())  # the lookups `compute` reads

    def lookups(self) -> tuple[str, ...]:
        if self.compute is not None:
            return self.needs
        return (self.source or self.header,)


def neutralise_text(text: str, *, keep_numbers: bool = False) -> str:
    """`text` as written in a CSV cell: a quote before each place where some reading would start a formula.

    `keep_numbers`: a whole value that is a plain number (`+33612345678`, `-3`) is left as it is (it runs nothing;
    the open-data standard wants its phone numbers so). Not in a tab-separated file: a value ending with `,` there
    makes a comma reading start a cell with the tab and the next value."""
    if keep_numbers and _PLAIN_NUMBER.fullmatch(text):
        return text
    return _CELL_START_RUNS.sub("'", text)


def cell(value: Any, tz: dt.tzinfo | None = None) -> Any:
    """A value as exported, typed: a date and time in local time (`tz`, the current time zone by default) with its
    offset (CSV writes ISO 8601 with it; XLSX, which has no zones, the local time); a list joined by `|`; anything
    else that is not a number or a date as text."""
    kind = type(value)
    if kind is str or kind is int or value is None:  # the common cases first: mostly text and numbers
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value
        return value.astimezone(tz or timezone.get_current_timezone())
    if isinstance(value, str | bool | int | float | Decimal | dt.date):
        return value
    if isinstance(value, list | tuple):
        return "|".join(str(part) for part in value)
    return str(value)


def neutralise(value: Any, tz: dt.tzinfo | None = None) -> Any:
    """A cell as a CSV writes it: `cell(value)`, its text neutralised (`neutralise_text`)."""
    value = cell(value, tz)
    return neutralise_text(value) if isinstance(value, str) else value


def rows(queryset: QuerySet, columns: Sequence[Column], chunk_size: int = CHUNK_SIZE) -> Iterator[list]:
    """Each row of `queryset` as a list of typed cells (`cell`), read `chunk_size` rows at a time."""
    lookups = list(dict.fromkeys(lookup for column in columns for lookup in column.lookups()))
    getters = [column.compute or operator.itemgetter(column.source or column.header) for column in columns]
    tz = timezone.get_current_timezone()
    for row in queryset.values(*lookups).iterator(chunk_size=chunk_size):
        yield [cell(getter(row), tz) for getter in getters]


def parse_separator(sep: str | None) -> str:
    if sep is None or sep == "":
        return ","
    if sep not in SEPARATORS:
        raise ValidationFailed(_('The separator must be "," or ";" (or "tab").'), "invalid_separator", field="sep")
    return SEPARATORS[sep]


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")  # 2026-12-03T14:11:03+01:00
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class _Line:
    """A file-like object that hands back what csv.writer writes (Django's streaming CSV recipe)."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(
    headers: Sequence[str], data: Iterable[list], sep: str = ",", lines_per_chunk: int = 500
) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark, CRLF line ends, a few hundred lines per chunk sent; text neutralised."""
    writer = csv.writer(_Line(), delimiter=sep)
    yield (BOM + writer.writerow([neutralise_text(header) for header in headers])).encode("utf-8")
    buffer = []
    for row in data:
        buffer.append(
            writer.writerow([neutralise_text(value) if type(value) is str else _csv_text(value) for value in row])
        )
        if len(buffer) >= lines_per_chunk:
            yield "".join(buffer).encode("utf-8")
            buffer = []
    if buffer:
        yield "".join(buffer).encode("utf-8")


def xlsx_file(headers: Sequence[str], data: Iterable[list], sheet: str = "export"):
    """An XLSX workbook in an anonymous temporary file (deleted when closed), positioned at its start.

    constant_memory: XlsxWriter flushes each row to disk once the next begins, so memory stays flat.
    """
    out = tempfile.TemporaryFile()
    workbook = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "remove_timezone": True,
            "default_date_format": "yyyy-mm-dd",
        },
    )
    try:
        worksheet = workbook.add_worksheet(sheet[:31])
        bold = workbook.add_format({"bold": True})
        stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        # Text is a string cell, which no spreadsheet runs; one that looks like a formula is also marked so that
        # editing it in Excel keeps it text (the mark is not shown, unlike a quote in the cell).
        as_text = workbook.add_format({"quote_prefix": True})
        worksheet.write_row(0, 0, headers, bold)
        worksheet.freeze_panes(1, 0)
        write_string, write_number = worksheet.write_string, worksheet.write_number
        for r, row in enumerate(data, start=1):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    if value.startswith(FORMULA_PREFIXES) or value.lstrip().startswith(FORMULA_PREFIXES):
                        write_string(r, c, value, as_text)
                    else:
                        write_string(r, c, value)
                elif isinstance(value, bool):
                    worksheet.write_boolean(r, c, value)
                elif isinstance(value, int | float):
                    write_number(r, c, value)
                elif isinstance(value, Decimal):
                    write_number(r, c, float(value))
                elif isinstance(value, dt.datetime):
                    worksheet.write_datetime(r, c, value, stamp)
                elif isinstance(value, dt.date):
                    worksheet.write_datetime(r, c, value)
                else:
                    write_string(r, c, str(value))
    finally:
        workbook.close()
    out.seek(0)
    return out


def export_response(
    queryset: QuerySet,
    columns: Sequence[Column],
    *,
    fmt: str,
    filename: str,
    sep: str | None = None,
    chunk_size: int = CHUNK_SIZE,
):
    """The HTTP response of an export: CSV streamed as rows are read, XLSX streamed from its temporary file."""
    headers = [column.header for column in columns]
    stamp = timezone.localdate().isoformat()
    name = f"{filename}-{stamp}.{fmt}"
    if fmt == "csv":
        delimiter = parse_separator(sep)
        response = StreamingHttpResponse(
            csv_chunks(headers, rows(queryset, columns, chunk_size), delimiter), content_type=CONTENT_TYPES["csv"]
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    elif fmt == "xlsx":
        response = FileResponse(
            xlsx_file(headers, rows(queryset, columns, chunk_size), sheet=filename),
            as_attachment=True,
            filename=name,
            content_type=CONTENT_TYPES["xlsx"],
        )
    else:
        raise ValidationFailed(_("The format must be csv or xlsx."), "invalid_format", field="format")
    response["Cache-Control"] = "no-store"
    return response
