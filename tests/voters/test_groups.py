"""Village groups in one canonical form, in numeric order, names in stroke order (issue 14 part 5)."""

import importlib
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from accounts.roles import Role
from elections.ordering import stroke_order_key
from tests.factories import CycleFactory, UserFactory, VillageElectionFactory, region_chain
from tests.voters.test_services import election, person, run  # noqa: F401 - fixtures and builders
from voters.groups import group_order_key, normalise_group
from voters.models import Household, VoterRegistration

NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一"]


@pytest.mark.parametrize(
    "typed",
    ["一组", "1组", "01组", "第一组", "第1组", "第一小组", "第一村民小组", "第1村民小组", "1", "一", " 1 组"],
)
def test_every_usual_way_of_writing_group_one_is_one_group(typed):
    assert normalise_group(typed) == "第一村民小组"


def test_groups_order_numerically_not_by_code_point():
    mixed = [
        "十一组",
        "3组",
        "第二村民小组",
        "10",
        "一组",
        "东山组",
        "",
        "第九组",
        "四",
        "5组",
        "六组",
        "7",
        "八组",
    ]
    ordered = sorted((normalise_group(g) for g in mixed), key=group_order_key)
    assert ordered == [f"第{n}村民小组" for n in NUMERALS] + ["东山组", ""]


def test_a_group_without_a_number_is_kept_as_typed():
    assert normalise_group(" 东山  组 ") == "东山 组"
    assert normalise_group("0组") == "0组"
    assert normalise_group(None) == ""


# --- the roll in order: screen, print, Excel ---------------------------------------------------------

GROUPS_TYPED = ["十一组", "第二村民小组", "1组", "三组", "10组", "第一组", "二", "9组"]
NAMES = ["王强", "丁一", "李四", "方明", "赵五", "马六", "孙七", "白八", "朱九", "卢十"]


@pytest.fixture
def mixed_roll(election):  # noqa: F811
    rows = [
        person(serial, name=NAMES[serial % len(NAMES)], group=GROUPS_TYPED[serial % len(GROUPS_TYPED)])
        for serial in range(1, 25)
    ]
    report = run(election, rows)
    assert report.rejected == 0
    return election


def expected_groups(election):  # noqa: F811
    groups = {normalise_group(g) for g in GROUPS_TYPED}
    return sorted(groups, key=group_order_key)


@pytest.mark.django_db
def test_the_stored_groups_are_canonical(mixed_roll):
    assert set(VoterRegistration.objects.values_list("group", flat=True)) == {
        "第一村民小组",
        "第二村民小组",
        "第三村民小组",
        "第九村民小组",
        "第十村民小组",
        "第十一村民小组",
    }
    assert set(Household.objects.values_list("group", flat=True)) <= set(
        VoterRegistration.objects.values_list("group", flat=True)
    )


@pytest.fixture
def clerk(election):  # noqa: F811
    return UserFactory(username="clerk", role=Role.CLERK, region=election.village)


def runs(values):
    """The values in order with repeats collapsed (the groups as they come down a list)."""
    out = []
    for value in values:
        if not out or out[-1] != value:
            out.append(value)
    return out


def _in_stroke_order(pairs):
    for group in {g for g, _ in pairs}:
        names = [n for g, n in pairs if g == group]
        assert names == sorted(names, key=stroke_order_key), group


@pytest.mark.django_db
def test_the_print_lists_groups_in_numeric_order_names_in_stroke_order(client, mixed_roll, clerk):
    client.force_login(clerk)
    page = client.get(f"/voters/election/{mixed_roll.pk}/print/").content.decode()
    positions = [page.index(f"<h2>{g}（") for g in expected_groups(mixed_roll)]
    assert positions == sorted(positions)
    from voters.selectors import print_groups

    groups = print_groups(election=mixed_roll)
    assert [g for g, _names in groups] == expected_groups(mixed_roll)
    for _group, names in groups:
        assert names == sorted(names, key=stroke_order_key)


@pytest.mark.django_db
def test_the_screen_lists_the_roll_in_group_then_stroke_order(client, mixed_roll, clerk):
    client.force_login(clerk)
    page = client.get(f"/voters/election/{mixed_roll.pk}/").content.decode()
    table = page[page.index('id="roll"') :]
    import re

    pairs = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td>", table)
    assert runs([g for g, _ in pairs]) == expected_groups(mixed_roll)
    _in_stroke_order(pairs)
    start = page.index('<select name="group"')
    select = page[start : page.index("</select>", start)]
    assert re.findall(r'<option value="(第[^"]+)"', select) == expected_groups(mixed_roll)


@pytest.mark.django_db
def test_the_excel_export_is_in_group_then_stroke_order(client, mixed_roll, clerk):
    client.force_login(clerk)
    response = client.get(f"/voters/election/{mixed_roll.pk}/export.xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [(r[0], r[1]) for r in sheet.iter_rows(values_only=True) if r[0] and str(r[0]).startswith("第")]
    assert runs([g for g, _ in rows]) == expected_groups(mixed_roll)
    _in_stroke_order(rows)


@pytest.mark.django_db
def test_the_migration_normalises_stored_groups(election):  # noqa: F811
    run(election, [person(1, group="二组"), person(2, name="李四", group="二组")])
    VoterRegistration.objects.filter(resident__name="张三").update(group="2组")
    VoterRegistration.objects.filter(resident__name="李四").update(group="第二组")
    Household.objects.update(group="02组")
    from django.apps import apps

    migration = importlib.import_module("voters.migrations.0006_normalise_village_groups")
    migration.normalise(apps, None)
    assert set(VoterRegistration.objects.values_list("group", flat=True)) == {"第二村民小组"}
    assert set(Household.objects.values_list("group", flat=True)) == {"第二村民小组"}


# --- the print's title year ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_roll_print_is_titled_with_the_year_of_the_vote(client):
    cycle = CycleFactory(year=2027)  # the cycle is labelled 2027; its villages vote in November 2026
    november = VillageElectionFactory(
        cycle=cycle, village=region_chain("330702001003", name="中方村"), election_day=date(2026, 11, 30)
    )
    run(november, [person(1)])
    clerk = UserFactory(username="clerk-nov", role=Role.CLERK, region=november.village)
    client.force_login(clerk)
    page = client.get(f"/voters/election/{november.pk}/print/").content.decode()
    assert "中方村2026年村民委员会选举选民名单" in page
    assert "2027年村民委员会" not in page
