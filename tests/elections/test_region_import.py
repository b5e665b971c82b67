"""The bulk region import (issue 17): the statistics bureau's list as published, counts, all or nothing."""

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from elections.importing import read_region_file
from elections.models import Region
from elections.services import import_regions
from tests.factories import CycleFactory
from trail.models import TrailEntry

pytestmark = pytest.mark.django_db

JINHUA = Path(__file__).resolve().parents[2] / "demo" / "data" / "jinhua-regions-2023.csv"
# As the bureau publishes the village pages: code, urban-rural class, name with its committee suffix;
# the units above given by their own digits (33, 3307, 330702, 330702001).
BUREAU = """统计用区划代码,城乡分类代码,名称
33,,浙江省
3307,,金华市
330702,,婺城区
330702001,,城东街道
330702106000,,汤溪镇
330702001008,111,桃园社区居委会
330702106279,220,仓里村村民委员会
330702106290,220,傅山村民委员会
330702106200,220,汤溪村委会
330702106001,121,仙舟社区
330702106002,112,柳城居委会
330702106500,,东兴生活区
"""


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def write(tmp_path, text: str, name: str = "regions.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def load(path: Path, **kwargs):
    return import_regions(rows=read_region_file(path), **kwargs)


def test_the_bureau_format_loads_as_published(tmp_path):
    result = load(write(tmp_path, BUREAU))
    assert (result.created, result.updated, result.unchanged, result.errors) == (12, 0, 0, [])
    regions = {r.code: r for r in Region.objects.all()}
    assert (
        regions["330702001000"].level == "township" and regions["330702001000"].parent.code == "330702000000"
    )
    assert [r.code for r in regions["330702001008"].ancestors()] == [
        "330000000000",
        "330700000000",
        "330702000000",
        "330702001000",
    ]
    village = regions["330702106290"]
    assert (village.name, village.official_name, village.is_community, village.urban_rural_code) == (
        "傅山村",
        "傅山村民委员会",
        False,
        "220",
    )
    assert regions["330702106279"].name == "仓里村"
    assert regions["330702106200"].name == "汤溪村"
    community = regions["330702001008"]
    assert (community.name, community.is_community, community.urban_rural_code) == ("桃园社区", True, "111")
    assert (regions["330702106002"].name, regions["330702106002"].is_community) == ("柳城社区", True)
    assert regions["330702106001"].is_community
    assert (regions["330702106500"].name, regions["330702106500"].is_community) == ("东兴生活区", False)
    assert regions["330000000000"].official_name == "浙江省"


def test_the_real_jinhua_list_loads_and_reloads_unchanged():
    result = load(JINHUA)
    assert (result.created, result.errors) == (3457, [])
    villages = Region.objects.filter(level="village")
    assert villages.count() == 3300 and villages.filter(is_community=True).count() > 400
    assert not villages.exclude(name__endswith=("村", "社区", "生活区")).filter(name__endswith="会").exists()
    again = load(JINHUA)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3457)


def test_a_reimport_counts_created_updated_and_unchanged(tmp_path):
    load(write(tmp_path, BUREAU))
    changed = BUREAU.replace("汤溪村委会", "汤溪一村委会").replace("330702106001,121", "330702106001,122")
    added = changed + "330702106201,220,上徐村委会\n"
    result = load(write(tmp_path, added))
    assert (result.created, result.updated, result.unchanged) == (1, 2, 10)
    assert Region.objects.get(code="330702106200").name == "汤溪一村"
    assert Region.objects.get(code="330702106001").urban_rural_code == "122"
    assert Region.objects.get(code="330702106201").parent.code == "330702106000"


def test_a_column_left_out_or_blank_keeps_what_the_region_has(tmp_path):
    import_regions(
        rows=[
            {"code": "330000000000", "name": "浙江省"},
            {"code": "330700000000", "name": "金华市"},
            {"code": "330702000000", "name": "婺城区"},
            {"code": "330702001000", "name": "城东街道"},
            {"code": "330702001001", "name": "上方村", "population": 1200, "is_community": "否"},
        ]
    )
    result = import_regions(rows=[{"code": "330702001001", "name": "上方村", "population": ""}])
    assert (result.updated, result.unchanged) == (0, 1)
    assert Region.objects.get(code="330702001001").population == 1200
    result = import_regions(rows=[{"code": "330702001001", "name": "上方村", "households": "400"}])
    assert result.updated == 1
    village = Region.objects.get(code="330702001001")
    assert (village.population, village.households) == (1200, 400)


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("33070210620X,220,坏村委会", "region.code_invalid"),
        ("3307021062,220,短码村委会", "region.code_invalid"),
        ("330702106291,230,傅村村委会", "region.urban_rural_invalid"),
        ("330702106292,220,", "region.name_required"),
        ("330702106293,220," + "长" * 101, "region.name_too_long"),
        ("330702106200,220,汤溪村委会", "region.code_duplicate"),
        ("330702106000000,,汤溪镇", "region.code_invalid"),
        ("330702107201,220,无乡村委会", "region.parent_missing"),
    ],
)
def test_a_bad_row_writes_nothing(tmp_path, line, code):
    result = load(write(tmp_path, BUREAU + line + "\n"))
    assert [(e["row"], e["code"]) for e in result.errors] == [(14, code)]
    assert result.error_count == 1 and result.created == 0
    assert not Region.objects.exists() and not TrailEntry.objects.exists()


