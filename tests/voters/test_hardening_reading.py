"""Bounded reading (issue 12): a roll file is measured from its XML, and refused, before python-calamine
builds a grid; every field is checked against its column. The doors (command, web, task) are in
test_hardening_doors.py, the real worker in test_worker.py."""

import io
import zipfile

import pytest
import python_calamine
from hypothesis import given
from hypothesis import strategies as st

from tests.voters.roll_files import FAR_CELL, PeakMemory, append_rows, far_cell, wide, with_sheet_xml
from tests.voters.test_reading import LI, ZHANG, save_rows
from voters import codes, extent
from voters.models import Household, Resident, VoterRegistration
from voters.reading import FIELD_MAX_LENGTHS, RollFileError, normalise_cells, read_roll

HEADER = ["姓名", "身份证号码", "村民小组", "户号", "联系电话", "住址", "备注"]


@pytest.fixture
def roll(tmp_path) -> bytes:
    path = save_rows(
        tmp_path / "roll.xlsx",
        [["上方村选民登记表"], HEADER, ["张三", ZHANG, "一组", "H1"], ["李四", LI, "二组", "H2"]],
    )
    return path.read_bytes()


@pytest.fixture
def calamine_must_not_run(monkeypatch):
    """Fail the test if the refused file reached the spreadsheet library at all."""

    def refuse(*args, **kwargs):
        raise AssertionError("a refused file reached python-calamine")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", refuse)
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", refuse)


def refused(data: bytes, **limits) -> RollFileError:
    with pytest.raises(RollFileError) as error:
        read_roll(io.BytesIO(data), **limits)
    return error.value


def test_the_issues_far_cell_file_is_refused_quickly_in_little_memory_before_calamine(
    roll, calamine_must_not_run
):
    data = append_rows(roll, FAR_CELL)
    assert len(data) < 10_000  # the issue's "5 KB" file
    with PeakMemory() as memory:
        error = refused(data)
    assert error.code == codes.FILE_TOO_MANY_COLUMNS
    assert "XFD" in str(error.message) and "50" in str(error.message)
    assert memory.seconds < 2 and memory.grown_mb < 100


def test_a_thousand_column_file_is_refused_before_calamine(roll, calamine_must_not_run):
    with PeakMemory() as memory:
        error = refused(wide(roll, columns=1000))
    assert error.code == codes.FILE_TOO_MANY_COLUMNS
    assert memory.seconds < 2 and memory.grown_mb < 100


def test_a_merely_far_cell_is_refused_by_the_column_limit(roll, calamine_must_not_run):
    assert refused(far_cell(roll, "AZ150000")).code == codes.FILE_TOO_MANY_COLUMNS


def test_the_column_limit_is_inclusive(roll):
    at_limit = far_cell(roll, "AX10")  # column 50
    assert [row.values["name"] for row in read_roll(io.BytesIO(at_limit), max_columns=50).rows] == [
        "张三",
        "李四",
    ]
    assert refused(at_limit, max_columns=49).code == codes.FILE_TOO_MANY_COLUMNS


def test_a_cell_below_the_row_limit_is_refused_before_calamine(roll, calamine_must_not_run):
    error = refused(far_cell(roll, "A1048576"))
    assert error.code == codes.FILE_TOO_MANY_ROWS and "200000" in str(error.message)


def test_rows_are_counted_from_the_header_so_title_rows_do_not_count_against_the_limit(roll):
    # Two people under a title and a header: 4 rows in the sheet, 2 below the header.
    assert len(list(read_roll(io.BytesIO(roll), max_rows=2).rows)) == 2
    assert refused(far_cell(roll, "A20"), max_rows=5).code == codes.FILE_TOO_MANY_ROWS


def test_a_grid_over_the_memory_budget_is_refused_within_the_limits(roll, calamine_must_not_run):
    # 50 columns by 190,000 rows: inside both limits, ~380 MB of grid.
    error = refused(far_cell(roll, "AX190000"))
    assert error.code == codes.FILE_GRID_TOO_LARGE
    assert "190000" in str(error.message) and "256" in str(error.message)


def test_the_grid_budget_is_a_setting(roll, settings):
    data = far_cell(roll, "M20000")  # 13 x 20,000 cells: ~10 MB
    assert read_roll(io.BytesIO(data)).row_count > 0
    settings.ROLL_GRID_BUDGET_MB = 5
    assert refused(data).code == codes.FILE_GRID_TOO_LARGE


