"""Paper that is right (issue 14, part 5): the printed results state the vote day, the approval day and the
term from the records; the tally sheet lists candidates in the formal notice's order; the pages speak in
messages, a rule code only in small print for support."""

import datetime
import re

import pytest
from django.utils import timezone

from ballots import selectors, services
from ballots.models import ElectionResult, VotingMethod, VotingNotice
from candidates.choices import NominationState, Position
from elections.models import VillageElection
from elections.ordering import stroke_order_key
from tests.ballots.factories import add_box, enter_twice, make_village, register, sheet_values
from tests.ballots.test_views import url
from tests.candidates.factories import NominationFactory, ResidentFactory

pytestmark = pytest.mark.django_db

VOTE_DAY = datetime.date(2026, 11, 30)
# A rule code as the services name it: `count.seats_unfilled.W`, `reconcile.write_in_not_on_roll.W`.
CODE = re.compile(r"[a-z_]+\.[a-z_]+(\.W)?")


@pytest.fixture
def village():
    village = make_village()
    VillageElection.objects.filter(pk=village.election.pk).update(election_day=VOTE_DAY)
    village.election.refresh_from_db()
    village.election.cycle.year = 2027  # the cycle of the 2026–27 round, as in the issue
    village.election.cycle.save()
    return village


def counted(village, values=None) -> ElectionResult:
    enter_twice(village, add_box(village), values)
    return services.count_election(election=village.election, body="committee", by=village.clerk)


def confirmed(village, values=None) -> ElectionResult:
    counted(village, values)
    report = services.reconcile_election(election=village.election, body="committee")
    for finding in report.unacknowledged:
        key = services.finding_key(finding)
        services.acknowledge_warning(election=village.election, body="committee", key=key, by=village.clerk)
    return services.confirm_results(election=village.election, body="committee", by=village.clerk)


def approved(village) -> ElectionResult:
    return services.approve_results(result=confirmed(village), by=village.township)


def chinese(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def main_text(html: str) -> str:
    """The page's main content as text, the small-print codes for support removed first."""
    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(r'<small class="code">.*?</small>', "", main, flags=re.S)
    main = re.sub(r"<(script|style)\b.*?</\1>", "", main, flags=re.S)
    main = re.sub(r"<[^>]+>", " ", main)  # tags and their attributes (links, static paths) go
    return main


def flat(html: str) -> str:
    return re.sub(r"\s+", "", main_text(html))


def test_a_certificate_states_the_vote_day_and_the_approval_day(client, village):
    result = approved(village)
    client.force_login(village.township)
    html = client.get(url("certificates", village)).content.decode()
    approval = timezone.localdate(result.approved_at)
    assert f"同志于{chinese(VOTE_DAY)}在" in main_text(html).replace(" ", "")
    assert f'<time class="approval-date" datetime="{approval.isoformat()}">{chinese(approval)}</time>' in html
    assert "届" not in main_text(html)  # no voting notice records a term: the paper names none


def test_the_announcement_is_titled_with_the_year_of_the_vote(client, village):
    approved(village)
    client.force_login(village.clerk)
    text = main_text(client.get(url("announcement", village)).content.decode())
    assert "2026年村民委员会选举结果公告" in text.replace(" ", "")
    assert "2027年" not in text
    assert chinese(VOTE_DAY) in text


def test_the_term_of_the_voting_notice_is_printed(client, village):
    VotingNotice.objects.create(
        election=village.election,
        division_code=village.election.division_code,
        term=12,
        voting_on=VOTE_DAY,
        starts_at=datetime.time(8),
        method=VotingMethod.values[0],
        place="村委会大院",
        published_on=VOTE_DAY - datetime.timedelta(days=5),
        published_by=village.township,
    )
    approved(village)
    client.force_login(village.township)
    announcement = main_text(client.get(url("announcement", village)).content.decode()).replace(" ", "")
    assert "第十二届村民委员会选举结果公告" in announcement
    certificates = main_text(client.get(url("certificates", village)).content.decode()).replace(" ", "")
    assert "第十二届村民委员会选举中当选为" in certificates


def test_the_tally_sheet_lists_candidates_in_the_formal_notices_stroke_order(client, village):
    # 杨 and 应 both have 7 strokes; 杨 starts with 横, 应 with 点: 杨秀莉 comes first (not 应强)
    for name in ("应强", "杨秀莉"):
        resident = ResidentFactory(village=village.election.village, name=name)
        village.candidates[name] = NominationFactory(
            election=village.election,
            resident=resident,
            position=Position.COMMITTEE_MEMBER,
            state=NominationState.LISTED,
        )
        register(village.election, resident)
    posts = dict(
        (p, persons) for p, _label, persons in selectors.posts(election=village.election, body="committee")
    )
    members = [name for _key, name in posts[Position.COMMITTEE_MEMBER]]
    assert members == sorted(members, key=stroke_order_key)
    assert members.index("杨秀莉") < members.index("应强")
    client.force_login(village.clerk)
    html = client.get(url("enter", village, box=add_box(village).pk)).content.decode()
    shown = [name for name in re.findall(r'<label for="id_v:committee_member:r\d+">([^<]+)</label>', html)]
    assert shown == members


def test_no_rule_code_outside_the_small_print(client, village):
    values = sheet_values(village)
    # 孙三 and 周五 stay under half the votes: a seat is unfilled (count.seats_unfilled.W), and the write-in
    # 王大 is not on the roll (reconcile.write_in_not_on_roll.W)
    values["votes"][Position.COMMITTEE_MEMBER][village.key("孙三")] = 3
    box = add_box(village)
    enter_twice(village, box, values)
    services.count_election(election=village.election, body="committee", by=village.clerk)
    client.force_login(village.clerk)
    pages = {
        "reconcile": client.get(url("reconcile", village)),
        "results": client.get(url("results", village)),
        "enter": client.get(url("enter", village, box=box.pk)),
        "overview": client.get(url("overview", village)),
    }
    assert "reconcile.write_in_not_on_roll.W" in pages["reconcile"].content.decode()  # in small print
    assert "count.seats_unfilled.W" in pages["results"].content.decode()
    for name, response in pages.items():
        assert response.status_code == 200, name
        text = main_text(response.content.decode())
        assert not CODE.search(text), (name, CODE.search(text).group(), text[:2000])
    results = flat(pages["results"].content.decode())
    assert "未选足" in results or "另行选举" in results  # the message of count.seats_unfilled.W, in Chinese
    reconcile = main_text(pages["reconcile"].content.decode())
    assert "人员：王大；得票：1" in reconcile
    assert "person=" not in reconcile and "w:" not in reconcile
