"""How far the cells of a spreadsheet reach, measured from its XML before any library builds a grid.

python-calamine builds a sheet as a dense grid from A1 to its farthest cell, about 40 bytes a cell (its
own 32 bytes a cell, measured, plus the Python list that `to_python` returns): one stray cell at XFD1048576
asks for 512 GiB and aborts the process, one at AZ150000 costs ~320 MB. An OpenDocument file does the same
with a repeat count (`number-rows-repeated="150000"`, under 1 KB). So the reader measures first, streaming
and without a grid, and refuses a file whose cells reach past the column or row limit or whose grid is
estimated above the memory budget; only a file that passed reaches calamine.

xlsx: the worksheet XML is streamed from the zip in 256 KB pieces, cut at a tag boundary. The files that
Excel, WPS, LibreOffice and openpyxl write name every cell (`<c r="B12"`), so one regular expression per
piece finds the cells beyond the farthest column and row seen so far: none at all in an ordinary file once
its first row is read, so the scan costs about as much as the formula scan it replaces. A sheet whose cells
are written otherwise (no `r`, other attribute order or whitespace, another prefix bound to the
namespace) is measured exactly by ElementTree's pull parser instead, as calamine reads it: a cell without
`r` follows the previous one. Cells without a value (`<c r="B3" s="1"/>`) count too, although calamine
skips them: the measure errs on the safe side. `<dimension ref>` is read but not trusted: it may lie
either way, and calamine does not allocate from it (measured: a dimension of A1:XFD1048576 over four
rows costs nothing).

ods: content.xml is streamed through the pull parser, counting repeated rows and cells as calamine
expands them; every table counts, since calamine reads all of them when it opens the file.

Hand-written because no maintained library measures a sheet without building it (openpyxl's read-only
mode trusts `<dimension>`).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from voters import codes

# Measured with python-calamine 0.9.1: 319 MB peak for the 7.8 million cells of a sheet reaching AZ150000.
GRID_BYTES_PER_CELL = 40
# calamine keeps every shared string in memory: a tiny string costs about three times its XML.
SHARED_STRING_BYTES_PER_XML_BYTE = 3
_CHUNK = 1 << 18  # 256 KB: what a refused file costs is mostly this piece and its copy
# Regular expressions rebuilt for a new farthest cell before the exact (slower) measure takes over: an
# ordinary sheet needs one per column of its first row and a few more.
_MAX_REBUILDS = 500
_MAX_COLUMN_LETTERS = 3  # XFD, the last column Excel has
_MAX_ROW_DIGITS = 7  # 1048576

_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_WORKSHEET_PREFIX = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet[\s>]")
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref="([^"]*)"')
_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
_NAME = re.compile(rb"[A-Za-z_][\w.-]*")
# What may follow a tag's name: whitespace, the end of the tag, or an empty tag's slash.
_AFTER_TAG_NAME = frozenset((b" ", b"\t", b"\n", b"\r", b">", b"/"))


class ExtentError(Exception):
    """The sheet reaches too far: `code` is one of the `codes.FILE_*`, `params` fill its message."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True, slots=True)
class Limits:
    rows: int
    columns: int
    grid_bytes: int


@dataclass(frozen=True, slots=True)
class Extent:
    """The farthest row and column holding a cell (1-based; 0 when none), whether a cell has a formula,
    and the `<dimension>` the sheet declares (xlsx), as written."""

    rows: int
    columns: int
    formulas: bool = False
    declared: str | None = None

    @property
    def grid_bytes(self) -> int:
        return self.rows * self.columns * GRID_BYTES_PER_CELL


