"""Excel exports shared by every app: one styled sheet, formula injection neutralised.

openpyxl's write-only mode streams rows, so an export of a whole county stays small in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import TypeVar
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
T = TypeVar("T")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise_formula(value: T) -> T | str:
    """A text cell starting like a formula (= + - @, tab, carriage return) gets a leading apostrophe, so
    that Excel shows it as text instead of running it (OWASP, CSV injection). Other values are unchanged.
    The one definition for every export of the project."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def workbook_bytes(*, title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE7F0")
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(ws, value=str(text))
        cell.font = bold
        cell.fill = fill
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append([neutralise_formula(v) for v in row])
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_response(*, filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]):
    response = HttpResponse(
        workbook_bytes(title=title, headers=headers, rows=rows), content_type=XLSX_CONTENT_TYPE
    )
    # RFC 6266 filename* carries the Chinese file name; the ASCII fallback keeps old browsers happy.
    response["Content-Disposition"] = (
        f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
