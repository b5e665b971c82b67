"""The clerk's roll journey in a real browser: template → upload with errors → fix → confirm → publish → print."""

from datetime import date

import pytest
from openpyxl import load_workbook

from accounts.roles import Role
from tests.e2e.conftest import PHONE, login, screenshot
from tests.factories import (
    TEST_PASSWORD,
    CycleFactory,
    UserFactory,
    VillageElectionFactory,
    make_id_number,
    region_chain,
)

pytestmark = pytest.mark.django_db(transaction=True)


def fill_template(template_path, target, people):
    """What the clerk does in Excel: delete the example row, type the people below the header."""
    wb = load_workbook(template_path)
    ws = wb.active
    ws.delete_rows(3)
    for row, values in enumerate(people, start=3):
        for column, value in enumerate(values, start=1):
            ws.cell(row=row, column=column, value=value)
    wb.save(target)


def test_clerk_imports_fixes_publishes_and_prints_the_roll(page, tmp_path):
    cycle = CycleFactory(name="2026—2027年村（社区）“两委”换届")
    election = VillageElectionFactory(
        cycle=cycle, village=region_chain("330702001001", name="上方村"), election_day=date(2027, 1, 20)
    )
    UserFactory(username="village_clerk", role=Role.CLERK, region=election.village, display_name="李文书")
    login(page, "village_clerk", TEST_PASSWORD)
    page.click("text=选民名单")
    assert "上方村选民名单" in page.content()

    with page.expect_download() as download:
        page.click("text=下载模板")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    good = [
        ["王五", make_id_number(serial=1), "男", "", "一组", "001", "户主"],
        ["方平", make_id_number(serial=2, sex="F"), "女", "", "一组", "001", "配偶"],
        ["孔明", make_id_number(serial=3), "男", "", "二组", "002", "户主"],
        # Groups as clerks write them: one group in three spellings, and a tenth group that code-point
        # order would put last among 一, 三, 二 but numeric order puts after 三.
        ["周十", make_id_number(serial=6), "男", "", "第十村民小组", "010", "户主"],
        ["吴三", make_id_number(serial=7), "男", "", "3组", "005", "户主"],
        ["郑三", make_id_number(serial=8, sex="F"), "女", "", "第三组", "006", "户主"],
    ]
    wrong_check = make_id_number(serial=4)
    wrong_check = wrong_check[:-1] + ("1" if wrong_check[-1] != "1" else "2")
    bad = [
        ["邓小", make_id_number(birth=date(2010, 3, 1), serial=5), "男", "", "二组", "002", "子"],
        ["陈错", wrong_check, "男", "", "二组", "003", "户主"],
    ]
    first = tmp_path / "roll-v1.xlsx"
    fill_template(template, first, good + bad)
    page.set_input_files("#id_file", str(first))
    page.click("text=上传并检查")
    page.wait_for_selector("#errors")
    content = page.content()
    assert "选举日未满18周岁" in content and "身份证号码校验位错误" in content
    assert page.inner_text("#rejected-count") == "2"
    screenshot(page, "roll-preview-errors")

    # The clerk fixes the file: drops the under-age son, corrects the mistyped number, uploads again.
    page.goto(page.base_url + f"/voters/election/{election.pk}/")
    fixed = [*good, ["陈错", make_id_number(serial=4), "男", "", "二组", "003", "户主"]]
    second = tmp_path / "roll-v2.xlsx"
    fill_template(template, second, fixed)
    page.set_input_files("#id_file", str(second))
    page.click("text=上传并检查")
    page.wait_for_selector("#confirm-import")
    assert page.inner_text("#rejected-count") == "0"
    page.click("#confirm-import")
    page.wait_for_selector("#import-done")
    page.click("text=打开选民名单")
    table = page.inner_text("#roll")
    for name in ("王五", "方平", "孔明", "陈错"):
        assert name in table
    assert "********" in table  # the clerk sees ID numbers masked
    screenshot(page, "roll-after-import")

    page.fill("input[name=published_on]", "2026-11-20")
    page.click("#publish button[type=submit]")
    assert "已于 2026-11-20 公布选民名单，共 7 人" in page.content()

    page.click("text=张榜公布打印版")
    names = page.inner_text(".notice")
    # Surname stroke order inside each group: 王 (横) before 方 (点) at 4 strokes; 孔 4 before 陈 7.
    assert names.index("王五") < names.index("方平")
    assert names.index("孔明") < names.index("陈错")
    # The groups in numeric order, each once, whatever the spelling in the file.
    headings = [h.split("（")[0] for h in page.locator(".notice h2").all_inner_texts()]
    assert headings == ["第一村民小组", "第二村民小组", "第三村民小组", "第十村民小组"]
    assert names.index("吴三") < names.index("周十") and names.index("郑三") < names.index("周十")
    # Signed on the day it was posted, not the day it is printed.
    assert "2026年11月20日" in page.inner_text(".notice .signature")
    screenshot(page, "roll-print")
    page.emulate_media(media="print")
    screenshot(page, "roll-print-media")
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + f"/voters/election/{election.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "roll-phone")