def test_the_same_unit_given_short_and_padded_is_a_duplicate(tmp_path):
    result = load(write(tmp_path, BUREAU + "330702000000,,婺城区\n"))
    assert [(e["row"], e["code"]) for e in result.errors] == [(14, "region.code_duplicate")]


def test_a_bad_file_rolls_back_a_tree_that_existed(tmp_path):
    load(write(tmp_path, BUREAU))
    result = load(
        write(tmp_path, BUREAU.replace("傅山村民委员会", "傅山新村民委员会") + "330702106291,999,坏村委会\n")
    )
    assert result.errors and Region.objects.get(code="330702106290").name == "傅山村"


def test_row_numbers_are_the_files_even_past_blank_lines(tmp_path):
    result = load(write(tmp_path, BUREAU + "\n,,\n330702106291,220,\n"))
    assert [e["row"] for e in result.errors] == [16]


def test_excel_with_codes_and_classes_stored_as_numbers(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for line in BUREAU.strip().split("\n"):
        code, urban, name = line.split(",")
        ws.append(
            [int(code) if code.isdigit() else code, int(urban) if urban.isdigit() else urban or None, name]
        )
    path = tmp_path / "regions.xlsx"
    wb.save(path)
    assert load(path).created == 12
    assert Region.objects.get(code="330702001008").urban_rural_code == "111"


def test_a_csv_saved_by_chinese_excel_in_gb18030_loads(tmp_path):
    assert load(write(tmp_path, BUREAU, encoding="gb18030")).created == 12
    assert Region.objects.filter(name="傅山村").exists()


def test_the_statements_do_not_grow_with_the_rows(tmp_path):
    small = write(tmp_path, BUREAU, "small.csv")
    many = BUREAU + "".join(f"330702001{300 + i:03d},220,新{i}村委会\n" for i in range(600))
    big = write(tmp_path, many, "big.csv")
    load(small)
    with CaptureQueriesContext(connection) as few:
        assert load(small).unchanged == 12
    with CaptureQueriesContext(connection) as created:
        assert load(big).created == 600
    with CaptureQueriesContext(connection) as many:
        assert load(big).unchanged == 612
    assert len(few) == len(created) == len(many)


def test_the_import_records_itself_in_the_trail_once(tmp_path):
    path = write(tmp_path, BUREAU)
    call_command("import_regions", str(path), stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    call_command("import_regions", str(path), stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    entries = list(TrailEntry.objects.filter(model_label="elections.region").order_by("seq"))
    assert [e.action for e in entries] == ["bulk", "bulk"]
    assert entries[0].extra["counts"] == {"created": 12, "updated": 0, "unchanged": 0}
    assert entries[1].extra["counts"] == {"created": 0, "updated": 0, "unchanged": 12}
    assert len(entries[0].extra["sha256"]) == 64 and entries[0].division_code == "330000000000"


def test_a_county_file_is_recorded_under_its_county(tmp_path):
    load(write(tmp_path, BUREAU))
    part = "统计用区划代码,名称\n330702106290,傅山村民委员会\n330702001008,桃园社区居委会\n"
    load(write(tmp_path, part))
    assert TrailEntry.objects.order_by("-seq").first().division_code == "330702000000"


def test_the_command_prints_the_counts(tmp_path, capsys):
    path = write(tmp_path, BUREAU)
    call_command("import_regions", str(path))
    call_command("import_regions", str(path))
    assert capsys.readouterr().out.split("\n")[:2] == [
        "created 12, updated 0, unchanged 0",
        "created 0, updated 0, unchanged 12",
    ]


def test_the_command_reports_errors_in_chinese_and_writes_nothing(tmp_path, capsys):
    path = write(tmp_path, BUREAU + "330702106291,230,坏村委会\n")
    with pytest.raises(CommandError) as raised:
        call_command("import_regions", str(path))
    error = json.loads(capsys.readouterr().err.strip())
    assert (error["row"], error["code"]) == (14, "region.urban_rural_invalid")
    assert chinese(error["message"]) and chinese(str(raised.value))
    assert not Region.objects.exists()


def test_the_command_dry_run_writes_nothing(tmp_path, capsys):
    call_command("import_regions", str(write(tmp_path, BUREAU)), "--dry-run")
    assert "created 12" in capsys.readouterr().out
    assert not Region.objects.exists() and not TrailEntry.objects.exists()


def test_a_county_added_while_a_cycle_runs_gets_its_cycle_prepared(tmp_path):
    from candidates.models import ReviewUnit

    cycle = CycleFactory(ends_on=date.today() + timedelta(days=30))
    load(write(tmp_path, "统计用区划代码,名称\n3301,杭州市\n330106,西湖区\n"))
    assert ReviewUnit.objects.filter(region__code="330106000000").exists()
    assert cycle.region.code == "330000000000"
