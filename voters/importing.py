"""From a clerk's roll file to rows ready to write: shape checks, rules and duplicates within the file.

Everything here is plain Python over tuples and dicts (no ORM): the database work — duplicates against
the roll and other villages, the writes — is `services.import_roll`, done set-based.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from voters import codes
from voters.rules import (
    VOTING_AGE,
    age_on,
    birth_date_from_id,
    check_person,
    mask_id_number,
    sex_from_id,
    validate_id_number,
    validate_name,
    validate_phone,
)

# Words clerks write in the category, relationship and education columns → the model's choices.
CATEGORY_WORDS = {
    "hukou_resident": ("户籍在本村居住", "户籍村民", "本村居住", "在村", "户籍在村", "1"),
    "hukou_away": ("户籍在本村不居住", "户籍在村外出", "外出", "不在村", "人户分离", "2"),
    "non_hukou": ("非户籍", "寄居", "外来", "非户籍居住一年以上", "3"),
}
RELATION_WORDS = {
    "head": ("户主", "本人"),
    "spouse": ("配偶", "妻", "夫", "妻子", "丈夫"),
    "child": (
        "子",
        "女",
        "儿子",
        "女儿",
        "长子",
        "次子",
        "三子",
        "长女",
        "次女",
        "三女",
        "独生子",
        "独生女",
        "养子",
        "养女",
        "继子",
        "继女",
    ),
    "child_in_law": ("儿媳", "女婿", "媳", "儿媳妇"),
    "parent": ("父亲", "母亲", "父", "母", "父母"),
    "parent_in_law": ("公公", "婆婆", "岳父", "岳母"),
    "grandparent": ("祖父", "祖母", "外祖父", "外祖母", "爷爷", "奶奶"),
    "grandchild": ("孙子", "孙女", "外孙", "外孙女", "孙", "孙媳妇"),
    "sibling": ("兄", "弟", "姐", "妹", "兄弟", "姐妹", "哥哥", "弟弟", "姐姐", "妹妹"),
    "other": ("其他", "其它"),
}
EDUCATION_WORDS = {
    "primary": ("小学", "文盲", "半文盲", "不识字", "小学及以下"),
    "junior": ("初中",),
    "senior": ("高中", "中专", "职高", "技校", "中技", "高中/中专"),
    "college": ("大专", "专科", "高职"),
    "bachelor": ("本科", "大学", "大学本科"),
    "postgraduate": ("研究生", "硕士", "博士", "硕士研究生", "博士研究生"),
}


def _lookup(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {word: key for key, words in table.items() for word in (*words, key)}


CATEGORY = _lookup(CATEGORY_WORDS)
RELATION = _lookup(RELATION_WORDS)
EDUCATION = _lookup(EDUCATION_WORDS)

# The fields that make two rows "the same row" for the repeated-row rule.
ROW_FIELDS = (
    "name",
    "id_number",
    "sex",
    "birth_date",
    "group",
    "household_no",
    "relation_to_head",
    "phone",
    "address",
    "category",
    "party_member",
    "education",
)
COLUMN_TITLES = {
    "name": "姓名",
    "id_number": "身份证号码",
    "sex": "性别",
    "birth_date": "出生日期",
    "group": "村民小组",
    "household_no": "户号",
    "relation_to_head": "与户主关系",
    "phone": "联系电话",
    "address": "住址",
    "category": "登记类别",
    "party_member": "是否党员",
    "education": "文化程度",
    "note": "备注",
}


class Phases:
    """Seconds an import spends in each of its phases (tests/benchmarks/test_roll_import.py prints them).

    A handful of clock readings per chunk of rows (never per row), so it is always on. The checking
    thread's phases (parse, normalise, check, prepare, wait) and the writer's (lookup, write) overlap in
    time: their sum is more than the wall time when the database works while Python checks.
    """

    __slots__ = ("seconds",)

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def add(self, name: str, seconds: float) -> None:
        # Each phase is timed by one thread only, so two threads never update the same key.
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    @contextmanager
    def timing(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - started)

    def timed(self, name: str, fn):
        """`fn` wrapped to add its time to `name` (for work handed to the writer thread)."""

        def run(*args):
            with self.timing(name):
                return fn(*args)

        return run


@dataclass(slots=True)
class CheckedRow:
    """A row that passed every rule: the values to write, keyed like the models' fields."""

    row: int
    name: str
    id_number: str
    sex: str
    birth_date: datetime.date
    group: str
    household_no: str
    relation_to_head: str
    phone: str
    address: str
    category: str
    party_member: bool
    education: str
    note: str

    def resident_values(self) -> tuple:
        return (
            self.name,
            self.sex,
            self.birth_date,
            self.phone,
            self.address,
            self.relation_to_head,
            self.category != "non_hukou",
            self.party_member,
            self.education,
        )

    def registration_values(self) -> tuple:
        return (self.group, self.category)


