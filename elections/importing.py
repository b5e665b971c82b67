"""Reading a region list (CSV or Excel) and the admin's import-export resource for regions."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from import_export import fields, resources
from python_calamine import CalamineWorkbook

from .models import Region
from .regions import level_of, parent_code

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


class RegionResource(resources.ModelResource):
    """Column mapping for the admin's region import/export (Chinese headers)."""

    code = fields.Field(attribute="code", column_name="区划代码")
    name = fields.Field(attribute="name", column_name="名称")
    level = fields.Field(attribute="level", column_name="级别")
    population = fields.Field(attribute="population", column_name="人口")
    households = fields.Field(attribute="households", column_name="户数")
    party_members = fields.Field(attribute="party_members", column_name="党员数")
    village_groups = fields.Field(attribute="village_groups", column_name="村民小组数")

    class Meta:
        model = Region
        import_id_fields = ("code",)
        fields = ("code", "name", "level", "population", "households", "party_members", "village_groups")
        skip_unchanged = True

    def before_save_instance(self, instance, row, **kwargs):
        instance.level = level_of(instance.code)
        pcode = parent_code(instance.code)
        instance.parent = Region.objects.filter(code=pcode).first() if pcode else None