def column_letters(number: int) -> str:
    """Excel's letters for a 1-based column number (1 → A, 27 → AA, 16384 → XFD)."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _column_number(letters: bytes | str) -> int:
    number = 0
    for character in letters.upper() if isinstance(letters, str) else letters.decode().upper():
        number = number * 26 + ord(character) - 64
    return number


def check(extent: Extent, limits: Limits, *, extra_bytes: int = 0) -> None:
    """Raise `ExtentError` when the extent passes a limit or its grid the memory budget."""
    if extent.columns > limits.columns:
        raise ExtentError(
            codes.FILE_TOO_MANY_COLUMNS,
            limit=limits.columns,
            column=column_letters(extent.columns),
        )
    if extent.rows > limits.rows:
        raise ExtentError(codes.FILE_TOO_MANY_ROWS, limit=limits.rows)
    if extent.grid_bytes + extra_bytes > limits.grid_bytes:
        raise ExtentError(
            codes.FILE_GRID_TOO_LARGE,
            rows=extent.rows,
            columns=extent.columns,
            limit=limits.grid_bytes // (1024 * 1024),
        )


# --- xlsx ----------------------------------------------------------------------------------------------


def _letters_up_to(letters: bytes) -> bytes:
    """A pattern for the column letters from A to `letters`: shorter, or as long and not after it. (An
    option matching only the start of longer letters fails on the row number's first digit, which the
    pattern requires next, and the next option is tried.)"""
    size = len(letters)
    options = [b"[A-Z]{1,%d}" % (size - 1)] if size > 1 else []
    for index, letter in enumerate(letters[:-1]):
        if letter > ord("A"):
            options.append(letters[:index] + b"[A-%c]" % (letter - 1) + b"[A-Z]{%d}" % (size - index - 1))
    options.append(letters[:-1] + b"[A-%c]" % letters[-1])
    return b"(?:" + b"|".join(options) + b")"


def _number_up_to(number: int) -> bytes:
    """A pattern for the row numbers from 1 to `number` written without leading zeros, and the quote that
    ends the reference."""
    if number < 1:
        return b"(?!)"
    digits = str(number).encode()
    size = len(digits)
    options = [b"[1-9][0-9]{0,%d}" % (size - 2)] if size > 1 else []
    for index, digit in enumerate(digits[:-1]):
        low = ord("1") if index == 0 else ord("0")
        if digit > low:
            options.append(digits[:index] + b"[%c-%c]" % (low, digit - 1) + b"[0-9]{%d}" % (size - index - 1))
    options.append(digits[:-1] + b"[%c-%c]" % (ord("1") if size == 1 else ord("0"), digits[-1]))
    return b"(?:" + b"|".join(option + b'"' for option in options) + b")"


class _Unusual(Exception):
    """The sheet is not written the usual way: measure it exactly instead."""


class _FastScan:
    """The usual layout: every cell tag is `<c r="LETTERSdigits"`. Finds the cells beyond the farthest
    column and row seen so far with one search per piece, rebuilding the pattern when one is found."""

    def __init__(self, prefix: bytes, limits: Limits) -> None:
        self.prefix = prefix
        self.limits = limits
        self.columns = 0
        self.rows = 0
        self.formulas = False
        self.rebuilds = 0
        self._cell = re.compile(b"<" + re.escape(prefix) + rb'c r="([A-Z]{1,3})([1-9][0-9]{0,6})"')
        self._formula = re.compile(b"<" + re.escape(prefix) + rb"f[\s/>]")
        # A cell under another prefix (`<y:c `) than the root's: the main namespace bound twice.
        own = re.escape(b"<" + prefix[:-1]) if prefix else b""
        self._prefixed = re.compile((b"(?<!" + own + b")" if own else b"") + rb":c[\s/>]")
        self._beyond = self._pattern()

    def _pattern(self) -> re.Pattern[bytes]:
        columns = _letters_up_to(column_letters(self.columns).encode()) if self.columns else b"(?!)"
        # Not checked here that the tag is a cell (`<c` and a space), which would cost a third of the
        # scan: the few other tags starting with c (<col>, <cfRule> …) are told apart in `feed`.
        return re.compile(
            b"<" + re.escape(self.prefix) + b'c(?! r="' + columns + _number_up_to(self.rows) + b")"
        )

    def _grow_if_beyond(self, found: re.Match[bytes], *, found_by_search: bool) -> None:
        column, row = _column_number(found.group(1)), int(found.group(2))
        if column <= self.columns and row <= self.rows:
            return
        self.columns, self.rows = max(self.columns, column), max(self.rows, row)
        check(Extent(self.rows, self.columns), self.limits)
        if found_by_search:
            self.rebuilds += 1
            if self.rebuilds > _MAX_REBUILDS:
                raise _Unusual
        self._beyond = self._pattern()

    def feed(self, piece: bytes) -> None:
        self._foreign_prefix(piece)
        if not self.formulas and self._formula.search(piece):
            self.formulas = True
        last = piece.rfind(b"<" + self.prefix + b'c r="')
        if last >= 0:
            found = self._cell.match(piece, last)
            if found is None:
                raise _Unusual
            self._grow_if_beyond(found, found_by_search=False)
        position = 0
        while (beyond := self._beyond.search(piece, position)) is not None:
            position = beyond.end()
            if piece[position : position + 1] not in _AFTER_TAG_NAME:
                continue  # another tag: <col>, <cfRule>, <colBreaks> …
            found = self._cell.match(piece, beyond.start())
            if found is None:
                raise _Unusual
            self._grow_if_beyond(found, found_by_search=True)

    def _foreign_prefix(self, piece: bytes) -> None:
        position = 0
        while (hit := self._prefixed.search(piece, position)) is not None:
            start = piece.rfind(b"<", 0, hit.start())
            if start >= 0 and _NAME.fullmatch(piece, start + 1, hit.start()):
                raise _Unusual
            position = hit.end()


def _pieces(stream, first: bytes = b""):
    """The stream in pieces of about 256 KB that end at a tag boundary (before the last `<`)."""
    carry = first
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            if carry:
                yield carry
            return
        data = carry + chunk
        cut = data.rfind(b"<")
        if cut <= 0:
            if len(data) > 4 * _CHUNK:  # a tag or text of megabytes: not a usual sheet
                raise _Unusual
            carry = data
            continue
        yield data[:cut]
        carry = data[cut:]


def measure_worksheet(archive: zipfile.ZipFile, member: str, limits: Limits) -> Extent:
    """The extent of an xlsx worksheet; raises `ExtentError` as soon as it passes a limit."""
    with archive.open(member) as stream:
        head = stream.read(_CHUNK)
        root = _WORKSHEET_PREFIX.search(head)
        prefix = root.group(1) + b":" if root and root.group(1) else b""
        dimension = _DIMENSION.search(head)
        declared = dimension.group(1).decode("ascii", "replace") if dimension else None
        scan = _FastScan(prefix, limits)
        try:
            for piece in _pieces(stream, head):
                scan.feed(piece)
        except _Unusual:
            pass
        else:
            return Extent(scan.rows, scan.columns, scan.formulas, declared)
    with archive.open(member) as stream:
        return _measure_worksheet_exactly(stream, limits, declared)


def _measure_worksheet_exactly(stream, limits: Limits, declared: str | None) -> Extent:
    """Every row and cell element as calamine places it: by its `r`, else after the previous one."""
    parser = ElementTree.XMLPullParser(events=("start", "end"))
    rows = columns = row = column = 0
    in_cell = formulas = False
    sheet_data = None
    try:
        while chunk := stream.read(_CHUNK):
            parser.feed(chunk)
            for event, element in parser.read_events():
                name = element.tag.rpartition("}")[2]
                if event == "end":
                    if name == "c":
                        in_cell = False
                    elif name == "row":
                        element.clear()
                    continue
                if name == "sheetData":
                    sheet_data = element
                elif name == "row":
                    reference = element.get("r")
                    row = int(reference) if reference is not None else row + 1
                    column = 0
                elif name == "c":
                    in_cell = True
                    reference = element.get("r")
                    if reference is not None:
                        found = _REFERENCE.fullmatch(reference)
                        if found is None:
                            raise ExtentError(codes.FILE_NOT_EXCEL)
                        column, cell_row = _column_number(found.group(1)), int(found.group(2))
                    else:
                        column, cell_row = column + 1, row
                    if column > columns or cell_row > rows:
                        columns, rows = max(columns, column), max(rows, cell_row)
                        check(Extent(rows, columns), limits)
                elif name == "f" and in_cell:
                    formulas = True
            if sheet_data is not None:
                del sheet_data[:]
        parser.close()
    except (ElementTree.ParseError, ValueError) as error:
        raise ExtentError(codes.FILE_NOT_EXCEL) from error
    return Extent(rows, columns, formulas, declared)


# --- ods -----------------------------------------------------------------------------------------------


def measure_ods(archive: zipfile.ZipFile, limits: Limits) -> Extent:
    """The largest extent among the tables of an OpenDocument spreadsheet, repeats expanded as calamine
    expands them; raises `ExtentError` as soon as a table, or all of them together, pass a limit."""
    parser = ElementTree.XMLPullParser(events=("start", "end"))
    table_tag, row_tag = _ODS_TABLE + "table", _ODS_TABLE + "table-row"
    cell_tags = (_ODS_TABLE + "table-cell", _ODS_TABLE + "covered-table-cell")
    rows_repeated, columns_repeated = (
        _ODS_TABLE + "number-rows-repeated",
        _ODS_TABLE + "number-columns-repeated",
    )
    value_type = _ODS_OFFICE + "value-type"
    depth = row = column = rows = columns = 0
    row_has_value = False
    widest = Extent(0, 0)
    grid_bytes = 0
    table = None
    try:
        with archive.open("content.xml") as stream:
            while chunk := stream.read(_CHUNK):
                parser.feed(chunk)
                for event, element in parser.read_events():
                    tag = element.tag
                    if event == "start":
                        if tag == table_tag:
                            depth += 1
                            if depth == 1:
                                table, row, rows, columns = element, 0, 0, 0
                        elif tag == row_tag:
                            column, row_has_value = 0, False
                        continue
                    if tag in cell_tags:
                        repeat = max(1, int(element.get(columns_repeated, "1")))
                        if element.get(value_type) is not None or len(element):
                            row_has_value = True
                            columns = max(columns, column + repeat)
                        column += repeat
                        element.clear()
                    elif tag == row_tag:
                        repeat = max(1, int(element.get(rows_repeated, "1")))
                        if row_has_value:
                            rows = row + repeat
                        row += repeat
                        element.clear()
                        check(Extent(rows, columns), limits, extra_bytes=grid_bytes)
                    elif tag == table_tag:
                        depth -= 1
                        if depth == 0:
                            extent = Extent(rows, columns)
                            grid_bytes += extent.grid_bytes
                            if extent.grid_bytes > widest.grid_bytes:
                                widest = extent
                            table = None
                if table is not None:
                    del table[:]
            parser.close()
    except (ElementTree.ParseError, ValueError, KeyError) as error:
        raise ExtentError(codes.FILE_NOT_EXCEL) from error
    return widest
