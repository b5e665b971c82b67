"""Reading a region list (CSV or Excel) for `manage.py import_regions`, the one import of regions.

The statistics bureau's tables load as published: `统计用区划代码,名称` (and `城乡分类代码` on the village
pages), codes padded to 12 digits, names with their committee suffixes. Rows come one at a time, so a
national list of 660,000 rows is never held as 660,000 dicts.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection
from python_calamine import CalamineWorkbook

from . import codes
from .bulk import copy_rows
from .models import Region, UrbanRural
from .regions import LEVELS, common_unit, full_code, level_of, parent_code, short_name

# Accepted headers for each field (Chinese as in the statistics bureau's lists, and English).
HEADERS = {
    "code": {"code", "区划代码", "统计用区划代码", "代码"},
    "name": {"name", "名称", "单位名称"},
    "urban_rural_code": {"urban_rural_code", "城乡分类代码", "城乡分类"},
    "population": {"population", "人口", "户籍人口"},
    "households": {"households", "户数"},
    "party_members": {"party_members", "党员数", "党员人数"},
    "village_groups": {"village_groups", "村民小组数", "小组数"},
    "is_community": {"is_community", "社区", "是否社区"},
    "weak_party_organization": {"weak_party_organization", "软弱涣散"},
}
LOOKUP = {alias: key for key, aliases in HEADERS.items() for alias in aliases}
# Excel keeps a column of digits as numbers: 12 digits (and a 3-digit class) come back as exact floats.
DIGIT_FIELDS = {"code", "urban_rural_code"}
# A CSV saved by Excel on a Chinese Windows is GB18030 (GBK), not UTF-8: told apart by its first bytes.
SNIFF_BYTES = 1 << 16


def _rows_from_table(table: Iterator[list], *, typed: bool) -> Iterator[dict[str, object]]:
    """One dict per data row (an empty dict for a blank row, so that row numbers stay the file's).

    `typed`: the cells are a spreadsheet's (numbers, dates, None), not a CSV's strings.
    """
    header = next(table, None)
    if header is None:
        return
    columns = [(i, LOOKUP[str(h).strip()]) for i, h in enumerate(header) if str(h).strip() in LOOKUP]
    for values in table:
        if len(values) < len(header):
            values = [*values, *[""] * (len(header) - len(values))]
        if typed:
            row = {
                k: f"{v:.0f}" if k in DIGIT_FIELDS and isinstance(v, float) else v
                for i, k in columns
                if (v := values[i]) is not None
            }
            blank = not any(str(v).strip() for v in row.values())
        else:
            row = {k: values[i] for i, k in columns}
            blank = not "".join(row.values()).strip()
        yield {} if blank else row


def _encoding_of(path: Path) -> str:
    with path.open("rb") as file:
        head = file.read(SNIFF_BYTES)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut at the end of the sample
            return "gb18030"
    return "utf-8-sig"


def _csv_rows(path: Path, encoding: str) -> Iterator[list[str]]:
    with path.open(encoding=encoding, newline="") as file:
        yield from csv.reader(file)


def read_region_file(path: str | Path) -> Iterator[dict[str, object]]:
    """Rows of a region list: CSV (UTF-8 with or without BOM, or GB18030) or xlsx/xls/ods, header first.

    The file is opened here (a missing file raises OSError at once); its rows are read as the caller
    iterates, the first row of the file being row 1 and the first data row row 2.
    """
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return _rows_from_table(_csv_rows(path, _encoding_of(path)), typed=False)
    workbook = CalamineWorkbook.from_path(str(path))
    return _rows_from_table(iter(workbook.get_sheet_by_index(0).to_python()), typed=True)


# Checking the rows and writing them set-based (elections.services.import_regions is the door).
#
# Each row is checked alone as it is read and streamed into a temporary table (one COPY on PostgreSQL);
# what needs every row (a code twice, a parent neither in the file nor in the tree) and what differs
# from the tree are then a few statements over the whole table, so neither the file nor the tree is
# ever held in Python, and the number of statements does not grow with the rows.

STAGE = "elections_region_import"
CHANGES = "elections_region_import_changes"
STAGE_COLUMNS = (
    "row_number",
    "code",
    "parent_code",
    "level",
    "name",
    "official_name",
    # The file may leave these out (or blank): None, and the region keeps what it has.
    "is_community",
    "urban_rural_code",
    "population",
    "households",
    "party_members",
    "village_groups",
    "weak_party_organization",
)
OPTIONAL = STAGE_COLUMNS[6:]
REGION = Region._meta.db_table
INT_LIMITS = {
    "population": 2**31 - 1,
    "households": 2**31 - 1,
    "party_members": 2**31 - 1,
    "village_groups": 32767,
}
BOOL_FIELDS = ("is_community", "weak_party_organization")
TRUE_WORDS = {"1", "true", "yes", "y", "是", "√", "社区"}
URBAN_RURAL = frozenset(UrbanRural.values)
NAME_LIMIT = Region._meta.get_field("name").max_length
OFFICIAL_LIMIT = Region._meta.get_field("official_name").max_length
BASIC_KEYS = frozenset({"code", "name", "urban_rural_code"})
MAX_PROBLEMS = 1000  # reported in full; beyond, only counted


def problem(number: int, column: str, rule: str, params: Mapping[str, object] | None = None) -> dict:
    """One bad cell of a region file: where, its rule's code and its message."""
    message = str(codes.MESSAGES[rule])
    return {"row": number, "column": column, "code": rule, "message": message % params if params else message}


def check_row(number: int, row: Mapping[str, object]) -> tuple[tuple | None, dict | None]:
    """(The row as staged, None) or (None, its first problem): DOMAIN.md "Geography".

    The name as listed is the official name; the short name and whether the unit is a community come
    from its suffix (elections.regions.short_name), unless the file's 社区 column says.
    """
    code = full_code(str(row.get("code") or "").strip())
    if code is None:
        return None, problem(number, "code", codes.REGION_CODE_INVALID)
    official = str(row.get("name") or "").strip()
    if not official:
        return None, problem(number, "name", codes.REGION_NAME_REQUIRED)
    level = level_of(code)
    name, community = short_name(official, level)
    if len(official) > OFFICIAL_LIMIT or len(name) > NAME_LIMIT:
        limit = OFFICIAL_LIMIT if len(official) > OFFICIAL_LIMIT else NAME_LIMIT
        return None, problem(number, "name", codes.REGION_NAME_TOO_LONG, {"limit": limit})
    urban_rural = row.get("urban_rural_code")
    if urban_rural is not None:
        urban_rural = str(urban_rural).strip() or None
        if urban_rural is not None and urban_rural not in URBAN_RURAL:
            return None, problem(
                number, "urban_rural_code", codes.REGION_URBAN_RURAL_INVALID, {"value": urban_rural}
            )
    given: dict[str, object] = {"is_community": community}
    if row.keys() - BASIC_KEYS:  # the bureau's lists stop at code, class and name
        for key, limit in INT_LIMITS.items():
            raw = row.get(key)
            if raw is None or not str(raw).strip():
                continue
            try:
                value = int(float(str(raw).strip()))
            except ValueError:
                value = -1
            if not 0 <= value <= limit:  # not a whole number of people, households…
                return None, problem(number, key, codes.REGION_NUMBER_INVALID, {"value": raw})
            given[key] = value
        for key in BOOL_FIELDS:
            raw = row.get(key)
            if raw is not None and str(raw).strip():
                given[key] = str(raw).strip().lower() in TRUE_WORDS
    staged = (
        number,
        code,
        parent_code(code, level),
        level,
        name,
        official,
        given["is_community"],
        urban_rural,
        given.get("population"),
        given.get("households"),
        given.get("party_members"),
        given.get("village_groups"),
        given.get("weak_party_organization"),
    )
    return staged, None


@dataclass
class Checked:
    """What the rows came to: how many are staged, the unit they all lie under, the problems found."""

    rows: int = 0
    division_code: str = "0" * 12
    problems: list[dict] = field(default_factory=list)
    problem_count: int = 0

    def add(self, found: Iterable[dict], count: int) -> None:
        self.problems.extend(list(found)[: max(0, MAX_PROBLEMS - len(self.problems))])
        self.problem_count += count


class RegionStage:
    """The rows of one region file in a temporary table, and the statements that compare and write them.

    Use inside the caller's transaction; `close()` drops the tables (a rollback drops them too).
    """

    def execute(self, sql: str, params: Sequence | None = None) -> int:
        """Run one statement; its row count."""
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    def fetch(self, sql: str, params: Sequence | None = None) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def load(self, rows: Iterable[Mapping[str, object]]) -> Checked:
        """Check every row (numbered as in the file: the header is row 1) and stage the good ones."""
        checked = Checked()
        common: list[str] = []  # the longest prefix every code shares, as one mutable cell

        def good_rows() -> Iterator[tuple]:
            for number, row in enumerate(rows, start=2):
                if not row:
                    continue
                staged, found = check_row(number, row)
                if found is not None:
                    checked.add([found], 1)
                    continue
                code = staged[1]
                if not common:
                    common.append(code)
                elif not code.startswith(common[0]):
                    common[0] = os.path.commonprefix([common[0], code])
                yield staged

        self.close()
        self.execute(
            f"""CREATE TEMPORARY TABLE {STAGE} (
                row_number integer NOT NULL, code varchar(12) NOT NULL, parent_code varchar(12),
                level varchar(10) NOT NULL, name varchar({NAME_LIMIT}) NOT NULL,
                official_name varchar({OFFICIAL_LIMIT}) NOT NULL, is_community boolean,
                urban_rural_code varchar(3), population integer, households integer, party_members integer,
                village_groups integer, weak_party_organization boolean)"""
        )
        checked.rows = copy_rows(STAGE, STAGE_COLUMNS, good_rows())
        if common:
            checked.division_code = common_unit(common[0])
        if connection.vendor == "postgresql":
            # From here to the commit the tree holds still: two imports at once would both create a
            # new code, and an edit by hand could slip between the checks, the comparison and the
            # write. The lock waits for both, and lets readers and the foreign-key checks of other
            # tables (FOR KEY SHARE) through; the file was read before it. SQLite has one writer anyway.
            self.execute(f"LOCK TABLE {REGION} IN SHARE ROW EXCLUSIVE MODE")
            self.execute(f"ANALYZE {STAGE}")  # autovacuum never analyses a temporary table; then it hashes
        else:
            self.execute(f"CREATE INDEX {STAGE}_code ON {STAGE} (code)")  # SQLite joins by index lookups
        self._check_across_rows(checked)
        checked.problems.sort(key=lambda p: p["row"])
        return checked

    def _check_across_rows(self, checked: Checked) -> None:
        # A code given twice (330702 and 330702000000 are the same county): every row after the first.
        found = self.fetch(
            f"""SELECT s.row_number, s.code, d.first_row, COUNT(*) OVER () FROM {STAGE} s
                JOIN (SELECT code, MIN(row_number) AS first_row FROM {STAGE} GROUP BY code HAVING COUNT(*) > 1) d
                  ON d.code = s.code
                WHERE s.row_number > d.first_row ORDER BY s.row_number LIMIT %s""",
            [MAX_PROBLEMS],
        )
        checked.add(
            (problem(n, "code", codes.REGION_CODE_DUPLICATE, {"code": c, "row": f}) for n, c, f, _ in found),
            found[0][3] if found else 0,
        )
        # A parent neither in the file nor in the tree (DOMAIN.md "Geography": a unit lies in its parent).
        found = self.fetch(
            f"""SELECT s.row_number, s.parent_code, COUNT(*) OVER () FROM {STAGE} s
                WHERE s.parent_code IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM {STAGE} t WHERE t.code = s.parent_code)
                  AND NOT EXISTS (SELECT 1 FROM {REGION} r WHERE r.code = s.parent_code)
                ORDER BY s.row_number LIMIT %s""",
            [MAX_PROBLEMS],
        )
        checked.add(
            (problem(n, "code", codes.REGION_PARENT_MISSING, {"code": c}) for n, c, _ in found),
            found[0][2] if found else 0,
        )

    def plan(self) -> None:
        """Set apart the rows that are new or differ from their region (a temporary table, CHANGES).

        A column the file leaves blank keeps the region's value (a new region: the field's default). An
        unchanged re-import leaves CHANGES empty, so nothing after this step touches the tree.
        """
        defaults = [Region._meta.get_field(c).get_default() for c in OPTIONAL]
        merged = ", ".join(f"COALESCE(s.{c}, r.{c}, %s) AS {c}" for c in OPTIONAL)
        differs = " OR ".join(f"s.{c} <> r.{c}" for c in ("name", "official_name", "level", *OPTIONAL))
        self.execute(
            f"""CREATE TEMPORARY TABLE {CHANGES} AS
                SELECT r.id AS id, s.code AS code, s.parent_code AS parent_code, s.level AS level,
                       s.name AS name, s.official_name AS official_name, {merged}
                FROM {STAGE} s LEFT JOIN {REGION} r ON r.code = s.code
                LEFT JOIN {REGION} p ON p.code = s.parent_code
                WHERE r.id IS NULL OR COALESCE(r.parent_id, 0) <> COALESCE(p.id, 0) OR {differs}""",
            defaults,
        )
        if connection.vendor == "postgresql":
            self.execute(f"ANALYZE {CHANGES}")

    def adds_under(self, prefix: str) -> bool:
        """Whether the file brings a unit under `prefix` that is not in the tree yet (after `plan`)."""
        return bool(
            self.fetch(f"SELECT 1 FROM {CHANGES} WHERE id IS NULL AND code LIKE %s LIMIT 1", [prefix + "%"])
        )

    def write(self) -> tuple[int, int, list[str]]:
        """Update the regions that differ, create the new ones (after `plan`): (created, updated, the
        first MAX_PROBLEMS updated codes, for the trail).

        The parent is the region of the code's head, joined by code; a new parent is written one level
        before its children, so that the join finds it.
        """
        columns = ("level", "name", "official_name", *OPTIONAL)
        parent = f"LEFT JOIN {REGION} p ON p.code = c.parent_code"
        updated = self.execute(
            f"""UPDATE {REGION} SET parent_id = (SELECT p.id FROM {REGION} p WHERE p.code = c.parent_code),
                       {", ".join(f"{col} = c.{col}" for col in columns)}
                FROM {CHANGES} c WHERE c.id IS NOT NULL AND {REGION}.id = c.id"""
        )
        updated_codes = [
            code
            for (code,) in self.fetch(
                f"SELECT code FROM {CHANGES} WHERE id IS NOT NULL ORDER BY code LIMIT %s", [MAX_PROBLEMS]
            )
        ]
        created = 0
        for level in LEVELS:
            created += self.execute(
                f"""INSERT INTO {REGION} (code, parent_id, {", ".join(columns)})
                    SELECT c.code, p.id, {", ".join(f"c.{col}" for col in columns)} FROM {CHANGES} c {parent}
                    WHERE c.id IS NULL AND c.level = %s ORDER BY c.code""",
                [level],
            )
        return created, updated, updated_codes

    def close(self) -> None:
        schema = "pg_temp" if connection.vendor == "postgresql" else "temp"
        for table in (CHANGES, STAGE):
            self.execute(f"DROP TABLE IF EXISTS {schema}.{table}")
