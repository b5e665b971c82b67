"""The voting notice in a real browser: the township office sets up a station, publishes, corrects, prints."""

import datetime
import re

import pytest
from django.utils import timezone

from ballots.models import VotingNotice
from tests.ballots.factories import make_village
from tests.e2e.conftest import go, login, screenshot
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_township_publishes_corrects_and_prints_the_voting_notice(page):
    village = make_village()
    election = village.election
    today = timezone.localdate()
    election.election_day = today + datetime.timedelta(days=2)  # too soon for a notice today
    election.save()

    login(page, "township", TEST_PASSWORD)
    page.goto(f"{page.base_url}/ballots/election/{election.pk}/?body=committee&round=1")
    go(page, "#voting-notice-link")
    assert "尚未设立投票站" in page.content()

    page.fill("#stations input[name='name']", "一组投票站")
    page.fill("#stations input[name='place']", "一组活动室")
    go(page, "button:has-text('设立投票站')")
    assert "投票站已设立" in page.content()

    page.fill("input[name='published_on']", today.isoformat())
    page.check("input[value='central_and_stations']")
    page.fill("input[name='place']", "村文化礼堂")
    page.fill("input[name='ends_at']", "17:00")
    go(page, "button:has-text('发布投票公告')")
    assert "选举日前至少3天" in page.locator("#notice-form .error").inner_text()
    assert not VotingNotice.objects.exists()

    # The township moves the election day (on the election's own page); the form keeps what was typed.
    election.election_day = today + datetime.timedelta(days=5)
    election.save()
    page.fill("input[name='voting_on']", election.election_day.isoformat())
    page.fill("input[name='term']", "12")
    go(page, "button:has-text('发布投票公告')")
    assert "投票公告已发布" in page.content()
    screenshot(page, "voting-notice-form")

    page.fill("input[name='place']", "村委会大院")
    go(page, "button:has-text('保存更正')")
    assert "请填写更正原因" in page.content()
    page.fill("textarea[name='reason']", "礼堂维修")
    go(page, "button:has-text('保存更正')")
    assert "投票公告已更正" in page.content()

    go(page, "a:has-text('打印投票公告')")
    notice = page.locator("#notice").inner_text()
    assert "第十二届村民委员会选举投票公告" in notice
    assert "村委会大院" in notice and "一组投票站" in notice and "不设流动票箱" in notice
    assert page.locator("button[data-print]").is_visible()
    screenshot(page, "voting-notice-print")
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # the notice fits one A4 sheet
    page.emulate_media(media="print")
    assert not page.locator("button[data-print]").is_visible()
    assert page.locator("#notice").is_visible()
