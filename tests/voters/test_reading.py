"""Tests of reading clerks' Excel rolls (voters/reading.py); every file is built here with openpyxl."""

import datetime
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings

from voters import codes
from voters.reading import RollFileError, RollRow, read_roll

if not settings.configured:
    # Run without pytest-django (-p no:django): the reader needs no more than Django's defaults.
    settings.configure()

HEADER = ["序号", "姓名", "身份证号码", "性别", "出生日期", "村民小组", "联系电话"]
ZHANG = "11010519491231002X"
LI = "330702199001011232"


def save_rows(path: Path, rows: list[list[object] | None], *, merge: tuple[str, ...] = ()) -> Path:
    """Write ``rows`` from row 1 down; None leaves a blank row."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "选民登记表"
    for row_number, row in enumerate(rows, start=1):
        for column_number, value in enumerate(row or (), start=1):
            if value is not None:
                sheet.cell(row=row_number, column=column_number, value=value)
    for cell_range in merge:
        sheet.merge_cells(cell_range)
    workbook.save(path)
    return path


def read_rows(path: Path, **limits: int) -> list[RollRow]:
    return list(read_roll(path, **limits).rows)


def read_one(tmp_path: Path, header: list[str], row: list[object]) -> RollRow:
    (only,) = read_rows(save_rows(tmp_path / "roll.xlsx", [header, row]))
    return only


def roll_error(file: Path | io.BytesIO, **limits: int) -> str:
    with pytest.raises(RollFileError) as error:
        read_roll(file, **limits)
    return error.value.code


def test_title_rows_above_the_header_are_skipped_and_excel_row_numbers_kept(tmp_path):
    path = save_rows(
        tmp_path / "roll.xlsx",
        [
            ["某某村第十二届村民委员会选举选民登记表"],
            None,
            ["制表单位：某某村村民选举委员会"],
            HEADER,
            [1, "张三", ZHANG, "男", datetime.date(1949, 12, 31), "一组", "13812345678"],
            None,
            [2, "李四", LI, "男", datetime.date(1990, 1, 1), "二组", None],
        ],
        merge=("A1:G1",),
    )
    roll = read_roll(path)
    rows = list(roll.rows)
    assert (roll.sheet_name, roll.header_row) == ("选民登记表", 4)
    assert [row.row for row in rows] == [5, 7]
    assert rows[0].values == {
        "name": "张三",
        "id_number": ZHANG,
        "sex": "M",
        "birth_date": datetime.date(1949, 12, 31),
        "group": "第一村民小组",
        "phone": "13812345678",
    }
    assert rows[1].values["phone"] is None
    assert roll.unknown_headers == ["序号"]


def test_header_synonyms_with_stray_spaces_and_full_width_characters_are_recognised(tmp_path):
    header = [
        "序号",
        " 姓　名 ",
        "公民身份号码（18位）",
        "*性别",
        "出生年月",
        "组别",
        "户编号",
        "关系",
        "手机号：",
        "家庭住址",
        "类别",
        "是否党员",
        "学历",
        "备  注",
    ]
    roll = read_roll(save_rows(tmp_path / "roll.xlsx", [header, ["1", "张三", ZHANG]]))
    assert roll.columns == {
        "name": 1,
        "id_number": 2,
        "sex": 3,
        "birth_date": 4,
        "group": 5,
        "household_no": 6,
        "relation_to_head": 7,
        "phone": 8,
        "address": 9,
        "category": 10,
        "party_member": 11,
        "education": 12,
        "note": 13,
    }
    assert roll.unknown_headers == ["序号"]


@pytest.mark.parametrize(
    ("name", "id_number"),
    [("名字", "身份证号"), ("姓名", "证件号码"), ("姓名", "身份证"), ("姓名", "公民身份号码")],
)
def test_other_header_synonyms_for_name_and_id_number(tmp_path, name, id_number):
    assert read_one(tmp_path, [name, id_number], ["张三", ZHANG]).values == {
        "name": "张三",
        "id_number": ZHANG,
    }


def test_a_repeated_header_keeps_its_first_column(tmp_path):
    roll = read_roll(
        save_rows(
            tmp_path / "roll.xlsx",
            [["姓名", "身份证号", "联系电话", "手机"], ["张三", ZHANG, "0579-82123456", "13812345678"]],
        )
    )
    assert roll.columns["phone"] == 2
    assert roll.duplicate_headers == ["手机"]
    assert next(roll.rows).values["phone"] == "0579-82123456"


@pytest.mark.parametrize(
    "raw",
    [
        "11010519491231002x",
        "１１０１０５１９４９１２３１００２Ｘ",
        " 110105 19491231 002X ",
        "'11010519491231002X",
        "\u201c11010519491231002X\u201d",
    ],
)
def test_id_numbers_are_cleaned(tmp_path, raw):
    row = read_one(tmp_path, ["姓名", "身份证号"], ["张三", raw])
    assert (row.values["id_number"], row.issues) == (ZHANG, ())


def test_id_number_excel_stored_as_a_number_is_flagged_with_what_excel_shows(tmp_path):
    row = read_one(tmp_path, ["姓名", "身份证号"], ["李四", 330702199001011232])
    assert row.values["id_number"] == "330702199001011000"
    assert [(issue.code, issue.column) for issue in row.issues] == [(codes.ID_STORED_AS_NUMBER, "id_number")]


@pytest.mark.parametrize(
    "cell",
    [
        datetime.date(2001, 3, 5),
        datetime.datetime(2001, 3, 5, 8, 30),
        "2001-03-05",
        "2001/3/5",
        "2001.3.5",
        "20010305",
        20010305,
        "2001年3月5日",
        "２００１年３月５日",
        "2001-03-05 00:00:00",
    ],
)
def test_excel_dates_and_text_dates_are_read(tmp_path, cell):
    row = read_one(tmp_path, ["姓名", "身份证号", "出生日期"], ["张三", ZHANG, cell])
    assert (row.values["birth_date"], row.issues) == (datetime.date(2001, 3, 5), ())


@pytest.mark.parametrize("cell", ["2001-02-30", "去年", "2001.3", 36955])
def test_unreadable_birth_date_is_a_warning_without_a_value(tmp_path, cell):
    row = read_one(tmp_path, ["姓名", "身份证号", "出生日期"], ["张三", ZHANG, cell])
    assert row.values["birth_date"] is None
    assert [(issue.code, issue.severity) for issue in row.issues] == [
        (codes.DATE_INVALID, codes.Severity.WARNING)
    ]


@pytest.mark.parametrize(
    ("sex", "party_member", "expected"),
    [
        ("男", "是", ("M", True)),
        ("女 ", "否", ("F", False)),
        ("女性", "中共党员", ("F", True)),
        ("m", "群众", ("M", False)),
    ],
)
def test_sex_and_party_membership_are_read_as_choices(tmp_path, sex, party_member, expected):
    row = read_one(tmp_path, ["姓名", "身份证号", "性别", "党员"], ["张三", ZHANG, sex, party_member])
    assert (row.values["sex"], row.values["party_member"]) == expected


def test_unknown_choices_are_reported_per_column(tmp_path):
    row = read_one(tmp_path, ["姓名", "身份证号", "性别", "党员"], ["张三", ZHANG, "未知", "预备"])
    assert (row.values["sex"], row.values["party_member"]) == (None, None)
    assert [(issue.code, issue.column) for issue in row.issues] == [
        (codes.CHOICE_INVALID, "sex"),
        (codes.CHOICE_INVALID, "party_member"),
    ]


def test_numbers_in_text_columns_are_read_without_a_decimal_point(tmp_path):
    row = read_one(tmp_path, ["姓名", "身份证号", "组", "户号", "电话"], ["张三", ZHANG, 3, 12, 13812345678])
    assert (row.values["group"], row.values["household_no"], row.values["phone"]) == (
        "第三村民小组",
        "12",
        "13812345678",
    )


def test_text_cells_are_normalised(tmp_path):
    row = read_one(
        tmp_path,
        ["姓名", "身份证号", "住址", "备注", "电话"],
        ["张　三", ZHANG, " 浙江省  金华市\u00a0某某村１号 ", "  ", "138 1234 5678"],
    )
    assert row.values == {
        "name": "张三",
        "id_number": ZHANG,
        "address": "浙江省 金华市 某某村1号",
        "note": None,
        "phone": "13812345678",
    }


def test_merged_cells_below_the_header_give_each_row_their_value(tmp_path):
    path = save_rows(
        tmp_path / "roll.xlsx",
        [["姓名", "身份证号", "村民小组", "户号"], ["张三", ZHANG, "一组", "7"], ["李四", LI], ["王五", LI]],
        merge=("C2:C4", "D2:D3"),
    )
    assert [(row.values["group"], row.values["household_no"]) for row in read_rows(path)] == [
        ("第一村民小组", "7"),
        ("第一村民小组", "7"),
        ("第一村民小组", None),
    ]


def test_blank_and_whitespace_only_rows_are_skipped(tmp_path):
    path = save_rows(
        tmp_path / "roll.xlsx",
        [["姓名", "身份证号"], None, ["张三", ZHANG], [" ", "\u3000"], None, ["李四", LI], None],
    )
    assert [(row.row, row.values["name"]) for row in read_rows(path)] == [(3, "张三"), (6, "李四")]


def test_the_first_visible_sheet_with_data_is_read(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "空白"
    hidden = workbook.create_sheet("隐藏")
    hidden.append(["姓名", "身份证号"])
    hidden.append(["隐藏的人", LI])
    hidden.sheet_state = "hidden"
    roll = workbook.create_sheet("名单")
    roll.append(["姓名", "身份证号"])
    roll.append(["张三", ZHANG])
    workbook.save(tmp_path / "roll.xlsx")
    sheet = read_roll(tmp_path / "roll.xlsx")
    assert sheet.sheet_name == "名单"
    assert [row.values["name"] for row in sheet.rows] == ["张三"]


def test_an_uploaded_file_object_reads_like_a_path(tmp_path):
    path = save_rows(tmp_path / "roll.xlsx", [["姓名", "身份证号"], ["张三", ZHANG]])
    upload = io.BytesIO(path.read_bytes())
    upload.read(10)
    assert read_rows(upload) == read_rows(path)


def test_an_opendocument_spreadsheet_is_read(tmp_path):
    cells = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
            for value in row
        )
        + "</table:table-row>"
        for row in (["姓名", "身份证号"], ["张三", "11010519491231002x"])
    )
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="名单">{cells}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    path = tmp_path / "roll.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    assert [row.values for row in read_rows(path)] == [{"name": "张三", "id_number": ZHANG}]


def test_a_text_file_is_not_excel(tmp_path):
    path = tmp_path / "roll.xlsx"
    path.write_text("姓名,身份证号\n张三,11010519491231002X\n", encoding="utf-8")
    assert roll_error(path) == codes.FILE_NOT_EXCEL


def test_a_zip_that_is_not_a_spreadsheet_is_not_excel(tmp_path):
    path = tmp_path / "roll.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    assert roll_error(path) == codes.FILE_NOT_EXCEL


def test_an_ole_file_that_calamine_cannot_read_is_not_excel(tmp_path):
    path = tmp_path / "roll.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
    assert roll_error(path) == codes.FILE_NOT_EXCEL


def test_a_password_protected_workbook_is_reported_as_such(tmp_path):
    path = tmp_path / "roll.xlsx"
    directory_entry = "EncryptionInfo".encode("utf-16-le").ljust(128, b"\0")
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + directory_entry + bytes(384))
    assert roll_error(path) == codes.FILE_ENCRYPTED


def test_an_empty_file_is_empty(tmp_path):
    path = tmp_path / "roll.xlsx"
    path.write_bytes(b"")
    assert roll_error(path) == codes.FILE_EMPTY


def test_a_header_without_rows_is_empty(tmp_path):
    assert (
        roll_error(save_rows(tmp_path / "roll.xlsx", [["姓名", "身份证号"], None, [" "]])) == codes.FILE_EMPTY
    )


def test_a_workbook_without_data_is_empty(tmp_path):
    openpyxl.Workbook().save(tmp_path / "roll.xlsx")
    assert roll_error(tmp_path / "roll.xlsx") == codes.FILE_EMPTY


def test_a_file_over_max_bytes_is_too_large_and_one_at_the_limit_is_read(tmp_path):
    path = save_rows(tmp_path / "roll.xlsx", [["姓名", "身份证号"], ["张三", ZHANG]])
    size = path.stat().st_size
    assert roll_error(path, max_bytes=size - 1) == codes.FILE_TOO_LARGE
    assert len(read_rows(path, max_bytes=size)) == 1


def test_a_zip_expanding_more_than_a_hundredfold_is_a_zip_bomb(tmp_path):
    path = tmp_path / "roll.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", bytes(20 * 1024 * 1024))
    assert roll_error(path) == codes.FILE_ZIP_BOMB


def test_a_zip_expanding_beyond_the_unpacked_limit_is_a_zip_bomb(tmp_path):
    path = save_rows(tmp_path / "roll.xlsx", [["姓名", "身份证号"], ["张三", ZHANG]])
    assert roll_error(path, max_unpacked_bytes=1000) == codes.FILE_ZIP_BOMB


def test_formulas_on_the_roll_sheet_are_rejected(tmp_path):
    path = save_rows(tmp_path / "roll.xlsx", [["姓名", "身份证号"], ["张三", ZHANG], ["=B2", '=UPPER("x")']])
    assert roll_error(path) == codes.FILE_FORMULAS


def test_formulas_are_found_when_the_sheet_xml_uses_a_namespace_prefix(tmp_path):
    source = save_rows(tmp_path / "source.xlsx", [["姓名", "身份证号"], ["张三", "=A2"]])
    path = tmp_path / "roll.xlsx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as prefixed:
        for member in original.namelist():
            data = original.read(member)
            if member == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<(/?)(\w+)([\s/>])", rb"<\1x:\2\3", data).replace(b'xmlns="', b'xmlns:x="')
                assert b"<x:f>" in data
            prefixed.writestr(member, data)
    assert roll_error(path) == codes.FILE_FORMULAS


def test_formulas_on_another_sheet_do_not_matter(tmp_path):
    path = save_rows(tmp_path / "roll.xlsx", [["姓名", "身份证号"], ["张三", ZHANG]])
    workbook = openpyxl.load_workbook(path)
    workbook.create_sheet("统计")["A1"] = "=COUNTA(选民登记表!A:A)"
    workbook.save(path)
    assert len(read_rows(path)) == 1


def test_more_data_rows_than_max_rows_are_too_many(tmp_path):
    path = save_rows(
        tmp_path / "roll.xlsx", [["标题"], ["姓名", "身份证号"], ["张三", ZHANG], ["李四", LI], ["王五", LI]]
    )
    assert len(read_rows(path, max_rows=3)) == 3
    assert roll_error(path, max_rows=2) == codes.FILE_TOO_MANY_ROWS


def test_a_header_without_an_id_number_column_is_not_a_roll_header(tmp_path):
    path = save_rows(tmp_path / "roll.xlsx", [["姓名", "性别", "出生日期"], ["张三", "男", "1949-12-31"]])
    assert roll_error(path) == codes.FILE_NO_HEADER


def test_the_header_is_looked_for_in_the_first_ten_rows(tmp_path):
    at_ten = save_rows(tmp_path / "ten.xlsx", [["说明"]] * 9 + [["姓名", "身份证号"], ["张三", ZHANG]])
    assert read_roll(at_ten).header_row == 10
    at_eleven = save_rows(tmp_path / "eleven.xlsx", [["说明"]] * 10 + [["姓名", "身份证号"], ["张三", ZHANG]])
    assert roll_error(at_eleven) == codes.FILE_NO_HEADER


def test_the_row_naming_the_most_columns_is_the_header(tmp_path):
    path = save_rows(
        tmp_path / "roll.xlsx",
        [["姓名", "身份证号"], ["姓名", "身份证号", "性别", "备注"], ["张三", ZHANG, "男", ""]],
    )
    roll = read_roll(path)
    assert (roll.header_row, set(roll.columns)) == (2, {"name", "id_number", "sex", "note"})