@dataclass
class CheckResult:
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    rejected_rows: set[int] = field(default_factory=set)
    rows_read: int = 0


def shown_value(column: str | None, value) -> str:
    """A cell's value as the error file and the command's report show it: as typed (a date as
    2001-03-05, yes/no as 是/否), an ID number masked (a stored result never holds one in full)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%Y-%m-%d")
    if column == "id_number":
        return mask_id_number(str(value))
    if column == "sex":
        return {"M": "男", "F": "女"}.get(str(value), str(value))
    return str(value)


def _error(
    result: CheckResult, row: int, column: str | None, code: str, message=None, *, values=None, name=None
) -> None:
    """Record a problem of a row: an error rejects the row, a warning is shown for acknowledgement.

    With the row's `values` (or its `name` and ID number), the entry carries the person's name and the
    original value of the column, for the error file (issue 14: row, name, column, value, message)."""
    values = values or {}
    entry = {
        "row": row,
        "name": str(name or values.get("name") or ""),
        "column": COLUMN_TITLES.get(column or "", column or ""),
        "value": shown_value(column, values.get(column or "")),
        "code": code,
        "message": str(message if message is not None else codes.MESSAGES[code]),
    }
    if codes.SEVERITY.get(code) == codes.Severity.WARNING:
        result.warnings.append(entry)
    else:
        result.errors.append(entry)
        result.rejected_rows.add(row)


def _choice(value, table: dict[str, str]) -> str | None:
    if value in (None, ""):
        return ""
    return table.get(str(value).strip())


class RowChecker:
    """Apply the registration rules to the rows of a roll file and find repeats within the file, a chunk
    at a time, so an import can write one chunk while the next is checked.

    A row repeated identically registers the person once and is reported as a repeat; two rows with the
    same ID number but different details are both rejected, each naming the other, because the clerk
    must decide which is right (DOMAIN.md: no wrong entries, no duplicates).

    `feed` returns the rows of the chunk that are ready to write. A row is ready at once unless its ID
    number is among `repeated` (the numbers found more than once in the file, see
    `reading.RollSheet.repeated_ids`): those are held until `finish`, when every repeat has been seen
    and an identical repeat can be told from a conflicting one. Without `repeated`, every row is held.
    """

    def __init__(self, *, election_day: datetime.date, repeated: frozenset[str] | None = None) -> None:
        self.result = CheckResult()
        self._election_day = election_day
        self._repeated = repeated
        self._first_row_of: dict[str, tuple[int, tuple]] = {}
        self._conflicting: set[str] = set()
        self._held: list[CheckedRow] = []
        self._valid_names: dict[str, bool] = {}  # names repeat down a roll: each is judged once

    def _passes(self, values: dict) -> tuple | None:
        """The fast path of a row that meets every rule, as most rows do: (phone, category, relation,
        education, sex, birth date), the same values the full path gives them. None as soon as anything
        is not plainly right, and the full path (`feed`) then finds and records every problem.

        The same rules, with what the cells' cleaning has already done left out (a mobile number it
        normalised is 11 ASCII digits; a word it cleaned is stripped), a name judged once per name, and
        the birth date read from the ID number once."""
        name, id_number = values.get("name"), values.get("id_number")
        if type(name) is not str or type(id_number) is not str or not name:
            return None
        words = []
        for column, table in (
            ("category", CATEGORY),
            ("relation_to_head", RELATION),
            ("education", EDUCATION),
        ):
            value = values.get(column)
            if value is None or value == "":
                words.append("")
            elif type(value) is str and value in table:
                words.append(table[value])
            else:
                return None
        phone = values.get("phone") or ""
        if phone and not (
            type(phone) is str
            and len(phone) == 11
            and phone.isascii()
            and phone.isdigit()
            and phone[0] == "1"
            and phone[1] in "3456789"
        ):
            return None
        valid_name = self._valid_names.get(name)
        if valid_name is None:
            valid_name = self._valid_names[name] = not validate_name(name)[1]
        if not valid_name:
            return None
        number, id_issues = validate_id_number(id_number)
        if id_issues or number != id_number:
            return None
        born = birth_date_from_id(id_number)
        sex = sex_from_id(id_number)
        given_birth, given_sex = values.get("birth_date"), values.get("sex")
        if (
            (given_birth is not None and given_birth != born)
            or (given_sex is not None and given_sex != sex)
            or age_on(born, self._election_day) < VOTING_AGE
        ):
            return None
        return (phone, *words, sex, born)

    def feed(self, rows) -> list[CheckedRow]:
        result = self.result
        first_row_of, repeated = self._first_row_of, self._repeated
        ready: list[CheckedRow] = []
        passes = self._passes
        for roll_row in rows:
            result.rows_read += 1
            number, values = roll_row.row, roll_row.values
            passed = None if roll_row.issues else passes(values)
            if passed is not None:
                phone, category, relation, education, sex, born = passed
                name, id_number = values["name"], values["id_number"]
            elif (checked := self._check_fully(roll_row)) is None:
                continue
            else:
                phone, category, relation, education = checked
                name, id_number = values.get("name"), values.get("id_number")
                sex, born = sex_from_id(id_number), birth_date_from_id(id_number)
            key = tuple(map(values.get, ROW_FIELDS))
            seen = first_row_of.get(id_number)
            if seen is not None:
                if seen[1] == key:
                    result.duplicates.append(
                        {"row": number, "kind": "file", "other": seen[0], "identical": True}
                    )
                else:
                    if repeated is not None and id_number not in repeated:  # already handed out to write
                        raise RuntimeError(
                            f"ID number of row {number} repeats but was not announced as repeated"
                        )
                    self._conflicting.add(id_number)
                    result.duplicates.append(
                        {
                            "row": number,
                            "kind": "file",
                            "other": seen[0],
                            "identical": False,
                            "values": {"name": name, "id_number": id_number},
                        }
                    )
                continue
            first_row_of[id_number] = (number, key)
            checked = CheckedRow(
                row=number,
                name=name,
                id_number=id_number,
                sex=sex,
                birth_date=born,
                group=str(values.get("group") or ""),
                household_no=str(values.get("household_no") or ""),
                relation_to_head=relation or "",
                phone=phone,
                address=str(values.get("address") or ""),
                category=category or "hukou_resident",
                party_member=bool(values.get("party_member")),
                education=education or "",
                note=str(values.get("note") or ""),
            )
            if repeated is None or id_number in repeated:
                self._held.append(checked)
            else:
                ready.append(checked)
        return ready

    def _check_fully(self, roll_row) -> tuple | None:
        """Every rule on one row, each problem recorded: (phone, category, relation, education) of a row
        that passes (perhaps with warnings), None for a rejected one."""
        result, election_day = self.result, self._election_day
        number, values = roll_row.row, roll_row.values
        rejected_before = len(result.rejected_rows)
        for issue in roll_row.issues:
            _error(result, number, issue.column, issue.code, issue.message, values=values)
        name, id_number = values.get("name"), values.get("id_number")
        if not name and not any(i.column == "name" for i in roll_row.issues):
            _error(result, number, "name", codes.NAME_REQUIRED, values=values)
        if not id_number and not any(i.column == "id_number" for i in roll_row.issues):
            _error(result, number, "id_number", codes.REQUIRED, values=values)
        category = _choice(values.get("category"), CATEGORY)
        relation = _choice(values.get("relation_to_head"), RELATION)
        education = _choice(values.get("education"), EDUCATION)
        if category is None:
            _error(result, number, "category", codes.CHOICE_INVALID, values=values)
        if relation is None:
            _error(result, number, "relation_to_head", codes.CHOICE_INVALID, values=values)
        if education is None:
            _error(result, number, "education", codes.CHOICE_INVALID, values=values)
        phone = values.get("phone") or ""
        if phone:
            phone, phone_issues = validate_phone(phone)
            for issue in phone_issues:
                _error(result, number, "phone", issue.code, issue.message, values=values)
        if name and id_number:
            for issue in check_person(
                name=name,
                id_number=id_number,
                birth_date=values.get("birth_date"),
                sex=values.get("sex"),
                election_day=election_day,
            ):
                _error(result, number, issue.column, issue.code, issue.message, values=values)
        if len(result.rejected_rows) > rejected_before:
            return None
        return phone, category, relation, education

    def finish(self) -> list[CheckedRow]:
        """The held rows that are ready after all; both rows of every conflicting pair are rejected."""
        result, conflicting = self.result, self._conflicting
        ready = []
        for checked in self._held:
            if checked.id_number in conflicting:
                _error(
                    result,
                    checked.row,
                    "id_number",
                    codes.DUPLICATE_IN_FILE,
                    values={"name": checked.name, "id_number": checked.id_number},
                )
            else:
                ready.append(checked)
        for dup in result.duplicates:
            if not dup["identical"]:
                _error(
                    result, dup["row"], "id_number", codes.DUPLICATE_IN_FILE, values=dup.pop("values", None)
                )
        return ready


TEMPLATE_COLUMNS = (
    "name",
    "id_number",
    "sex",
    "birth_date",
    "group",
    "household_no",
    "relation_to_head",
    "phone",
    "address",
    "category",
    "party_member",
    "education",
    "note",
)


def template_bytes(*, village_name: str) -> bytes:
    """The roll template clerks download: Chinese headers, the ID column stored as text, one example row."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "选民登记"
    ws.append([f"{village_name}选民登记表"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([COLUMN_TITLES[c] for c in TEMPLATE_COLUMNS])
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
        cell.alignment = Alignment(horizontal="center")
    ws["B2"].comment = Comment(
        "身份证号码列已设为“文本”格式，请直接粘贴18位号码；不要改成数字格式，否则后3位会丢失。", "换届系统"
    )
    ws["J2"].comment = Comment("户籍在本村居住 / 户籍在本村不居住 / 非户籍居住一年以上", "换届系统")
    example = [
        "张三",
        "330702198001011234",
        "男",
        "1980-01-01",
        "一组",
        "001",
        "户主",
        "13800000000",
        "一组12号",
        "户籍在本村居住",
        "否",
        "初中",
        "示例行，导入前请删除",
    ]
    ws.append(example)
    for cell in ws[3]:
        cell.font = Font(color="888888", italic=True)
    widths = (10, 22, 6, 12, 10, 8, 12, 14, 20, 18, 10, 10, 20)
    for index, width in enumerate(widths, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = width
    # Text format for the ID and phone columns, so Excel never turns them into numbers.
    for row in range(3, 3002):
        ws.cell(row=row, column=2).number_format = "@"
        ws.cell(row=row, column=8).number_format = "@"
    ws.freeze_panes = "A3"
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def kinship_template_bytes(*, village_name: str) -> bytes:
    """The template of a sheet of close relatives (services.import_kinship): two ID numbers stored as
    text, what 甲 is to 乙, the basis and a note; the accepted words are in the header's comments."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "亲属关系"
    ws.append([f"{village_name}近亲属关系登记表（甲方是乙方的……）"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["甲方身份证号码", "关系", "乙方身份证号码", "依据", "备注"])
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
        cell.alignment = Alignment(horizontal="center")
    author = "换届系统"
    ws["A2"].comment = Comment("18位身份证号码，本列为“文本”格式；双方须已登记在本届选民名单上。", author)
    ws["B2"].comment = Comment(
        "甲方是乙方的：配偶 / 父母 / 子女 / 兄弟姐妹 / 祖父母/外祖父母 / 孙子女/外孙子女", author
    )
    ws["D2"].comment = Comment(
        "户籍档案/公安户籍资料 / 村（居）委会证明 / 本人申报 / 走访核实 / 其他（填“其他”时请在备注中说明）",
        author,
    )
    for letter, width in zip("ABCDE", (22, 16, 22, 24, 30), strict=True):
        ws.column_dimensions[letter].width = width
    for letter in "AC":
        for row in range(3, 1003):
            ws[f"{letter}{row}"].number_format = "@"
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
