"""Tabular exports, streamed: a dataset is a queryset and a list of columns (header, where the value comes from).

Rows are read with `.values_list(...)` (`.values(...)` when a cell is computed from the row) and
`.iterator(chunk_size=...)`, so a hundred thousand rows never sit in memory:
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
import itertools
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
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.exceptions import ValidationFailed

FORMATS = ("csv", "xlsx")
SEPARATORS = {",": ",", ";": ";", "tab": "\t", "\t": "\t"}
CHUNK_SIZE = 2000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_PREFIXES)
# First characters (of the first 256) of a text that cannot look like a formula: neither a prefix nor a space.
_PLAIN_FIRST = frozenset(ch for ch in map(chr, range(256)) if ch not in _FORMULA_FIRST and not ch.isspace())
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
    label: Any = None  # the header people read (a lazy translation); `header` when None
    choices: Any = None  # a TextChoices: people read its label instead of the code (each one, for a list)

    def people_header(self) -> str:
        return str(self.label) if self.label is not None else self.header

    def in_words(self, value: Any) -> Any:
        """The value as people read it: a code as its label in the current language."""
        if self.choices is None or value is None or value == "":
            return value
        if isinstance(value, list | tuple):
            return ", ".join(self._word(part) for part in value)
        return self._word(value)

    def _word(self, code: Any) -> str:
        try:
            return str(self.choices(code).label)
        except ValueError:
            return str(code)

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


_AS_IS = frozenset({str, int, type(None)})  # what `cell` gives back unchanged, at a glance


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


def rows(
    queryset: QuerySet,
    columns: Sequence[Column],
    chunk_size: int = CHUNK_SIZE,
    *,
    people: bool = False,
    typed: bool = True,
) -> Iterator[Sequence]:
    """Each row of `queryset` as a list of typed cells (`cell`), read `chunk_size` rows at a time; for `people`,
    codes in words (`Column.in_words`).

    `typed` False: where every cell is read straight from the database (no computed column, not for people), the
    values as the database gives them, a tuple a row, for a writer that types them itself (`xlsx_file`)."""
    tz = timezone.get_current_timezone()
    if people or any(column.compute is not None for column in columns):
        lookups = list(dict.fromkeys(lookup for column in columns for lookup in column.lookups()))
        getters = [column.compute or operator.itemgetter(column.source or column.header) for column in columns]
        if people:
            words = [column.in_words for column in columns]
            for row in queryset.values(*lookups).iterator(chunk_size=chunk_size):
                yield [cell(word(getter(row)), tz) for getter, word in zip(getters, words, strict=True)]
            return
        for row in queryset.values(*lookups).iterator(chunk_size=chunk_size):
            yield [cell(getter(row), tz) for getter in getters]
        return
    # Every cell read straight from the row: tuples (`values_list`), no dict built per row, in the columns' order.
    sources = [column.source or column.header for column in columns]
    lookups = list(dict.fromkeys(sources))
    data: Iterable[tuple] = queryset.values_list(*lookups).iterator(chunk_size=chunk_size)
    if lookups != sources:  # a lookup read by two columns is selected once
        positions = [lookups.index(source) for source in sources]
        data = (tuple(row[position] for position in positions) for row in data)
    if not typed:
        yield from data
        return
    # Only the values that are not already text, a whole number or empty go through `cell`.
    for values in data:
        yield [value if type(value) in _AS_IS else cell(value, tz) for value in values]


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


def _people_text(value: Any, decimal: str) -> str:
    """A cell as a person's spreadsheet reads it: dd/mm/yyyy, Paris time to the minute, `decimal` as the decimal
    separator (a comma in French, so that French Excel and LibreOffice read numbers), yes/no in words."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal | float):
        return str(value).replace(".", decimal)
    return str(value)


