"""Tolerant reading of the voter rolls clerks keep in Excel (选民登记表).

DOMAIN.md "Voter registration": clerks usually keep the roll in Excel. Real files have title rows above the
header, their own words for the columns, padding spaces, full-width characters, blank rows, merged cells,
dates typed as text and ID numbers Excel has turned into numbers. This module reads such a file into plain
values with the Excel row numbers the clerk sees; it does not judge eligibility (that is ``rules``), and it
rejects files that are not spreadsheets, too big, password-protected, zip bombs or full of formulas.
"""

from __future__ import annotations

import datetime
import io
import itertools
import os
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, NamedTuple
from xml.etree import ElementTree

import python_calamine
from django.conf import settings
from django.utils.functional import Promise
from django.utils.text import format_lazy

from voters import codes, extent
from voters.groups import normalise_group
from voters.rules import IdStoredAsNumberError, Issue, normalise_id_number, normalise_name, normalise_phone

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# The limits when settings do not give them (ROLL_MAX_ROWS, ROLL_MAX_COLUMNS, ROLL_GRID_BUDGET_MB).
DEFAULT_MAX_ROWS = 200_000
DEFAULT_MAX_COLUMNS = 50
DEFAULT_GRID_BUDGET_MB = 256
DEFAULT_MAX_UNPACKED_BYTES = 500 * 1024 * 1024
# Spreadsheet XML compresses about tenfold; a hundredfold only comes from deliberately repetitive content.
MAX_COMPRESSION_RATIO = 100
HEADER_SEARCH_ROWS = 10
REQUIRED_FIELDS = ("name", "id_number")

# Canonical field -> the headers clerks write for it, compared after ``_header_key``.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "选民姓名"),
    "id_number": (
        "身份证号",
        "身份证号码",
        "公民身份号码",
        "证件号码",
        "身份证",
        "居民身份证号码",
        "公民身份证号码",
    ),
    "sex": ("性别",),
    "birth_date": ("出生日期", "出生年月", "出生年月日"),
    "group": ("村民小组", "组别", "小组", "所属小组", "组"),
    "household_no": ("户号", "户编号"),
    "relation_to_head": ("与户主关系", "关系"),
    "phone": ("联系电话", "电话", "手机", "手机号", "手机号码", "电话号码"),
    "address": ("住址", "家庭住址", "现住址"),
    "category": ("登记类别", "类别"),
    "party_member": ("党员", "是否党员"),
    "education": ("文化程度", "学历"),
    "note": ("备注",),
}
_FIELD_BY_HEADER = {header: field for field, headers in HEADER_SYNONYMS.items() for header in headers}
# The longest value each free-text field's column holds (Household.number and .group, Resident.phone and
# .address, VoterRegistration.group and .note; a test compares them with the models), so that a value too
# long is reported in the preview at its row rather than failing the confirm. Names (30) and ID numbers
# (18) have their own rules; relationship, category and education become choices.
FIELD_MAX_LENGTHS = {"group": 30, "household_no": 30, "phone": 30, "address": 200, "note": 200}
# Whitespace anywhere (姓  名), required-field stars, colons and a note in brackets (身份证号(18位)).
_HEADER_NOISE = re.compile(r"\s+|[*:]|\([^)]*\)")

_SEXES = {"男": "M", "男性": "M", "M": "M", "女": "F", "女性": "F", "F": "F"}
_PARTY_MEMBER = {
    **dict.fromkeys(("是", "Y", "YES", "\u221a", "\u2713", "党员", "中共党员"), True),
    **dict.fromkeys(("否", "N", "NO", "\u00d7", "\u2717", "群众", "非党员"), False),
}
_DATE_TEXT = re.compile(
    r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?(?:\s+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?"
)
_DATE_DIGITS = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted xlsx is an OLE2 compound file whose directory names this stream (in UTF-16).
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_WORKSHEET_RELATION = "/worksheet"
_SHARED_STRINGS = "xl/sharedStrings.xml"
# A cell with content (not `<c r="B3" s="1"/>`): the first one found tells which sheet calamine will read.
_CELL_WITH_CONTENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?:\s[^>]*[^/>]|\s)?>")
_SCAN_CHUNK = 1 << 20
# Characters that are neither text nor whitespace (NUL and the other C0/C1 controls): PostgreSQL refuses
# NUL, and Excel exports refuse them all.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