def test_a_sheet_written_without_cell_references_is_measured_exactly(roll, calamine_must_not_run):
    # No r attribute: calamine places each cell after the previous one; the fast scan hands over.
    cells = b'<c t="inlineStr"><is><t>x</t></is></c>' * 60
    assert refused(append_rows(roll, b"<row>" + cells + b"</row>")).code == codes.FILE_TOO_MANY_COLUMNS


def test_a_far_cell_with_its_attributes_in_another_order_is_found(roll, calamine_must_not_run):
    row = b'<row r="9"><c t="inlineStr" r="XFD9"><is><t>x</t></is></c></row>'
    assert refused(append_rows(roll, row)).code == codes.FILE_TOO_MANY_COLUMNS


def test_a_far_cell_under_a_second_prefix_for_the_namespace_is_found(roll, calamine_must_not_run):
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    row = (
        b'<y:row xmlns:y="'
        + main
        + b'" r="9"><y:c r="XFD9" t="inlineStr"><y:is><y:t>x</y:t></y:is></y:c></y:row>'
    )
    assert refused(append_rows(roll, row)).code == codes.FILE_TOO_MANY_COLUMNS


def test_a_far_cell_among_many_rows_is_found(tmp_path, calamine_must_not_run):
    rows = [["姓名", "身份证号"]] + [["张三", ZHANG]] * 3000
    data = save_rows(tmp_path / "roll.xlsx", rows).read_bytes()
    # In the middle of the sheet, and out of order: rows before it are smaller, after it too.
    middle = with_sheet_xml(
        data, lambda body: body.replace(b'<row r="1500">', b'<row r="1500"><c r="BA7" t="n"><v>1</v></c>')
    )
    assert refused(middle).code == codes.FILE_TOO_MANY_COLUMNS


def test_a_dimension_that_lies_does_not_refuse_a_small_roll(roll):
    lying = with_sheet_xml(
        roll, lambda body: body.replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>', 1)
    )
    assert [row.values["name"] for row in read_roll(io.BytesIO(lying)).rows] == ["张三", "李四"]


def test_a_merge_reaching_the_end_of_the_sheet_is_cut_to_the_grid(roll):
    merged = with_sheet_xml(
        roll,
        lambda body: body.replace(
            b"</sheetData>",
            b'</sheetData><mergeCells count="1"><mergeCell ref="C3:XFD1048576"/></mergeCells>',
        ),
    )
    with PeakMemory() as memory:
        rows = list(read_roll(io.BytesIO(merged)).rows)
    assert [row.values["group"] for row in rows] == ["第一村民小组", "第一村民小组"]
    assert memory.grown_mb < 100


