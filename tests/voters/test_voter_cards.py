"""Voter cards (选民证): printed eight to an A4 sheet, by village group (each from a new sheet), names in
surname stroke order within the group — the printed roll's order, which numbers the cards."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from tests.factories import CycleFactory, UserFactory, VillageElectionFactory, region_chain
from tests.voters.test_proxies import enrol
from voters import selectors, services
from voters.models import LeftOffReason

pytestmark = pytest.mark.django_db


@pytest.fixture
def election():
    return VillageElectionFactory(
        cycle=CycleFactory(),
        village=region_chain("330702001001", name="上方村"),
        election_day=timezone.localdate() + timedelta(days=15),
    )


@pytest.fixture
def clerk(election):
    return UserFactory(username="clerk", role=Role.CLERK, region=election.village)


def test_cards_follow_the_village_groups_and_stroke_order_and_are_numbered_in_it(election, clerk):
    # 王 (横) before 方 (点) before 孔 (折) at 4 strokes; 李 before 杨 at 7 (DOMAIN.md).
    for name in ("杨七", "孔四", "李六", "王五", "方三"):
        enrol(election, name, "第一村民小组")
    enrol(election, "陈九", "第十村民小组")
    enrol(election, "邓二", "第二村民小组")
    gone = enrol(election, "赵走", "第一村民小组")
    services.leave_off(registration=gone, reason_code=LeftOffReason.MOVED, note="", by=clerk)
    sheets = selectors.voter_card_sheets(election=election)
    cards = [(c.number, c.name, c.group) for _label, sheet in sheets for c in sheet]
    assert cards == [
        (1, "王五", "第一村民小组"),
        (2, "方三", "第一村民小组"),
        (3, "孔四", "第一村民小组"),
        (4, "李六", "第一村民小组"),
        (5, "杨七", "第一村民小组"),
        (6, "邓二", "第二村民小组"),
        (7, "陈九", "第十村民小组"),
    ]
    assert [label for label, _sheet in sheets] == ["第一村民小组", "第二村民小组", "第十村民小组"]


def test_eight_cards_a_sheet_each_group_from_a_new_sheet_and_one_group_alone(election):
    for i in range(10):
        enrol(election, f"王{'一二三四五六七八九十'[i]}", "第一村民小组")
    enrol(election, "李一", "第二村民小组")
    sheets = selectors.voter_card_sheets(election=election)
    assert [(label, len(cards)) for label, cards in sheets] == [
        ("第一村民小组", 8), ("第一村民小组", 2), ("第二村民小组", 1),
    ]  # fmt: skip
    only = selectors.voter_card_sheets(election=election, group="第二村民小组")
    assert [(c.number, c.name) for _label, cards in only for c in cards] == [(11, "李一")]


def test_the_cards_page_renders_from_the_roll_page_without_id_numbers(
    client, election, clerk, django_assert_max_num_queries
):
    registrations = [enrol(election, name, "第一村民小组") for name in ("孔四", "王五", "方三")]
    client.force_login(clerk)
    roll_page = client.get(reverse("voters:roll", args=[election.pk])).content.decode()
    url = reverse("voters:cards", args=[election.pk])
    assert url in roll_page
    with django_assert_max_num_queries(12):
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200 and "voter-cards.css" in page
    names = re.findall(r'<dd class="card-name">(.+?)</dd>', page)
    assert names == ["王五", "方三", "孔四"]
    assert page.count('class="voter-card"') == 3 and page.count('class="card-sheet"') == 1
    assert "编号 00001" in page and "上方村村民选举委员会（盖章）" in page
    assert not any(r.resident.id_number in page for r in registrations)