class _Line:
    """A file-like object that hands back what csv.writer writes (Django's streaming CSV recipe)."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(
    headers: Sequence[str],
    data: Iterable[list],
    sep: str = ",",
    lines_per_chunk: int = 500,
    *,
    decimal: str | None = None,
) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark, CRLF line ends, a few hundred lines per chunk sent; text neutralised.

    `decimal` None: the machine format (ISO 8601 dates and times with their offset, `.` decimals, true/false);
    else the people's format with that decimal separator (`_people_text`)."""
    writer = csv.writer(_Line(), delimiter=sep)
    yield (BOM + writer.writerow([neutralise_text(header) for header in headers])).encode("utf-8")
    if decimal is None:
        text = _csv_text
    else:

        def text(value):
            return neutralise_text(_people_text(value, decimal))

    buffer = []
    for row in data:
        buffer.append(writer.writerow([neutralise_text(value) if type(value) is str else text(value) for value in row]))
        if len(buffer) >= lines_per_chunk:
            yield "".join(buffer).encode("utf-8")
            buffer = []
    if buffer:
        yield "".join(buffer).encode("utf-8")


WIDTH_SAMPLE_ROWS = 200
MAX_WIDTH = 50


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 17
    if isinstance(value, dt.date):
        return 11
    return len(str(value))


def xlsx_file(headers: Sequence[str], data: Iterable[Sequence], sheet: str = "export", *, people: bool = False):
    """An XLSX workbook in an anonymous temporary file (deleted when closed), positioned at its start.

    `data`: rows of typed cells (`rows`), or of values as the database gives them (`rows(typed=False)`): each value
    is typed here as `cell` would (one pass over the cells instead of two).
    Typed cells: text as text, numbers as numbers, dates and times as dates (shown dd/mm/yyyy for people,
    ISO for machines); the header row bold, frozen and with a filter; each column as wide as its header and the
    first rows need (at most MAX_WIDTH characters).
    constant_memory: XlsxWriter flushes each row to disk once the next begins, so memory stays flat (the widths
    are measured on the first WIDTH_SAMPLE_ROWS rows only).
    """
    tz = timezone.get_current_timezone()
    data = iter(data)
    sample = [[cell(value, tz) for value in row] for row in itertools.islice(data, WIDTH_SAMPLE_ROWS)]
    widths = [len(str(header)) for header in headers]
    for row in sample:
        widths = [max(width, _width(value)) for width, value in zip(widths, row, strict=True)]
    out = tempfile.TemporaryFile()
    workbook = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "remove_timezone": True,
            "default_date_format": "dd/mm/yyyy" if people else "yyyy-mm-dd",
        },
    )
    try:
        worksheet = workbook.add_worksheet(sheet[:31])
        bold = workbook.add_format({"bold": True})
        stamp = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm" if people else "yyyy-mm-dd hh:mm:ss"})
        amount = workbook.add_format({"num_format": "#,##0.00"})
        # Text is a string cell, which no spreadsheet runs; one that looks like a formula is also marked so that
        # editing it in Excel keeps it text (the mark is not shown, unlike a quote in the cell).
        as_text = workbook.add_format({"quote_prefix": True})
        worksheet.write_row(0, 0, headers, bold)
        worksheet.freeze_panes(1, 0)
        write_string, write_number, write_datetime = (
            worksheet.write_string,
            worksheet.write_number,
            worksheet.write_datetime,
        )

        def write_typed(r: int, c: int, value: Any) -> None:
            """A typed cell (`cell`) of a type other than the common ones."""
            if isinstance(value, str):
                formula = value.startswith(FORMULA_PREFIXES) or value.lstrip().startswith(FORMULA_PREFIXES)
                write_string(r, c, value, as_text if formula else None)
            elif isinstance(value, bool):
                worksheet.write_boolean(r, c, value)
            elif isinstance(value, int | float):
                write_number(r, c, value)
            elif isinstance(value, Decimal):
                write_number(r, c, float(value), amount)
            elif isinstance(value, dt.datetime):
                write_datetime(r, c, value, stamp)
            elif isinstance(value, dt.date):
                write_datetime(r, c, value)
            elif value is not None:
                write_string(r, c, str(value))

        last = 0
        for r, row in enumerate(itertools.chain(sample, data), start=1):
            last = r
            for c, value in enumerate(row):
                # Exact types first, the common cases: one comparison each, not a chain of isinstance.
                kind = type(value)
                if kind is str:
                    # Looks like a formula: starts with one of FORMULA_PREFIXES, or with one after spaces. Most text
                    # starts with neither a prefix nor a space: one slice and one set lookup tell.
                    first = value[:1]
                    if first in _PLAIN_FIRST:
                        write_string(r, c, value)
                    elif first in _FORMULA_FIRST or (first.isspace() and value.lstrip().startswith(FORMULA_PREFIXES)):
                        write_string(r, c, value, as_text)
                    else:
                        write_string(r, c, value)
                elif value is None:
                    continue
                elif kind is int or kind is float:
                    write_number(r, c, value)
                elif kind is dt.datetime and value.tzinfo is not None:
                    write_datetime(r, c, value.astimezone(tz), stamp)  # as `cell` does, in local time
                else:
                    write_typed(r, c, cell(value, tz))
        worksheet.autofilter(0, 0, last, max(len(headers) - 1, 0))
        # The widths once the cells are written (XlsxWriter writes them at the top of the sheet when it closes, the
        # same file): while a column has settings, it looks up that column's format for every cell without one.
        for c, width in enumerate(widths):
            worksheet.set_column(c, c, min(width, MAX_WIDTH) + 2)
    finally:
        workbook.close()
    out.seek(0)
    return out