class RollFileError(ValueError):
    """The file as a whole cannot be read as a roll; ``code`` is one of the ``codes.FILE_*``."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.message: str | Promise = (
            format_lazy(codes.MESSAGES[code], **params) if params else codes.MESSAGES[code]
        )
        super().__init__(code)


@dataclass(frozen=True)
class Layout:
    """What one kind of sheet holds: the headers clerks write for each field (after ``_header_key``),
    the fields a header row must name, each field's cleaner, the fields whose values are (nearly) all
    different (not memoised), the field whose repeats are found before the rows are read (or None), and
    the codes of a file without such a header or without rows."""

    field_by_header: dict[str, str]
    required: tuple[str, ...]
    cleaners: dict[str, Callable[[object], object]]
    unique: frozenset[str]
    id_field: str | None
    no_header: str
    empty: str


class RollRow(NamedTuple):
    """One non-blank row: its Excel row number (1-based, as Excel shows it), the cleaned value of every
    recognised column (None when empty) and the problems found while reading its cells."""

    row: int
    values: dict[str, object]
    issues: tuple[Issue, ...]


@dataclass(frozen=True, slots=True)
class RollSheet:
    """The roll found in a file: which sheet and header row, which column holds which field, the headers
    that were not recognised or repeated a recognised one (both ignored), and the rows, read lazily
    (one pass) after the header."""

    sheet_name: str
    header_row: int
    columns: dict[str, int]
    unknown_headers: list[str]
    duplicate_headers: list[str]
    rows: Iterator[RollRow]
    # The cleaned ID numbers found in more than one row: an import may write every other row at once.
    repeated_ids: frozenset[str] = frozenset()
    row_count: int = 0  # rows below the header, blank ones included (for progress)


class _CellError(Exception):
    def __init__(self, code: str, value: object = None, **params: object) -> None:
        self.code = code
        self.value = value
        self.params = params

    def issue(self, column: str) -> Issue:
        if not self.params:
            return Issue.of(self.code, column)
        message = format_lazy(codes.MESSAGES[self.code], **self.params)
        return Issue(self.code, message, column, codes.SEVERITY[self.code])


def read_roll(
    file_or_path: str | os.PathLike[str] | IO[bytes],
    *,
    max_rows: int | None = None,
    max_columns: int | None = None,
    grid_budget_mb: int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES,
    layout: Layout | None = None,
) -> RollSheet:
    """Read the roll on the first visible, non-empty sheet of an xlsx, xls or ods file.

    The header is the row among the first 10 that names the most known columns; it must name the
    person's name and ID number. ``max_bytes`` limits the file, ``max_unpacked_bytes`` what an xlsx or ods
    unpacks to (which may also be at most 100 times the file), ``max_rows`` the sheet's rows below the
    header, blank ones included, ``max_columns`` its columns and ``grid_budget_mb`` the memory its grid
    may take (the three default to settings ROLL_MAX_ROWS, ROLL_MAX_COLUMNS, ROLL_GRID_BUDGET_MB). The
    sheet is measured from its XML before python-calamine sees the file (`voters.extent`). Raises
    ``RollFileError`` when the file cannot be taken as a roll.

    ``layout`` says which columns the sheet holds (default: the roll's, ``ROLL``); a relationship sheet
    (``KINSHIP``) goes through the same checks of the file.
    """
    layout = layout or ROLL
    max_rows = _setting("ROLL_MAX_ROWS", DEFAULT_MAX_ROWS) if max_rows is None else max_rows
    max_columns = _setting("ROLL_MAX_COLUMNS", DEFAULT_MAX_COLUMNS) if max_columns is None else max_columns
    if grid_budget_mb is None:
        grid_budget_mb = _setting("ROLL_GRID_BUDGET_MB", DEFAULT_GRID_BUDGET_MB)
    # The header may be up to HEADER_SEARCH_ROWS down: the exact count below it is checked once it is found.
    limits = extent.Limits(max_rows + HEADER_SEARCH_ROWS, max_columns, grid_budget_mb * 1024 * 1024)
    data = _read_bytes(file_or_path, max_bytes)
    kind, archive = _open_spreadsheet_archive(data, max_unpacked_bytes)
    sheet_name = None
    try:
        if kind == "xlsx":
            sheet_name = _measure_xlsx(archive, limits)
        elif kind == "ods":
            extent.measure_ods(archive, limits)
    except extent.ExtentError as error:
        params = {"limit": max_rows} if error.code == codes.FILE_TOO_MANY_ROWS else error.params
        raise RollFileError(error.code, **params) from None
    try:
        with python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)) as workbook:
            sheet = _first_sheet(workbook) if sheet_name is None else workbook.get_sheet_by_name(sheet_name)
            if sheet.end is None:
                raise RollFileError(layout.empty)
            header_index, columns, unknown, duplicates = _find_header(
                sheet.to_python(skip_empty_area=False, nrows=HEADER_SEARCH_ROWS), layout
            )
            if sheet.end[0] - header_index > max_rows:
                raise RollFileError(codes.FILE_TOO_MANY_ROWS, limit=max_rows)
            sheet_name = sheet.name
            table = sheet.to_python(skip_empty_area=False)
            merged_ranges = sheet.merged_cell_ranges or []
    except python_calamine.PasswordError as error:
        raise RollFileError(codes.FILE_ENCRYPTED) from error
    except python_calamine.CalamineError as error:
        raise RollFileError(codes.FILE_NOT_EXCEL) from error
    _fill_merged_cells(table, merged_ranges, below=header_index)
    repeated, cleaned_ids = frozenset(), {}
    if layout.id_field:
        repeated, cleaned_ids = _repeated_ids(table, header_index + 1, columns[layout.id_field])
    rows = _read_rows(table, header_index + 1, columns, layout, cleaned={layout.id_field: cleaned_ids})
    first = next(rows, None)
    if first is None:
        raise RollFileError(layout.empty)
    return RollSheet(
        sheet_name=sheet_name,
        header_row=header_index + 1,
        columns=columns,
        unknown_headers=unknown,
        duplicate_headers=duplicates,
        rows=itertools.chain((first,), rows),
        repeated_ids=repeated,
        row_count=len(table) - header_index - 1,
    )


def _setting(name: str, default: int) -> int:
    return getattr(settings, name, default) if settings.configured else default


def _measure_xlsx(archive: zipfile.ZipFile, limits: extent.Limits) -> str:
    """The name of the sheet calamine is to read (the first visible worksheet with a cell holding
    something), once its extent and shared strings have been found within `limits` and free of formulas
    (calamine reads only the values formulas last computed)."""
    for name, member in _visible_worksheets(archive):
        if not _has_cell_with_content(archive, member):
            continue
        shared = archive.getinfo(_SHARED_STRINGS).file_size if _SHARED_STRINGS in archive.namelist() else 0
        measured = extent.measure_worksheet(archive, member, limits)
        extent.check(measured, limits, extra_bytes=shared * extent.SHARED_STRING_BYTES_PER_XML_BYTE)
        if measured.formulas:
            raise RollFileError(codes.FILE_FORMULAS)
        return name
    raise RollFileError(codes.FILE_EMPTY)


def _has_cell_with_content(archive: zipfile.ZipFile, member: str) -> bool:
    with archive.open(member) as stream:
        tail = b""
        while chunk := stream.read(_SCAN_CHUNK):
            if _CELL_WITH_CONTENT.search(tail + chunk):
                return True
            tail = chunk[-256:]
    return False


def _repeated_ids(
    table: list[list[object]], start: int, column: int
) -> tuple[frozenset[str], dict[str, object]]:
    """The ID numbers (cleaned exactly as the rows' cells are) found in more than one row, and the
    cleaned number of each text cell that cleaned without a problem (so the rows need not clean the
    column a second time: `_read_rows`' `cleaned`)."""
    seen: set[str] = set()
    repeated: set[str] = set()
    cleaned: dict[str, object] = {}
    for index in range(start, len(table)):
        raw = table[index][column]
        if raw == "":
            continue
        try:
            number = _id_number(raw)
        except _CellError:
            continue
        if type(raw) is str:
            cleaned[raw] = number
        if number in seen:
            repeated.add(number)
        elif number is not None:
            seen.add(number)
    return frozenset(repeated), cleaned


def _read_bytes(file_or_path: str | os.PathLike[str] | IO[bytes], max_bytes: int) -> bytes:
    if isinstance(file_or_path, str | os.PathLike):
        with open(file_or_path, "rb") as file:
            data = file.read(max_bytes + 1)
    else:
        file_or_path.seek(0)
        data = file_or_path.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise RollFileError(codes.FILE_TOO_LARGE, limit=round(max_bytes / 1024 / 1024))
    if not data:
        raise RollFileError(codes.FILE_EMPTY)
    return data


def _open_spreadsheet_archive(data: bytes, max_unpacked_bytes: int) -> tuple[str, zipfile.ZipFile | None]:
    """Identify the file by its first bytes and check a zip's sizes before anything unpacks it.

    Returns the kind ("xlsx", "ods" or "xls") and the archive of an xlsx or ods, whose sheets are then
    measured; the formulas of an xls or ods are not detected (calamine reads the values they last
    computed).
    """
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTION_STREAM in data:
            raise RollFileError(codes.FILE_ENCRYPTED)
        return "xls", None
    if not data.startswith(_ZIP_MAGIC):
        raise RollFileError(codes.FILE_NOT_EXCEL)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except zipfile.BadZipFile as error:
        raise RollFileError(codes.FILE_NOT_EXCEL) from error
    unpacked = sum(member.file_size for member in members)
    if unpacked > max_unpacked_bytes or unpacked > MAX_COMPRESSION_RATIO * len(data):
        raise RollFileError(codes.FILE_ZIP_BOMB)
    names = {member.filename for member in members}
    is_xlsx = "xl/workbook.xml" in names
    is_ods = "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIMETYPE
    if not (is_xlsx or is_ods):
        raise RollFileError(codes.FILE_NOT_EXCEL)
    return ("xlsx" if is_xlsx else "ods"), archive


def _first_sheet(workbook: python_calamine.CalamineWorkbook) -> python_calamine.CalamineSheet:
    """The first visible worksheet with data of an xls or ods (an xlsx's is chosen by `_measure_xlsx`)."""
    for index, metadata in enumerate(workbook.sheets_metadata):
        if (
            metadata.typ == python_calamine.SheetTypeEnum.WorkSheet
            and metadata.visible == python_calamine.SheetVisibleEnum.Visible
        ):
            sheet = workbook.get_sheet_by_index(index)
            if sheet.end is not None:
                return sheet
    raise RollFileError(codes.FILE_EMPTY)


def _visible_worksheets(archive: zipfile.ZipFile) -> Iterator[tuple[str, str]]:
    """The name and zip member of each visible worksheet of an xlsx, in the workbook's order, found
    through the workbook's relations (chart and dialog sheets are left out, as calamine leaves them)."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError) as error:
        raise RollFileError(codes.FILE_NOT_EXCEL) from error
    targets = {
        element.get("Id"): element.get("Target", "")
        for element in relations
        if element.get("Type", "").endswith(_WORKSHEET_RELATION)
    }
    for sheet in (element for element in workbook.iter() if element.tag.rpartition("}")[2] == "sheet"):
        if sheet.get("state", "visible") != "visible":
            continue
        relation_id = next((value for key, value in sheet.attrib.items() if key.endswith("}id")), None)
        target = targets.get(relation_id)
        if target is None:
            continue
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        if member in archive.NameToInfo:
            yield sheet.get("name", ""), member


def _header_key(cell: object) -> str:
    if not isinstance(cell, str):
        return ""
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", cell))


def _find_header(
    top_rows: list[list[object]], layout: Layout
) -> tuple[int, dict[str, int], list[str], list[str]]:
    """The header row (0-based) among ``top_rows`` naming the most known fields, the column of each field,
    and the unknown and repeated headers."""
    known = layout.field_by_header
    best_index, best_fields = -1, set()
    for index, row in enumerate(top_rows):
        fields = {known[key] for key in map(_header_key, row) if key in known}
        if len(fields) > len(best_fields):
            best_index, best_fields = index, fields
    if not best_fields.issuperset(layout.required):
        raise RollFileError(layout.no_header, rows=HEADER_SEARCH_ROWS)
    columns: dict[str, int] = {}
    unknown: list[str] = []
    duplicates: list[str] = []
    for column, cell in enumerate(top_rows[best_index]):
        field = known.get(_header_key(cell))
        label = " ".join(str(cell).split())
        if field is None:
            if label:
                unknown.append(label)
        elif field in columns:
            duplicates.append(label)
        else:
            columns[field] = column
    return best_index, columns, unknown, duplicates


def _fill_merged_cells(
    table: list[list[object]], ranges: list[tuple[tuple[int, int], tuple[int, int]]], *, below: int
) -> None:
    """Give every cell of a merged range below the header the value of its top-left cell, as the clerk sees
    it: a group or household number merged over its members' rows belongs to each of them.

    Ranges are cut to the grid: a merge written as A5:XFD1048576 would otherwise grow every row."""
    width = len(table[0]) if table else 0
    for (top, left), (bottom, right) in ranges:
        if top <= below or top >= len(table) or left >= width:
            continue
        right = min(right, width - 1)
        value = table[top][left]
        for row in table[top : bottom + 1]:
            row[left : right + 1] = [value] * (right + 1 - left)


def _read_rows(
    table: list[list[object]],
    start: int,
    columns: dict[str, int],
    layout: Layout,
    *,
    cleaned: dict[str | None, dict[str, object]] | None = None,
) -> Iterator[RollRow]:
    """The non-blank rows from ``start``; rows whose cells all clean without a problem take the fast path.

    ``cleaned`` holds, per field, text cells already cleaned (by `_repeated_ids`): they are looked up, not
    cleaned again."""
    fields = tuple(columns)
    cleaners = layout.cleaners
    cleaned = cleaned or {}

    def cleaner(field: str) -> Callable[[object], object]:
        if field in cleaned:
            return _memoised(cleaners[field], cleaned[field])
        return cleaners[field] if field in layout.unique else _memoised(cleaners[field])

    plan = [(columns[field], cleaner(field)) for field in fields]
    for index in range(start, len(table)):
        cells = table[index]
        issues: tuple[Issue, ...] = ()
        try:
            values = [None if (raw := cells[column]) == "" else clean(raw) for column, clean in plan]
        except _CellError:
            values, issues = _clean_reporting(cells, plan, fields)
        if issues or values.count(None) < len(fields):
            yield RollRow(index + 1, dict(zip(fields, values, strict=True)), issues)


# Columns whose values are (nearly) all different; every other column repeats a few values down the
# sheet (sex, group, relationship, category …, and names and addresses more often than not).
_UNIQUE_FIELDS = frozenset({"id_number", "phone"})


def _memoised(clean: Callable[[object], object], memo: dict | None = None) -> Callable[[object], object]:
    """`clean` remembering its result for each text or date cell seen (one file's read long), starting
    from `memo` when given (text cells already cleaned by `clean`).

    Only str and datetime cells are remembered: numbers and booleans compare equal across types
    (1 == 1.0 == True) but do not clean alike. A cell that fails is not remembered, so the slow path
    reporting the problem cleans it again.
    """
    memo = {} if memo is None else memo

    def cached(raw: object) -> object:
        kind = type(raw)
        if kind is str or kind is datetime.datetime:
            try:
                return memo[raw]
            except KeyError:
                value = memo[raw] = clean(raw)
                return value
        return clean(raw)

    return cached


def normalise_cells(values: dict[str, object]) -> tuple[dict[str, object], tuple[Issue, ...]]:
    """Clean one person's values typed in a form exactly as the cells of a roll file are cleaned."""
    fields = tuple(f for f in _CLEANERS if f in values)
    cleaned, issues = _clean_reporting(
        [values[f] for f in fields], [(i, _CLEANERS[f]) for i, f in enumerate(fields)], fields
    )
    return dict(zip(fields, cleaned, strict=True)), issues


def _clean_reporting(
    cells: list[object], plan: list[tuple[int, Callable[[object], object]]], fields: tuple[str, ...]
) -> tuple[list[object], tuple[Issue, ...]]:
    values: list[object] = []
    issues: list[Issue] = []
    for name, (column, clean) in zip(fields, plan, strict=True):
        raw = cells[column]
        try:
            values.append(None if raw == "" else clean(raw))
        except _CellError as error:
            values.append(error.value)
            issues.append(error.issue(name))
    return values, tuple(issues)


def _text(raw: object) -> str | None:
    """Cell text with NFKC and whitespace collapsed; whole numbers without the ``.0`` Excel gives them."""
    if isinstance(raw, str):
        text = raw if raw.isascii() else unicodedata.normalize("NFKC", raw)
    elif isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    else:
        text = str(raw)
    return " ".join(text.split()) or None


def _name(raw: object) -> str | None:
    return normalise_name(str(raw)) or None


def _id_number(raw: object) -> str | None:
    try:
        return normalise_id_number(raw if isinstance(raw, int | float) else str(raw)) or None
    except IdStoredAsNumberError as error:
        raise _CellError(error.code, error.shown) from None


def _phone(raw: object) -> str | None:
    return _fits(normalise_phone(_text(raw)) or None, FIELD_MAX_LENGTHS["phone"])


def _fits(text: str | None, limit: int) -> str | None:
    """`text` when it can be written to its column: at most `limit` characters, no control characters."""
    if text is None:
        return None
    if not text.isprintable() and _CONTROL_CHARACTERS.search(text):
        raise _CellError(codes.VALUE_CONTROL_CHARACTERS, text)
    if len(text) > limit:
        raise _CellError(codes.VALUE_TOO_LONG, text, limit=limit)
    return text


def _bounded_text(field: str) -> Callable[[object], str | None]:
    limit = FIELD_MAX_LENGTHS[field]

    def clean(raw: object) -> str | None:
        return _fits(_text(raw), limit)

    return clean


def _group(raw: object) -> str | None:
    """A village group in its one canonical form (一组 = 1组 = 第一村民小组 → 第一村民小组, voters.groups)."""
    return _fits(normalise_group(_text(raw)) or None, FIELD_MAX_LENGTHS["group"])


def _sex(raw: object) -> str | None:
    text = _text(raw)
    if text is None:
        return None
    if text.upper() not in _SEXES:
        raise _CellError(codes.CHOICE_INVALID)
    return _SEXES[text.upper()]


def _party_member(raw: object) -> bool | None:
    if isinstance(raw, bool):
        return raw
    text = _text(raw)
    if text is None:
        return None
    if text.upper() not in _PARTY_MEMBER:
        raise _CellError(codes.CHOICE_INVALID)
    return _PARTY_MEMBER[text.upper()]


def _date(raw: object) -> datetime.date | None:
    """A date from an Excel date cell or from text: 2001-03-05, 2001/3/5, 2001.3.5, 20010305, 2001年3月5日."""
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = _text(raw)
    if text is None:
        return None
    match = _DATE_TEXT.fullmatch(text) or _DATE_DIGITS.fullmatch(text)
    if match is None:
        raise _CellError(codes.DATE_INVALID)
    try:
        return datetime.date(*map(int, match.groups()))
    except ValueError:
        raise _CellError(codes.DATE_INVALID) from None


_CLEANERS: dict[str, Callable[[object], object]] = {
    "name": _name,
    "id_number": _id_number,
    "sex": _sex,
    "birth_date": _date,
    "group": _group,
    "household_no": _bounded_text("household_no"),
    "relation_to_head": _text,
    "phone": _phone,
    "address": _bounded_text("address"),
    "category": _text,
    "party_member": _party_member,
    "education": _text,
    "note": _bounded_text("note"),
}

ROLL = Layout(
    field_by_header=_FIELD_BY_HEADER,
    required=REQUIRED_FIELDS,
    cleaners=_CLEANERS,
    unique=_UNIQUE_FIELDS,
    id_field="id_number",
    no_header=codes.FILE_NO_HEADER,
    empty=codes.FILE_EMPTY,
)

# A sheet of close relatives (services.import_kinship): two ID numbers and what the first person is to
# the second, with the basis and a note. 甲方/乙方 tell the two ID columns apart (a bracketed note in a
# header is ignored, so 身份证号码（甲方） would name both the same).
KINSHIP_HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "person_id": ("甲方身份证号码", "甲方身份证号", "甲方公民身份号码", "甲方身份证"),
    "relative_id": ("乙方身份证号码", "乙方身份证号", "乙方公民身份号码", "乙方身份证"),
    "relation": ("关系", "甲方是乙方的", "亲属关系", "甲方与乙方关系"),
    "basis": ("依据", "认定依据", "来源"),
    "note": ("备注", "说明"),
}
KINSHIP = Layout(
    field_by_header={
        header: field for field, headers in KINSHIP_HEADER_SYNONYMS.items() for header in headers
    },
    required=("person_id", "relative_id", "relation"),
    cleaners={
        "person_id": _id_number,
        "relative_id": _id_number,
        "relation": _text,
        "basis": _text,
        "note": _bounded_text("note"),
    },
    unique=frozenset({"person_id", "relative_id"}),
    id_field=None,
    no_header=codes.KINSHIP_FILE_NO_HEADER,
    empty=codes.KINSHIP_FILE_EMPTY,
)