def test_a_far_cell_on_a_hidden_sheet_is_never_built(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(["张三", ZHANG])
    hidden = workbook.create_sheet("隐藏")
    hidden["XFD1048576"] = "x"
    hidden.sheet_state = "hidden"
    workbook.save(tmp_path / "roll.xlsx")
    with PeakMemory() as memory:
        assert [row.values["name"] for row in read_roll(tmp_path / "roll.xlsx").rows] == ["张三"]
    assert memory.grown_mb < 100


ODS_MANIFEST = (
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    '<manifest:file-entry manifest:full-path="/"'
    ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _ods(table_xml: str) -> bytes:
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="名单">{table_xml}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        archive.writestr("content.xml", content)
    return out.getvalue()


def _ods_cell(value: str) -> str:
    return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'


ODS_ROLL = (
    f"<table:table-row>{_ods_cell('姓名')}{_ods_cell('身份证号')}</table:table-row>"
    f"<table:table-row>{_ods_cell('张三')}{_ods_cell(ZHANG)}</table:table-row>"
)


def test_an_opendocument_file_repeating_a_cell_far_away_is_refused_before_calamine(calamine_must_not_run):
    # 900 bytes that calamine expands to 150,000 x 52 cells (~490 MB, measured).
    far = (
        '<table:table-row table:number-rows-repeated="150000"><table:table-cell/></table:table-row>'
        '<table:table-row><table:table-cell table:number-columns-repeated="51"/>'
        f"{_ods_cell('x')}</table:table-row>"
    )
    with PeakMemory() as memory:
        assert refused(_ods(ODS_ROLL + far)).code == codes.FILE_TOO_MANY_COLUMNS
    assert memory.grown_mb < 100


def test_an_opendocument_file_repeating_a_row_past_the_limit_is_refused(calamine_must_not_run):
    far = f'<table:table-row table:number-rows-repeated="1048000">{_ods_cell("x")}</table:table-row>'
    assert refused(_ods(ODS_ROLL + far)).code == codes.FILE_TOO_MANY_ROWS


def test_trailing_empty_repeats_of_an_opendocument_file_do_not_count():
    # LibreOffice pads every sheet like this to its full size.
    padding = (
        '<table:table-row table:number-rows-repeated="1048574">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    assert [row.values["name"] for row in read_roll(io.BytesIO(_ods(ODS_ROLL + padding))).rows] == ["张三"]


@given(
    columns=st.integers(1, 16384),
    rows=st.integers(1, 1048576),
    column=st.integers(1, 16384),
    row=st.integers(1, 1048576),
)
def test_the_scan_flags_exactly_the_cells_beyond_the_farthest_seen(columns, rows, column, row):
    scan = extent._FastScan(b"", extent.Limits(10**9, 10**9, 10**18))
    scan.columns, scan.rows = columns, rows
    cell = f'<c r="{extent.column_letters(column)}{row}" t="n">'.encode()
    assert bool(scan._pattern().search(cell)) == (column > columns or row > rows)


def test_column_letters_round_trip():
    for number in (1, 26, 27, 52, 702, 703, 16384):
        assert extent._column_number(extent.column_letters(number)) == number
    assert extent.column_letters(16384) == "XFD"


# --- every field against its column ---------------------------------------------------------------------


def test_the_field_limits_are_the_columns_max_lengths():
    columns = {
        "group": (Household._meta.get_field("group"), VoterRegistration._meta.get_field("group")),
        "household_no": (Household._meta.get_field("number"),),
        "phone": (Resident._meta.get_field("phone"),),
        "address": (Household._meta.get_field("address"), Resident._meta.get_field("address")),
        "note": (VoterRegistration._meta.get_field("note"),),
    }
    assert set(columns) == set(FIELD_MAX_LENGTHS)
    for field, model_fields in columns.items():
        assert {f.max_length for f in model_fields} == {FIELD_MAX_LENGTHS[field]}, field
    assert Resident._meta.get_field("name").max_length == 30  # rules.NAME_MAX_LENGTH
    assert Resident._meta.get_field("id_number").max_length == 18


@pytest.mark.parametrize(
    ("field", "column_title"),
    [
        ("group", "村民小组"),
        ("household_no", "户号"),
        ("phone", "联系电话"),
        ("address", "住址"),
        ("note", "备注"),
    ],
)
def test_a_value_one_longer_than_its_column_is_a_row_error_and_one_at_the_limit_is_not(
    tmp_path, field, column_title
):
    limit = FIELD_MAX_LENGTHS[field]
    column = HEADER.index(column_title)
    fitting, too_long = ["张三", ZHANG, "", "", "", "", ""], ["李四", LI, "", "", "", "", ""]
    fitting[column], too_long[column] = "组" * limit, "组" * (limit + 1)
    if field == "phone":
        fitting[column], too_long[column] = "0" * limit, "0" * (limit + 1)
    path = save_rows(tmp_path / "roll.xlsx", [HEADER, fitting, too_long])
    first, second = read_roll(path).rows
    assert [i.code for i in first.issues if i.code == codes.VALUE_TOO_LONG] == []
    assert [(i.code, i.column) for i in second.issues] == [(codes.VALUE_TOO_LONG, field)]
    assert str(limit) in str(second.issues[0].message)


def test_control_characters_in_a_text_field_are_a_row_error(tmp_path):
    values, issues = normalise_cells(
        {"name": "张三", "id_number": ZHANG, "address": "一组\x00号", "note": "ok"}
    )
    assert [(i.code, i.column) for i in issues] == [(codes.VALUE_CONTROL_CHARACTERS, "address")]
    assert values["note"] == "ok"


def test_a_form_value_is_held_to_the_same_column_limits():
    _, issues = normalise_cells({"name": "张三", "id_number": ZHANG, "group": "组" * 41})
    assert [(i.code, i.column) for i in issues] == [(codes.VALUE_TOO_LONG, "group")]
