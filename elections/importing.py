"""Reading a region list (CSV or Excel) for `manage.py import_regions`, the one import of regions."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from python_calamine import CalamineWorkbook

# Accepted headers for each field (Chinese as in the statistics bureau's lists, and English).
HEADERS = {
    "code": {"code", "区划代码", "统计用区划代码", "代码"},
    "name": {"name", "名称", "单位名称"},
    "population": {"population", "人口", "户籍人口"},
    "households": {"households", "户数"},
    "party_members": {"party_members", "党员数", "党员人数"},
    "village_groups": {"village_groups", "村民小组数", "小组数"},
    "is_community": {"is_community", "社区", "是否社区"},
    "weak_party_organization": {"weak_party_organization", "软弱涣散"},
}
LOOKUP = {alias: key for key, aliases in HEADERS.items() for alias in aliases}


def _rows_from_table(table: list[list[object]]) -> list[dict[str, object]]:
    if not table:
        return []
    keys = [LOOKUP.get(str(h).strip()) for h in table[0]]
    rows = []
    for values in table[1:]:
        if not any(str(v).strip() for v in values):
            continue
        row = {}
        for key, value in zip(keys, values, strict=False):
            if key:
                # Codes stored as numbers by Excel come back as floats; 12 digits fit exactly.
                row[key] = f"{value:.0f}" if key == "code" and isinstance(value, float) else value
        rows.append(row)
    return rows


def read_region_file(path: str | Path) -> list[dict[str, object]]:
    """Rows of a region list: CSV (UTF-8, with or without BOM) or xlsx/xls/ods, header in the first row."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        text = path.read_text(encoding="utf-8-sig")
        return _rows_from_table([list(r) for r in csv.reader(io.StringIO(text))])
    workbook = CalamineWorkbook.from_path(str(path))
    return _rows_from_table(workbook.get_sheet_by_index(0).to_python())