AUDIENCES = ("people", "codes")


def wants_people(request, audience: str | None) -> bool:
    """`?format=people|codes`; without it, people's format for a signed-in browser and codes for a script (a request
    authenticated by an API token), so that `GET /exports/devices.csv` from a script keeps its stable columns."""
    if audience in (None, ""):
        return getattr(request, "api_token_id", None) is None
    if audience not in AUDIENCES:
        raise ValidationFailed(_('The format must be "people" or "codes".'), "invalid_format", field="format")
    return audience == "people"


def reader_language(request) -> str:
    """The language a person reads an export in: the language they chose (cookie), else their browser's, else the
    site's (French) — the API's own English default for scripts does not apply to a person's file."""
    return translation.get_language_from_request(request)


def _in_language(chunks: Iterator, language: str) -> Iterator:
    """`chunks` computed in `language`: a streamed body is read after the view (and its middleware) returned."""
    while True:
        with translation.override(language):
            try:
                chunk = next(chunks)
            except StopIteration:
                return
        yield chunk


def export_response(
    queryset: QuerySet,
    columns: Sequence[Column],
    *,
    fmt: str,
    filename: str,
    sep: str | None = None,
    chunk_size: int = CHUNK_SIZE,
    people: bool = False,
    language: str | None = None,
):
    """The HTTP response of an export: CSV streamed as rows are read, XLSX streamed from its temporary file.

    For `people`: headers and values in the current language; the CSV in French has `;` as separator and a
    decimal comma (French Excel and LibreOffice open it in columns and read its numbers), dd/mm/yyyy dates and
    Paris times. Otherwise the machine format: code headers and values, `,`, ISO 8601 with offsets."""
    language = language or translation.get_language() or "fr"
    french = language.startswith("fr")
    with translation.override(language):
        headers = [column.people_header() if people else column.header for column in columns]
    stamp = timezone.localdate().isoformat()
    name = f"{filename}-{stamp}.{fmt}"
    data = rows(queryset, columns, chunk_size, people=people, typed=fmt != "xlsx")
    if fmt == "csv":
        if people and sep in (None, ""):
            sep = ";" if french else ","
        delimiter = parse_separator(sep)
        decimal = None
        if people:
            decimal = "," if french and delimiter != "," else "."
        response = StreamingHttpResponse(
            _in_language(csv_chunks(headers, data, delimiter, decimal=decimal), language),
            content_type=CONTENT_TYPES["csv"],
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    elif fmt == "xlsx":
        with translation.override(language):
            workbook = xlsx_file(headers, data, sheet=filename, people=people)
        response = FileResponse(
            workbook,
            as_attachment=True,
            filename=name,
            content_type=CONTENT_TYPES["xlsx"],
        )
    else:
        raise ValidationFailed(_("The format must be csv or xlsx."), "invalid_format", field="format")
    response["Cache-Control"] = "no-store"
    return response
