"""Excel exports shared by every app: one styled sheet, formula injection neutralised.

XlsxWriter in constant_memory mode writes each row to a temporary file as it comes, so an export of a
whole county stays small in memory; measured on the roll export it needs under half the CPU of
openpyxl's write-only mode (tests/benchmarks/test_exports.py). Its own formula and URL guessing is off:
a text cell is always text, and a text that looks like a formula is neutralised besides.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from io import BytesIO
from typing import IO, TypeVar
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
T = TypeVar("T")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = "#DDE7F0"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    # Text is written as text: never a formula, a hyperlink or a number XlsxWriter guessed from it.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "remove_timezone": True,
}
# A progress callback gets the rows written so far, every PROGRESS_EVERY rows.
PROGRESS_EVERY = 1000


def neutralise_formula(value: T) -> T | str:
    """A text cell starting like a formula (= + - @, tab, carriage return) gets a leading apostrophe, so
    that Excel shows it as text instead of running it (OWASP, CSV injection). Other values are unchanged.
    The one definition for every export of the project."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_workbook(
    target: str | IO[bytes],
    *,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write one sheet named `title` (bold header row on a light fill, then `rows`) to `target`, a path or
    a binary file; returns the number of rows written. Text is neutralised (`neutralise_formula`), dates
    keep a date format, lazy translations become their text."""
    workbook = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
    sheet = workbook.add_worksheet(_sheet_title(title))
    header = workbook.add_format({"bold": True, "bg_color": HEADER_FILL, "pattern": 1})
    date_format = workbook.add_format({"num_format": DATE_FORMAT})
    datetime_format = workbook.add_format({"num_format": DATETIME_FORMAT})
    for col, text in enumerate(headers):
        sheet.write_string(0, col, str(text), header)
    write_string, write_number = sheet.write_string, sheet.write_number
    written = 0
    for written, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            kind = value.__class__
            if kind is str:
                if value:
                    write_string(written, col, "'" + value if value.startswith(FORMULA_PREFIXES) else value)
            elif kind is int or kind is float:
                write_number(written, col, value)
            elif value is None:
                continue
            elif kind is datetime.date:
                sheet.write_datetime(written, col, value, date_format)
            else:
                _write_other(sheet, written, col, value, datetime_format)
        if progress is not None and written % PROGRESS_EVERY == 0:
            progress(written)
    workbook.close()
    return written


def _write_other(sheet, row: int, col: int, value: object, datetime_format) -> None:
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, col, value)
    elif isinstance(value, datetime.date | datetime.time):
        sheet.write_datetime(row, col, value, datetime_format)
    else:
        # A lazy translation, or any other object: its text.
        text = str(value)
        if text:
            sheet.write_string(row, col, neutralise_formula(text))


def _sheet_title(title: str) -> str:
    """Excel's limits on a sheet name: 31 characters, none of []:*?/\\."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in str(title)).strip("'")
    return cleaned[:31] or "Sheet1"


def workbook_bytes(*, title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = BytesIO()
    write_workbook(buffer, title=title, headers=headers, rows=rows)
    return buffer.getvalue()


def content_disposition(filename: str) -> str:
    """RFC 6266: filename* carries the Chinese file name; the ASCII fallback keeps old browsers happy."""
    return f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"


def xlsx_response(*, filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]):
    response = HttpResponse(
        workbook_bytes(title=title, headers=headers, rows=rows), content_type=XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = content_disposition(filename)
    return response
